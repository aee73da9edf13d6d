"""Enrolments of a quarter as the engagement engine sees them at the training's start.

``quarter_rows`` gives one row per (person, program) registration of a quarter with the pair
features known at its start (profile, history of trainings that had ended, the registration
itself) and its ``offering_id``; labelled rows are the engine's engagement examples (with
``completed``), unlabelled ones read no outcome of the quarter. ``model.checkpoints`` adds
what is known later, at any checkpoint of the running training.
"""

from __future__ import annotations

import pandas as pd

from model.config import ModelConfig
from model.features import REGISTRATION_COLUMNS, pair_features
from model.progress import mask_running
from model.snapshot import PERSON, conform
from model.training_data import cf_scores, engagement_examples, prepare_quarter


def registrations(frames, quarter: str) -> pd.DataFrame:
    """The quarter's registrations, without their outcome: person, program, offering, lead."""
    f = conform(frames)
    enr = f["enrollments"]
    enr = enr.loc[enr["quarter"] == quarter, [PERSON, "program_id", "offering_id", "date",
                                               "study_load_jp", "prior_attempts"]]
    starts = offering_starts(f)
    enr = enr.assign(lead_days=(pd.to_datetime(enr["offering_id"].map(starts))
                                - pd.to_datetime(enr["date"])).dt.days)
    return enr.sort_values("date").drop_duplicates([PERSON, "program_id"]).reset_index(drop=True)


def offering_starts(frames) -> pd.Series:
    """Start date of each offering (index offering_id)."""
    offerings = conform(frames)["offerings"].drop_duplicates("offering_id")
    return offerings.set_index("offering_id")["start_date"]


def with_offerings(rows: pd.DataFrame, frames, quarter: str) -> pd.DataFrame:
    """``rows`` (PERSON, program_id of ``quarter``) with the offering each registered for."""
    regs = registrations(frames, quarter)
    offering = regs.set_index([PERSON, "program_id"])["offering_id"]
    return rows.assign(offering_id=offering.reindex(
        pd.MultiIndex.from_frame(rows[[PERSON, "program_id"]])).to_numpy())


def quarter_rows(frames, quarter: str, config: ModelConfig, labelled: bool,
                 persons: pd.Index | None = None) -> pd.DataFrame:
    """Engine features of the quarter's registrations at its start (no progress yet).

    Args:
        frames: the model frames.
        quarter: the registrations' quarter.
        config: the model configuration.
        labelled: the engine's engagement examples (with ``completed``); otherwise the
            registrations are scored without reading any outcome of the quarter.
        persons: only these people's registrations (unlabelled rows only).
    """
    masked = mask_running(frames, quarter)
    qd = prepare_quarter(masked, quarter, config, with_outcomes=labelled)
    if labelled:
        return with_offerings(engagement_examples(qd, config), masked, quarter)
    regs = registrations(masked, quarter)
    keep = regs[PERSON].isin(qd.snap.people.index) & regs["program_id"].isin(qd.snap.programs.index)
    if persons is not None:
        keep &= regs[PERSON].isin(persons)
    regs = regs[keep].reset_index(drop=True)
    rows = pair_features(qd.snap, regs[[PERSON, "program_id", *REGISTRATION_COLUMNS]], qd.people,
                         cf_scores(qd.cf, qd.snap, regs), config.popularity_quarters)
    rows[PERSON] = regs[PERSON].to_numpy()
    rows["program_id"] = regs["program_id"].to_numpy()
    rows["offering_id"] = regs["offering_id"].to_numpy()
    rows["quarter"] = quarter
    return rows
