"""OULAD through the product: adapter -> canonical files -> import -> model frames -> engine.

``build_workspace`` writes the canonical files of an OULAD folder into a separate workspace,
imports them with ``import_paths`` into its own database and returns the engine.
The product's checkpoint engine (``CheckpointModel`` on ``engagement_examples`` stacked at
``model.checkpoints.HORIZONS``) predicts withdrawal (1 - P(complete)) of the test years'
presentations at every horizon, with one model and one code path (``predict_at``):

- ``p_withdraw_prestart``: from the point-in-time snapshot at the start of the presentation's
  quarter (profile, history of trainings that had ended, registrations made before it);
- ``p_withdraw_early``, ``p_withdraw_day30``, ``_day60``, ``_day90``: the same plus the progress
  checks (hand-ins and scores) known by the first milestone's due date or by day 30, 60, 90 of
  the presentation, and the cohort's (``model.progress``).

Two protocols (``PROTOCOLS``):

- ``"walk-forward"`` (default), the way the product is used: each test quarter is predicted by
  models retrained on the quarters whose presentations had all ended by its start
  (``known_quarters``), calibrated on the latest of them (``calibration="recent"``);
- ``"fixed"``: one model trained on the presentations starting in ``TRAIN_YEARS`` (the published
  "train on 2013, test on 2014" protocol, which reads 2013J outcomes not yet known when 2014B
  starts), cross-fitted calibration.

Outcomes of the predicted presentations are never read to predict them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import sqlalchemy as sa
from threadpoolctl import threadpool_limits

from model import quarters as qt
from model.config import ModelConfig
from model.checkpoints import CHECKPOINT_FEATURES, HORIZONS, at_checkpoint, stack_checkpoints
from model.engagement import COMPLETION_FEATURES, CheckpointModel
from model.enrolment_rows import offering_starts, quarter_rows
from model.features import CATEGORICAL
from model.snapshot import PERSON, conform
from service.adapters.oulad import read_oulad, write_canonical
from service.ingest.importer import import_paths
from service.pseudonym import load_key, person_key
from service.storage.engine import get_engine, init_db

TRAIN_YEARS = (2013,)
TEST_YEARS = (2014,)
PROTOCOLS = ("walk-forward", "fixed")


@dataclass
class Workspace:
    """A separate OULAD workspace: its folder, database and pseudonym key."""

    folder: Path
    engine: sa.Engine
    key: bytes
    counts: dict[str, int] = field(default_factory=dict)


RESULTS = Path(__file__).resolve().parents[1] / "benchmarks" / "results" / "oulad.json"


def benchmark_results(path: Path = RESULTS) -> dict | None:
    """The last ``python -m benchmarks.oulad`` results (for the model card), None if absent."""
    import json

    try:
        return json.loads(path.read_text())
    except (OSError, ValueError):
        return None


def build_workspace(data: Path, folder: Path) -> Workspace:
    """Map the OULAD files in ``data`` to canonical files and import them into ``folder``.

    Raises:
        ValueError: when the importer rejects the files (its report is in the message).
    """
    folder.mkdir(parents=True, exist_ok=True)
    paths = write_canonical(read_oulad(data), folder / "raw")
    engine = get_engine(f"sqlite:///{folder / 'asn_reco.db'}")
    init_db(engine)
    report = import_paths(list(paths.values()), engine)
    if not report.ok:
        problems = "; ".join(str(p) for p in report.problems[:5])
        raise ValueError(f"the importer rejected the OULAD files: {problems}")
    counts = {s.table: s.rows for s in report.files}
    return Workspace(folder, engine, load_key(folder / "secrets.json"), counts)


def _quarters(frames, years: tuple[int, ...]) -> list[str]:
    q = conform(frames)["offerings"]["quarter"].dropna()
    return sorted(v for v in q.unique() if int(v[:4]) in years)


@dataclass
class WithdrawalModels:
    """The fitted checkpoint engine and what it learned from."""

    engine: CheckpointModel
    train_quarters: list[str]
    n_train: int
    empty_columns: list[str]


def _empty_columns(examples: pd.DataFrame) -> list[str]:
    """Numeric model inputs the data never fills (no tenure, SKP or competency levels here)."""
    inputs = COMPLETION_FEATURES + CHECKPOINT_FEATURES
    return [c for c in inputs if c not in CATEGORICAL and examples[c].isna().all()]


def _constant(rows: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    """Columns that are missing everywhere as a constant: they carry no information either
    way, and the gradient boosting of this scikit-learn version cannot bin an all-missing
    column (see docs/oulad-engine-patch.diff)."""
    return rows.assign(**{c: 0.0 for c in columns})


def known_quarters(frames, quarter: str) -> list[str]:
    """Quarters before ``quarter`` whose presentations had all ended by its start: the ones
    whose outcomes a retrain at the start of ``quarter`` can learn from."""
    offerings = conform(frames)["offerings"].dropna(subset=["quarter"])
    start = pd.Timestamp(qt.quarter_start(quarter))
    last_end = pd.to_datetime(offerings["end_date"]).groupby(offerings["quarter"]).max()
    return sorted(q for q, end in last_end.items() if q < quarter and end < start)


def fit_models(frames, config: ModelConfig, quarters: list[str] | None = None,
               calibration: str = "crossfit", rows: dict[str, pd.DataFrame] | None = None,
               ) -> WithdrawalModels:
    """Fit the checkpoint engine on ``quarters`` (default: the quarters starting in
    ``TRAIN_YEARS``), their enrolments stacked at every one of ``HORIZONS``. ``rows`` caches
    labelled quarter rows between calls."""
    quarters = _quarters(frames, TRAIN_YEARS) if quarters is None else list(quarters)
    if not quarters:
        raise ValueError("no presentation with known outcomes to learn from")
    rows = {} if rows is None else rows
    checks, starts = conform(frames)["progress_checks"], offering_starts(frames)
    with threadpool_limits(config.threads):
        for q in quarters:
            if q not in rows:
                rows[q] = stack_checkpoints(quarter_rows(frames, q, config, labelled=True),
                                            checks, starts, HORIZONS)
        examples = pd.concat([rows[q] for q in quarters], ignore_index=True)
        empty = _empty_columns(examples)
        examples = _constant(examples, empty)
        engine = CheckpointModel(max_iter=config.checkpoint_max_iter,
                                 learning_rate=config.engagement_learning_rate,
                                 seed=config.seed, calibration=calibration).fit(examples)
    return WithdrawalModels(engine, quarters, len(examples), empty)


def predict_at(models: WithdrawalModels, frames, rows: pd.DataFrame, checkpoint) -> np.ndarray:
    """P(withdraw) of ``rows`` (a quarter's start rows) as known at ``checkpoint``."""
    checks = conform(frames)["progress_checks"]
    at = _constant(at_checkpoint(rows, checks, offering_starts(frames), checkpoint),
                   models.empty_columns)
    return 1.0 - models.engine.predict_proba(at)


def _predict_quarter(models: WithdrawalModels, frames, config: ModelConfig,
                     quarter: str) -> pd.DataFrame:
    rows = quarter_rows(frames, quarter, config, labelled=False)
    out = pd.DataFrame({PERSON: rows[PERSON].to_numpy(),
                        "offering_id": rows["offering_id"].to_numpy()})
    for h in HORIZONS:
        out[f"p_withdraw_{h}"] = predict_at(models, frames, rows, h)
    return out


def predict_rows(models: WithdrawalModels, frames, config: ModelConfig,
                 years: tuple[int, ...] = TEST_YEARS) -> pd.DataFrame:
    """person_key, offering_id and p_withdraw_<horizon> for the test years."""
    with threadpool_limits(config.threads):
        out = [_predict_quarter(models, frames, config, q) for q in _quarters(frames, years)]
    return pd.concat(out, ignore_index=True)


def predict_walk_forward(frames, config: ModelConfig, years: tuple[int, ...] = TEST_YEARS,
                         progress=None) -> tuple[pd.DataFrame, dict[str, list[str]]]:
    """Predictions for the test years' quarters, each from models retrained on its
    ``known_quarters`` and calibrated on the latest of them; also quarter -> training quarters.

    Raises:
        ValueError: when a test quarter has no earlier quarter with known outcomes.
    """
    cache: dict[str, pd.DataFrame] = {}
    out, trained_on = [], {}
    quarters = _quarters(frames, years)
    for i, q in enumerate(quarters):
        train = known_quarters(frames, q)
        if not train:
            raise ValueError(f"no presentation had ended before {q}: nothing to learn from")
        if progress:
            progress(f"{q}: training on {', '.join(train)}", i / len(quarters))
        models = fit_models(frames, config, train, calibration="recent", rows=cache)
        with threadpool_limits(config.threads):
            out.append(_predict_quarter(models, frames, config, q))
        trained_on[q] = train
    return pd.concat(out, ignore_index=True), trained_on


def to_oulad_ids(preds: pd.DataFrame, student_ids: pd.Series, key: bytes) -> pd.DataFrame:
    """Predictions keyed by OULAD's code_module, code_presentation and id_student."""
    by_key = {person_key(s, key): s for s in student_ids.astype(str).unique()}
    module, _, presentation = preds["offering_id"].astype(str).str.rpartition("-").T.to_numpy()
    out = pd.DataFrame({
        "code_module": module, "code_presentation": presentation,
        "id_student": preds[PERSON].map(by_key).to_numpy(),
        **{f"p_withdraw_{h}": np.round(preds[f"p_withdraw_{h}"].to_numpy(dtype=float), 6)
           for h in HORIZONS},
    })
    out = out.sort_values(["code_module", "code_presentation", "id_student"])
    return out.reset_index(drop=True)


def run_oulad(data: Path, folder: Path, config: ModelConfig | None = None,
              protocol: str = "walk-forward", progress=None,
              trained_on: dict[str, list[str]] | None = None) -> pd.DataFrame:
    """The whole path: adapter, import, model frames, train, predict 2014 (see ``PROTOCOLS``).
    ``trained_on``, when given, is filled with each predicted quarter's training quarters."""
    from service.model_inputs import load_model_frames

    if protocol not in PROTOCOLS:
        raise ValueError(f"protocol must be one of {PROTOCOLS}, not {protocol!r}")
    config = config or ModelConfig()
    ws = build_workspace(data, folder)
    frames = conform(load_model_frames(ws.engine, key=ws.key))
    if protocol == "fixed":
        models = fit_models(frames, config)
        preds = predict_rows(models, frames, config)
        used = {q: models.train_quarters for q in _quarters(frames, TEST_YEARS)}
    else:
        preds, used = predict_walk_forward(frames, config, progress=progress)
    if trained_on is not None:
        trained_on.update(used)
    students = pd.read_csv(folder / "raw" / "employees.csv", dtype=str)["employee_id"]
    ws.engine.dispose()
    return to_oulad_ids(preds, students, ws.key)
