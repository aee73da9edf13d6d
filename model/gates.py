"""Promotion gates of a quarterly retrain: data checks, metrics, fairness and drift.

All thresholds live in ``GateConfig``. A gate is *blocking* when its failure stops automatic
promotion; an admin's ``--force`` overrides blocking gates (and is recorded), never a schema error.

- data: the frames have the canonical columns; the quarter's enrollments are at least
  ``min_rows_ratio`` of the trailing average; its completion rate moves at most
  ``max_label_shift`` from the trailing average (checked before training, see ``check_data``);
- metrics: the challenger is not worse than the champion beyond a tolerance on NDCG@10,
  engagement ROC-AUC (higher is better) and Brier score (lower is better), both measured on the
  same quarter;
- fairness: four-fifths rule on selection rates by group and category, calibration gap per
  group: flags ``needs_review``; blocking only when ``fairness_blocks``;
- drift: PSI >= ``psi_block`` on a feature or the label blocks; >= ``psi_warn`` warns.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

import pandas as pd

from model.tables import TABLES

# Column renames and drops of the pseudonymised frames the model receives.
_RENAMED = {"employee_id": "person_key", "head_employee_id": "head_person_key"}
_DROPPED = {"employees": {"name"}}
MODEL_TABLES = ("units", "employees", "competencies", "competency_assessments",
                "performance_reviews", "programs", "offerings", "enrollments")


@dataclass(frozen=True)
class GateConfig:
    """Tolerances and bounds of the retraining gates (absolute differences)."""

    tolerance_ndcg: float = 0.02
    tolerance_roc_auc: float = 0.02
    tolerance_brier: float = 0.01
    psi_warn: float = 0.1
    psi_block: float = 0.25
    four_fifths: float = 0.8
    fairness_min_rate: float = 0.05    # categories rarer than this in every group are not judged
    max_calibration_gap: float = 0.1   # |mean predicted - observed| per group
    fairness_blocks: bool = False      # four-fifths / calibration flags block, or only flag
    min_group: int = 10
    min_rows_ratio: float = 0.5
    max_label_shift: float = 0.15
    trailing_quarters: int = 4

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass
class GateResult:
    """One gate: whether it passed, whether its failure blocks promotion, and why."""

    name: str
    passed: bool
    blocking: bool
    detail: str


@dataclass
class GateReport:
    """The gates of one challenger."""

    results: list[GateResult] = field(default_factory=list)
    needs_review: bool = False

    @property
    def passed(self) -> bool:
        return all(r.passed or not r.blocking for r in self.results)

    @property
    def reasons(self) -> list[str]:
        """Why promotion is blocked (blocking failures only)."""
        return [f"{r.name}: {r.detail}" for r in self.results if r.blocking and not r.passed]

    @property
    def warnings(self) -> list[str]:
        return [f"{r.name}: {r.detail}" for r in self.results if not r.blocking and not r.passed]

    def to_dict(self) -> dict:
        return {"passed": self.passed, "needs_review": self.needs_review,
                "reasons": self.reasons, "warnings": self.warnings,
                "gates": {r.name: {"passed": r.passed, "blocking": r.blocking, "detail": r.detail}
                          for r in self.results}}


class DataValidationError(ValueError):
    """The data for a retrain is malformed or implausible (the message says what and where)."""


def check_schema(frames: dict[str, pd.DataFrame]) -> list[str]:
    """Missing tables and canonical columns of the model's frames (empty when fine)."""
    problems = []
    for name in MODEL_TABLES:
        if name not in frames:
            problems.append(f"table {name} is missing")
            continue
        have = set(frames[name].columns)
        need = [_RENAMED.get(c, c) for c in TABLES[name].names
                if c not in _DROPPED.get(name, set())]
        missing = [c for c in need if c not in have]
        if missing:
            problems.append(f"table {name} lacks column(s) {', '.join(missing)}")
    for name in ("employees", "programs", "enrollments"):
        if name in frames and frames[name].empty:
            problems.append(f"table {name} is empty")
    return problems


