"""OULAD through the product: adapter -> canonical files -> import -> model frames -> engine.

``build_workspace`` writes the canonical files of an OULAD folder into a separate workspace,
imports them with ``import_paths`` into its own database and returns the engine.
``predict_withdrawal`` trains the product's engagement model (``CompletionModel`` on
``engagement_examples``) on the presentations starting in the training years and predicts
withdrawal (1 - P(complete)) for those of the test years, twice:

- ``p_withdraw_prestart``: from the point-in-time snapshot at the start of the presentation's
  quarter (profile, history of trainings that had ended, registrations made before it);
- ``p_withdraw_early``: the same plus the progress checks due by the presentation's first
  milestone (``model.progress``).

Outcomes of the predicted presentations are never read to predict them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import sqlalchemy as sa
from threadpoolctl import threadpool_limits

from model.config import ModelConfig
from model.engagement import COMPLETION_FEATURES, CompletionModel
from model.features import CATEGORICAL, REGISTRATION_COLUMNS, pair_features
from model.progress import PROGRESS_FEATURES, first_check_dates, mask_running, progress_features
from model.snapshot import PERSON, conform
from model.training_data import cf_scores, engagement_examples, prepare_quarter
from service.adapters.oulad import read_oulad, write_canonical
from service.ingest.importer import import_paths
from service.pseudonym import load_key, person_key
from service.storage.engine import get_engine, init_db

TRAIN_YEARS = (2013,)
TEST_YEARS = (2014,)


@dataclass
class Workspace:
    """A separate OULAD workspace: its folder, database and pseudonym key."""

    folder: Path
    engine: sa.Engine
    key: bytes
    counts: dict[str, int] = field(default_factory=dict)


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


def _registrations(frames, quarter: str) -> pd.DataFrame:
    """The quarter's registrations, without their outcome: person, program, offering, lead."""
    f = conform(frames)
    enr = f["enrollments"]
    enr = enr.loc[enr["quarter"] == quarter, [PERSON, "program_id", "offering_id", "date",
                                               "study_load_jp", "prior_attempts"]]
    starts = f["offerings"].drop_duplicates("offering_id").set_index("offering_id")["start_date"]
    enr = enr.assign(lead_days=(enr["offering_id"].map(starts) - enr["date"]).dt.days)
    return enr.sort_values("date").drop_duplicates([PERSON, "program_id"]).reset_index(drop=True)


def quarter_rows(frames, quarter: str, config: ModelConfig, labelled: bool) -> pd.DataFrame:
    """Engine features of the quarter's registrations at its start, plus early progress.

    With ``labelled`` the rows are the engine's engagement examples (with ``completed``);
    otherwise the registrations are scored without reading any outcome of the quarter.
    """
    masked = mask_running(frames, quarter)
    qd = prepare_quarter(masked, quarter, config, with_outcomes=labelled)
    regs = _registrations(masked, quarter)
    regs = regs[regs[PERSON].isin(qd.snap.people.index)
                & regs["program_id"].isin(qd.snap.programs.index)].reset_index(drop=True)
    if labelled:
        rows = engagement_examples(qd, config)
        offering = regs.set_index([PERSON, "program_id"])["offering_id"]
        rows["offering_id"] = offering.reindex(
            pd.MultiIndex.from_frame(rows[[PERSON, "program_id"]])).to_numpy()
    else:
        rows = pair_features(qd.snap, regs[[PERSON, "program_id", *REGISTRATION_COLUMNS]],
                             qd.people,
                             cf_scores(qd.cf, qd.snap, regs), config.popularity_quarters)
        rows[PERSON] = regs[PERSON].to_numpy()
        rows["program_id"] = regs["program_id"].to_numpy()
        rows["offering_id"] = regs["offering_id"].to_numpy()
        rows["quarter"] = quarter
    checks = conform(frames)["progress_checks"]
    cutoff = rows["offering_id"].astype(str).map(first_check_dates(checks))
    early = progress_features(checks, rows[[PERSON, "offering_id"]].assign(cutoff=cutoff))
    for col in PROGRESS_FEATURES:
        rows[col] = early[col].to_numpy()
    rows["early_cutoff"] = cutoff.to_numpy()
    return rows


