"""Quarterly retraining: validate the data, train a challenger, compare, gate, register, promote.

``retrain(engine, "2026Q4")`` uses the data up to the end of 2026Q4 (later enrollments are cut
off) and:

1. checks the schema and the quarter's sanity (row counts, completion rate; ``model.gates``);
2. fits a *held-out* challenger on the quarters before 2026Q4 and evaluates it on 2026Q4, and
   evaluates the current champion, as it is, on the same quarter with the same candidates and
   relevant items (``model.evaluation.evaluate(..., recommender=champion)``); this is honest only
   when the champion was trained on quarters before 2026Q4, so a champion that has seen 2026Q4
   is refused (``--force`` then promotes without the comparison);
3. fits the *serving* challenger on everything up to 2026Q4 (serving from 2027Q1): that is the
   version registered; its card and metrics are those of the held-out fit of the same config;
4. measures drift (2026Q4 against 2026Q3) and fairness, runs the gates and registers the version
   with its metrics, tags and card; promotes it only when the gates pass (or ``force``).

Idempotency: a version is keyed by quarter, data fingerprint and config digest. A re-run whose
key matches a finished version (``status`` promoted or rejected) does nothing and reports it;
with ``force`` a rejected one is promoted as it is (no retraining). An unfinished version
(killed mid-run) is tagged ``status=abandoned`` and the run starts afresh.

Crash safety: everything is written before the ``champion`` alias, the single last write, and
the artifact's checksum is verified before it. ``ASN_CRASH_AT=<point>`` makes the process
SIGKILL itself at ``CRASH_POINTS`` (used by the tests).
"""

from __future__ import annotations

import datetime as dt
import fcntl
import getpass
import json
import os
import signal
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Callable, Iterator

import sqlalchemy as sa

from model import quarters as qt
from model import registry
from model.config import ModelConfig
from model.drift import candidate_drift
from model.evaluation import evaluate
from model.fairness import audit
from model.gates import (DataValidationError, GateConfig, GateResult, check_data, check_schema,
                         evaluate_gates)
from model.model_card import render_html, render_markdown
from model.recommender import Recommender
from service.model_inputs import load_exposure, load_model_frames
from service.oulad import benchmark_results
from service.retrain_inputs import config_digest, data_fingerprint, frames_until
from service.settings import get_settings
from service.training import flat_metrics, signature_example

Progress = Callable[[str, float], None]
CRASH_ENV = "ASN_CRASH_AT"
CRASH_POINTS = ("training", "after_log", "after_register", "before_promote")
FINAL = ("promoted", "rejected")


class RetrainError(RuntimeError):
    """A retrain that cannot run now (another one running, champion not comparable)."""


@dataclass
class RetrainResult:
    """What a retrain did (``status``: promoted, rejected or skipped) and why."""

    quarter: str
    serving_from: str
    status: str
    version: str | None
    champion_before: str | None
    champion_after: str | None
    message: str
    reasons: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    needs_review: bool = False
    forced: bool = False
    fingerprint: str = ""
    gates: dict = field(default_factory=dict)
    drift: dict = field(default_factory=dict)
    data: dict = field(default_factory=dict)
    metrics: dict = field(default_factory=dict)

    def to_dict(self) -> dict:
        return asdict(self)


def crash_point(name: str) -> None:
    """SIGKILL this process when ``ASN_CRASH_AT`` names this point (crash-safety tests)."""
    if os.environ.get(CRASH_ENV) == name:
        os.kill(os.getpid(), signal.SIGKILL)


@contextmanager
def retrain_lock(folder: Path) -> Iterator[None]:
    """One retrain at a time per workspace (the OS releases the lock if the process dies)."""
    folder.mkdir(parents=True, exist_ok=True)
    with open(folder / "retrain.lock", "w") as fh:
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise RetrainError("another retrain is running in this workspace") from None
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def _client():
    s = get_settings()
    return registry.client_for(s.tracking_uri, s.artifact_root)