def check_data(enrollments: pd.DataFrame, quarter: str, config: GateConfig) -> tuple[list[str], dict]:
    """Sanity of the quarter's enrollments against the trailing quarters.

    Args:
        enrollments: conformed enrollments with ``quarter`` and ``status``.

    Returns:
        The problems (empty when fine) and the counts and rates behind them.
    """
    enr = enrollments[enrollments["quarter"] <= quarter]
    by_q = enr.groupby("quarter").agg(rows=("status", "size"),
                                      completion=("status", lambda s: float((s == "completed").mean())))
    before = by_q[by_q.index < quarter].tail(config.trailing_quarters)
    facts = {"quarter_rows": int(by_q["rows"].get(quarter, 0)),
             "quarter_completion_rate": float(by_q["completion"].get(quarter, float("nan"))),
             "trailing_quarters": list(before.index),
             "trailing_mean_rows": float(before["rows"].mean()) if len(before) else None,
             "trailing_completion_rate": float(before["completion"].mean()) if len(before) else None,
             "total_rows": int(len(enr))}
    if facts["quarter_rows"] == 0:
        return [f"no enrollments in {quarter}: import the quarter's data first"], facts
    if before.empty:
        return [f"no enrollments before {quarter}: nothing to compare or learn from"], facts
    problems = []
    ratio = facts["quarter_rows"] / facts["trailing_mean_rows"]
    if ratio < config.min_rows_ratio:
        problems.append(
            f"{quarter} has {facts['quarter_rows']} enrollments, {ratio:.0%} of the average "
            f"{facts['trailing_mean_rows']:.0f} of {', '.join(before.index)} (minimum "
            f"{config.min_rows_ratio:.0%}): is the quarter's import incomplete?")
    shift = facts["quarter_completion_rate"] - facts["trailing_completion_rate"]
    if abs(shift) > config.max_label_shift:
        problems.append(
            f"{quarter}'s completion rate is {facts['quarter_completion_rate']:.1%} against "
            f"{facts['trailing_completion_rate']:.1%} before ({shift:+.1%}, allowed "
            f"+/-{config.max_label_shift:.0%}): are statuses missing or mis-coded?")
    return problems, facts


def _metric(evaluation: dict, path: tuple[str, ...]) -> float | None:
    node = evaluation
    for key in path:
        if not isinstance(node, dict) or key not in node:
            return None
        node = node[key]
    return None if node is None or node != node else float(node)


METRICS = {  # name: (path in evaluate()'s result, higher is better, tolerance field)
    "ndcg@10": (("ranking", "model", "ndcg@10"), True, "tolerance_ndcg"),
    "roc_auc": (("engagement", "completion", "roc_auc"), True, "tolerance_roc_auc"),
    "brier": (("engagement", "completion", "brier"), False, "tolerance_brier"),
}


def metric_gates(challenger: dict, champion: dict | None, config: GateConfig) -> list[GateResult]:
    """Challenger vs champion on the same quarter; passes when there is no champion."""
    out = []
    for name, (path, higher, tol_name) in METRICS.items():
        new, tol = _metric(challenger, path), getattr(config, tol_name)
        old = _metric(champion, path) if champion else None
        if new is None:
            out.append(GateResult(f"metric.{name}", False, True, "challenger has no value"))
        elif old is None:
            out.append(GateResult(f"metric.{name}", True, True,
                                  f"{new:.4f} (no champion value to compare)"))
        else:
            worse = (old - new) if higher else (new - old)
            out.append(GateResult(
                f"metric.{name}", worse <= tol, True,
                f"challenger {new:.4f} vs champion {old:.4f} "
                f"({'worse' if worse > 0 else 'not worse'} by {abs(worse):.4f}, tolerance {tol})"))
    return out


def evaluate_gates(challenger: dict, champion: dict | None, fairness: dict, drift: dict,
                   config: GateConfig) -> GateReport:
    """All gates of a challenger (see module docstring)."""
    results = metric_gates(challenger, champion, config)
    flags = fairness["selection_flags"] + fairness["calibration_flags"]
    results.append(GateResult(
        "fairness", not flags, config.fairness_blocks,
        f"{len(flags)} flag(s) for human review: " + "; ".join(flags[:5]) if flags
        else f"no group flagged ({fairness['groups_evaluated']} groups evaluated)"))
    blocked, warned = drift["blocked"], drift["warned"]
    results.append(GateResult(
        "drift", not blocked, True,
        f"PSI >= {config.psi_block} on " + ", ".join(blocked) if blocked
        else f"max PSI {drift['max_psi']:.3f}" + (f"; warn on {', '.join(warned)}" if warned else "")))
    if warned and not blocked:
        results.append(GateResult("drift_warning", False, False,
                                  f"PSI >= {config.psi_warn} on {', '.join(warned)}"))
    return GateReport(results, needs_review=bool(flags))