@dataclass
class WithdrawalModels:
    """The two fitted engagement models and what they learned from."""

    prestart: CompletionModel
    early: CompletionModel
    train_quarters: list[str]
    n_train: int
    empty_columns: list[str]


def _empty_columns(examples: pd.DataFrame) -> list[str]:
    """Numeric model inputs the data never fills (no tenure, SKP or competency levels here)."""
    inputs = COMPLETION_FEATURES + PROGRESS_FEATURES
    return [c for c in inputs if c not in CATEGORICAL and examples[c].isna().all()]


def _constant(rows: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    """Columns that are missing everywhere as a constant: they carry no information either
    way, and the gradient boosting of this scikit-learn version cannot bin an all-missing
    column (see docs/oulad-engine-patch.diff)."""
    return rows.assign(**{c: 0.0 for c in columns})


def fit_models(frames, config: ModelConfig,
               years: tuple[int, ...] = TRAIN_YEARS) -> WithdrawalModels:
    """Fit the pre-start and early engagement models on the quarters of ``years``."""
    quarters = _quarters(frames, years)
    if not quarters:
        raise ValueError(f"no presentation with earlier history starts in {years}")
    with threadpool_limits(config.threads):
        examples = pd.concat([quarter_rows(frames, q, config, labelled=True) for q in quarters],
                             ignore_index=True)
        empty = _empty_columns(examples)
        examples = _constant(examples, empty)
        kw = dict(max_iter=config.engagement_max_iter,
                  learning_rate=config.engagement_learning_rate, seed=config.seed)
        prestart = CompletionModel(**kw).fit(examples)
        early = CompletionModel(**kw, extra_features=PROGRESS_FEATURES).fit(examples)
    return WithdrawalModels(prestart, early, quarters, len(examples), empty)


def predict_rows(models: WithdrawalModels, frames, config: ModelConfig,
                 years: tuple[int, ...] = TEST_YEARS) -> pd.DataFrame:
    """person_key, offering_id, p_withdraw_prestart, p_withdraw_early for the test years."""
    out = []
    with threadpool_limits(config.threads):
        for q in _quarters(frames, years):
            rows = _constant(quarter_rows(frames, q, config, labelled=False),
                             models.empty_columns)
            out.append(pd.DataFrame({
                PERSON: rows[PERSON].to_numpy(), "offering_id": rows["offering_id"].to_numpy(),
                "p_withdraw_prestart": 1.0 - models.prestart.predict_proba(rows),
                "p_withdraw_early": 1.0 - models.early.predict_proba(rows),
            }))
    return pd.concat(out, ignore_index=True)


def to_oulad_ids(preds: pd.DataFrame, student_ids: pd.Series, key: bytes) -> pd.DataFrame:
    """Predictions keyed by OULAD's code_module, code_presentation and id_student."""
    by_key = {person_key(s, key): s for s in student_ids.astype(str).unique()}
    module, _, presentation = preds["offering_id"].astype(str).str.rpartition("-").T.to_numpy()
    out = pd.DataFrame({
        "code_module": module, "code_presentation": presentation,
        "id_student": preds[PERSON].map(by_key).to_numpy(),
        "p_withdraw_prestart": np.round(preds["p_withdraw_prestart"].to_numpy(dtype=float), 6),
        "p_withdraw_early": np.round(preds["p_withdraw_early"].to_numpy(dtype=float), 6),
    })
    out = out.sort_values(["code_module", "code_presentation", "id_student"])
    return out.reset_index(drop=True)


def run_oulad(data: Path, folder: Path, config: ModelConfig | None = None) -> pd.DataFrame:
    """The whole path: adapter, import, model frames, fit on 2013, predict 2014."""
    from service.model_inputs import load_model_frames

    config = config or ModelConfig()
    ws = build_workspace(data, folder)
    frames = conform(load_model_frames(ws.engine, key=ws.key))
    models = fit_models(frames, config)
    preds = predict_rows(models, frames, config)
    students = pd.read_csv(folder / "raw" / "employees.csv", dtype=str)["employee_id"]
    ws.engine.dispose()
    return to_oulad_ids(preds, students, ws.key)