def _finished(client, quarter: str, key: dict[str, str], force: bool, actor: str,
              champion: str | None, serving_from: str) -> RetrainResult | None:
    """The result of an earlier run with the same key, or None to run (see module docstring)."""
    for v in registry.versions(client):
        if any(v.tags.get(k) != val for k, val in key.items()):
            continue
        status = v.tags.get("status")
        if status == "approved" and v.version == champion:
            registry.set_tags(client, v.version, {"status": "promoted"})
            status = "promoted"
        if status not in FINAL:
            registry.set_tags(client, v.version, {"status": "abandoned", "abandoned_at": _now()})
            continue
        base = dict(quarter=quarter, serving_from=serving_from, version=v.version,
                    champion_before=champion, fingerprint=key["data_fingerprint"],
                    reasons=[r for r in v.tags.get("reasons", "").split(" | ") if r])
        if force and status == "rejected" and v.version != champion:
            registry.promote(client, v.version)
            registry.set_tags(client, v.version, {"status": "promoted", "forced_by": actor,
                                                  "forced_at": _now(), "promoted_at": _now()})
            return RetrainResult(status="promoted", champion_after=v.version, forced=True,
                                 message=f"version {v.version} (rejected earlier) promoted by "
                                         f"force; no retraining", **base)
        return RetrainResult(status="skipped", champion_after=champion,
                             message=f"version {v.version} already holds {quarter} with the same "
                                     f"data and config (status {status}); nothing done", **base)
    return None


def _load_champion(client, quarter: str, force: bool):
    """The champion and its version, or (None, None) when there is none or it is not usable."""
    current = registry.aliases(client).get(registry.CHAMPION)
    if current is None:
        return None, None
    try:
        champion, _ = registry.load_version(client, current)
    except Exception as exc:  # a broken champion must not prevent replacing it, but by hand
        if force:
            return None, current
        raise RetrainError(f"the champion (version {current}) cannot be loaded "
                           f"({type(exc).__name__}: {exc}); use --force to replace it "
                           f"without a comparison") from None
    if qt.parse_quarter(champion.as_of_) > qt.parse_quarter(quarter):
        if force:
            return None, current
        raise RetrainError(
            f"the champion (version {current}) was trained on data through "
            f"{qt.shift(champion.as_of_, -1)}, which includes {quarter}: it cannot be compared "
            f"honestly on {quarter}. Retrain a later quarter, or use --force.")
    return champion, current


def retrain(engine: sa.Engine, quarter: str, force: bool = False,
            config: ModelConfig | None = None, gate_config: GateConfig | None = None,
            progress: Progress | None = None, actor: str | None = None) -> RetrainResult:
    """Retrain on the data up to the end of ``quarter`` (see module docstring).

    Raises:
        ValueError: ``quarter`` is not a quarter label.
        DataValidationError: the schema is wrong, or the quarter's data is implausible (the
            latter is overridden by ``force``).
        RetrainError: another retrain is running, or the champion cannot be compared.
    """
    say = progress or (lambda _m, _f: None)
    quarter = "%dQ%d" % qt.parse_quarter(quarter)
    config, gcfg = config or ModelConfig(), gate_config or GateConfig()
    actor = actor or getpass.getuser()
    serving_from = qt.shift(quarter, 1)
    with retrain_lock(get_settings().data_dir):
        say("loading data", 0.0)
        raw = load_model_frames(engine)
        schema = check_schema(raw)
        if schema:
            raise DataValidationError("the data does not have the canonical tables: "
                                      + "; ".join(schema))
        frames = frames_until(raw, quarter)
        problems, facts = check_data(frames["enrollments"], quarter, gcfg)
        if problems and not force:
            raise DataValidationError(" ".join(problems) + " (use --force to train anyway)")
        fingerprint = data_fingerprint(frames)
        key = {"quarter": quarter, "data_fingerprint": fingerprint,
               "config_digest": config_digest(config)}
        client = _client()
        champion_version = registry.aliases(client).get(registry.CHAMPION)
        done = _finished(client, quarter, key, force, actor, champion_version, serving_from)
        if done is not None:
            return done
        champion, champion_version = _load_champion(client, quarter, force)

        def fit_progress(lo: float, hi: float, label: str) -> Progress:
            def update(message: str, fraction: float) -> None:
                if label == "held-out" and fraction >= 0.5:
                    crash_point("training")
                say(f"{label}: {message}", lo + (hi - lo) * fraction)
            return update

        holdout = Recommender(config).fit(frames, quarter, fit_progress(0.02, 0.35, "held-out"))
        say(f"evaluating on {quarter}", 0.36)
        shown = load_exposure(engine)
        challenger_eval = evaluate(frames, quarter, recommender=holdout, exposure=shown)
        champion_eval = (evaluate(frames, quarter, recommender=champion, exposure=shown)
                         if champion else None)
        serving = Recommender(config).fit(frames, serving_from, fit_progress(0.45, 0.8, "serving"))
        say("drift and fairness", 0.82)
        drift = candidate_drift(frames, quarter, config, gcfg.psi_warn, gcfg.psi_block)
        fairness = audit(serving, holdout, frames, quarter, 10, gcfg.four_fifths,
                         gcfg.fairness_min_rate, gcfg.max_calibration_gap, gcfg.min_group)
        report = evaluate_gates(challenger_eval, champion_eval, fairness, drift, gcfg)
        report.results.insert(0, GateResult("data", not problems, True,
                                            "; ".join(problems) or "row counts and rates plausible"))
        if champion_eval and champion_eval["test_set"] != challenger_eval["test_set"]:
            report.results.append(GateResult(
                "same_test_set", False, False, "champion and challenger scored different "
                f"candidates: {champion_eval['test_set']} vs {challenger_eval['test_set']}"))
        gates = report.to_dict()
        metrics = _metrics(challenger_eval, champion_eval, drift, fairness, facts)
        tags = {**key, "kind": "retrain", "serving_from": serving_from, "eval_quarter": quarter,
                "status": "pending", "champion_at_start": champion_version or "none",
                "champion_as_of": getattr(champion, "as_of_", "none"),
                "gates_passed": str(report.passed), "needs_review": str(report.needs_review),
                "drift_status": drift["status"], "drift_max_psi": f"{drift['max_psi']:.4f}",
                "data_quarter_rows": str(facts["quarter_rows"]),
                **{f"rows.{k}": str(len(v)) for k, v in frames.items()},
                **{f"gate.{k.replace('@', '_at_')}": "pass" if g["passed"] else ("fail" if g["blocking"] else "warn")
                   for k, g in gates["gates"].items()}}
        files = {"retrain/gates.json": _json(gates), "retrain/drift.json": _json(drift),
                 "retrain/fairness.json": _json(fairness), "retrain/data.json": _json(facts),
                 "retrain/evaluation_challenger.json": _json(challenger_eval)}
        if champion_eval:
            files["retrain/evaluation_champion.json"] = _json(champion_eval)
        say("logging the run", 0.9)
        s = get_settings()
        run_id, digest, uri = registry.log_run(
            serving, s.tracking_uri, s.artifact_root, metrics,
            {"as_of": serving_from, "eval_quarter": quarter, **config.to_dict(),
             **{f"gate.{k}": v for k, v in gcfg.to_dict().items()}},
            tags, signature_example(serving, frames), files)
        crash_point("after_log")
        info = registry.register_run(client, run_id, uri, digest, tags)
        crash_point("after_register")
        card = render_markdown(challenger_eval, info.version, gates=_card_gates(gates),
                               drift=_card_drift(drift), oulad=benchmark_results())
        registry.log_files(client, run_id, {"model_card/model_card.md": card,
                                            "model_card/model_card.html": render_html(card)})
        overridden = report.reasons
        promote = report.passed or force
        final = {"reasons": " | ".join(overridden)}
        if not promote:
            registry.set_tags(client, info.version, {**final, "status": "rejected"})
            return RetrainResult(quarter, serving_from, "rejected", info.version, champion_version,
                                 champion_version, f"version {info.version} rejected: "
                                 + "; ".join(overridden), overridden, report.warnings,
                                 report.needs_review, False, fingerprint, gates, drift, facts, metrics)
        if force and overridden:
            final.update(forced_by=actor, forced_at=_now())
        registry.set_tags(client, info.version, {**final, "status": "approved"})
        crash_point("before_promote")
        say("verifying and promoting", 0.97)
        registry.promote(client, info.version)
        registry.set_tags(client, info.version, {"status": "promoted", "promoted_at": _now()})
        say("done", 1.0)
        return RetrainResult(quarter, serving_from, "promoted", info.version, champion_version,
                             info.version, f"version {info.version} promoted to champion"
                             + (f" by force over: {'; '.join(overridden)}" if overridden else ""),
                             overridden, report.warnings, report.needs_review,
                             bool(force and overridden), fingerprint, gates, drift, facts, metrics)


def _json(obj) -> str:
    return json.dumps(obj, indent=2, default=str)


def _metrics(challenger: dict, champion: dict | None, drift: dict, fairness: dict,
             facts: dict) -> dict[str, float]:
    out = flat_metrics(challenger)
    if champion:
        out.update({f"champion.{k}": v for k, v in flat_metrics(champion).items()
                    if k.startswith(("model.", "engagement.completion"))})
    out["drift.max_psi"] = drift["max_psi"]
    out["drift.label_psi"] = drift["label"]["psi"]
    if fairness["min_selection_ratio"] is not None:
        out["fairness.min_selection_ratio"] = fairness["min_selection_ratio"]
    if fairness["worst_calibration_gap"] is not None:
        out["fairness.worst_calibration_gap"] = fairness["worst_calibration_gap"]
    out["data.quarter_rows"] = facts["quarter_rows"]
    return out


def _card_gates(gates: dict) -> dict:
    return {"passed": gates["passed"], "needs_review": gates["needs_review"],
            **{name: ("pass" if g["passed"] else "FAIL" if g["blocking"] else "warn")
               + f": {g['detail']}" for name, g in gates["gates"].items()}}


def _card_drift(drift: dict) -> dict:
    top = dict(list(drift["features"].items())[:8])
    return {"quarters": f"{drift['quarter']} against {drift['previous_quarter']}",
            "status": drift["status"], "max_psi": drift["max_psi"],
            "label": {k: v for k, v in drift["label"].items()}, "largest feature PSI": top}


def rollback(actor: str | None = None) -> tuple[str, str | None]:
    """Put ``previous`` back as champion (see ``model.registry.rollback``)."""
    return registry.rollback(_client(), actor or getpass.getuser(), _now())


def model_card(version: str = registry.CHAMPION, fmt: str = "md") -> str:
    """A version's (or alias's) model card, Markdown or HTML."""
    return registry.model_card(_client(), version, fmt)


def version_rows() -> list[dict]:
    """Every version with its quarter, status, headline metrics, gates and aliases."""
    client = _client()
    by_version: dict[str, list[str]] = {}
    for alias, v in registry.aliases(client).items():
        by_version.setdefault(v, []).append(alias)
    rows = []
    for v in registry.versions(client):
        metrics = client.get_run(v.run_id).data.metrics
        gates = {k[5:]: val for k, val in v.tags.items() if k.startswith("gate.")}
        rows.append({"version": v.version, "quarter": v.tags.get("quarter", v.tags.get("holdout", "")),
                     "serving_from": v.tags.get("serving_from", v.tags.get("as_of", "")),
                     "status": v.tags.get("status", "manual"),
                     "aliases": sorted(by_version.get(v.version, [])),
                     "ndcg@10": metrics.get("model.ndcg_at_10"),
                     "roc_auc": metrics.get("engagement.completion.roc_auc"),
                     "brier": metrics.get("engagement.completion.brier"),
                     "drift": v.tags.get("drift_status", ""), "gates": gates,
                     "forced_by": v.tags.get("forced_by", ""), "reasons": v.tags.get("reasons", "")})
    return rows
