"""Early progress in a running training, and outcomes as they were known at a date.

``progress_features`` summarises the ``progress_checks`` due by a cutoff (e.g. the first
milestone of the offering): how many were due, how many were submitted on time and their
scores, and, when the LMS records the hand-in date (``submitted_on``), how much work was
handed in by the cutoff (also work due later, handed in ahead) and how many days ahead of its
due date. Of a check due after the cutoff only a hand-in dated by the cutoff is read, never its
score. ``mask_running`` hides the outcomes of
enrollments whose offering had not ended yet, so a long training's result is not "known"
before it happened.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from model import quarters as qt
from model.snapshot import PERSON, Frames, conform

PROGRESS_FEATURES = ("checks_due", "checks_submitted", "share_submitted", "mean_score",
                     "min_score", "cohort_submitted", "score_vs_cohort", "handed_in",
                     "handed_in_vs_cohort", "days_ahead", "checks_missed", "handed_in_late",
                     "days_since_handin", "score_trend", "share_vs_cohort")
RUNNING_STATUS = "registered"


def mask_running(frames: dict[str, pd.DataFrame], as_of: str) -> Frames:
    """Frames in which enrollments of quarters before ``as_of`` whose offering ends on or after
    the start of ``as_of`` carry no outcome yet (status ``registered``, nothing earned).

    Enrollments of ``as_of`` and later keep their status: the snapshot never shows it, and
    training reads it as the label.
    """
    f = conform(frames)
    start = pd.Timestamp(qt.quarter_start(as_of))
    enr = f["enrollments"]
    ends = f["offerings"].drop_duplicates("offering_id").set_index("offering_id")["end_date"]
    end = pd.to_datetime(enr["offering_id"].map(ends))
    running = ((enr["quarter"] < as_of) & end.ge(start)).to_numpy(dtype=bool)
    out = Frames(f)
    if running.any():
        enr = enr.copy()
        enr.loc[running, "status"] = RUNNING_STATUS
        enr.loc[running, "jp_earned"] = 0.0
        enr.loc[running, "post_test_score"] = np.nan
        out["enrollments"] = enr
    return out


def first_check_dates(checks: pd.DataFrame) -> pd.Series:
    """Due date of each offering's first milestone (index offering_id)."""
    dates = pd.to_datetime(checks["check_date"])
    return dates.groupby(checks["offering_id"].astype(str)).min()


def progress_features(checks: pd.DataFrame, pairs: pd.DataFrame) -> pd.DataFrame:
    """Progress of each (person_key, offering_id) pair from the checks due by its ``cutoff``.

    Args:
        checks: pseudonymised ``progress_checks`` (person_key, offering_id, check_date,
            submitted, score and, when recorded, submitted_on).
        pairs: person_key, offering_id and cutoff (a date per row).

    Returns:
        A frame aligned with ``pairs`` holding ``PROGRESS_FEATURES``; scores are missing when
        nothing was submitted, everything is missing when no check was due. The cohort
        columns compare each person with the other pairs of the same offering.
    """
    if "submitted_on" not in checks:
        checks = checks.assign(submitted_on=pd.NaT)
    c = checks.assign(check_date=pd.to_datetime(checks["check_date"]),
                      submitted_on=pd.to_datetime(checks["submitted_on"]),
                      offering_id=checks["offering_id"].astype(str),
                      submitted=checks["submitted"].astype("boolean").fillna(False).astype(bool),
                      score=pd.to_numeric(checks["score"], errors="coerce"))
    p = pairs[[PERSON, "offering_id"]].astype(str).assign(
        cutoff=pd.to_datetime(pairs["cutoff"]).to_numpy(), _row=np.arange(len(pairs)))
    mine = p.merge(c[[PERSON, "offering_id", "check_date", "submitted", "score", "submitted_on"]],
                   on=[PERSON, "offering_id"], how="inner")
    due = mine[mine["check_date"] <= mine["cutoff"]]
    done = due["score"].where(due["submitted"])
    grouped = due.assign(_done=done).groupby("_row")
    # Handed in by the cutoff at all (late too), for the checks that were due by then.
    in_by_cutoff = due["submitted_on"].notna() & (due["submitted_on"] <= due["cutoff"])
    late = in_by_cutoff & ~due["submitted"]
    scored = due.assign(_done=done).dropna(subset=["_done"]).sort_values("check_date")
    trend = scored.groupby("_row")["_done"].agg(lambda s: s.iloc[-1] - s.iloc[0]
                                                if len(s) > 1 else np.nan)
    stats = pd.DataFrame({
        "checks_due": grouped.size(),
        "checks_submitted": grouped["submitted"].sum(),
        "mean_score": grouped["_done"].mean(),
        "min_score": grouped["_done"].min(),
        "checks_missed": (~due["submitted"] & ~in_by_cutoff).groupby(due["_row"]).sum(),
        "handed_in_late": late.groupby(due["_row"]).sum(),
        "score_trend": trend,
    })
    out = stats.reindex(np.arange(len(pairs)))
    out["share_submitted"] = out["checks_submitted"] / out["checks_due"]
    # Hand-ins dated by the cutoff, whatever their due date (nothing after the cutoff is read).
    # Counted only where the offering records hand-in dates (someone's is dated by the cutoff).
    handed = mine[mine["submitted_on"].notna() & (mine["submitted_on"] <= mine["cutoff"])]
    recorded = p["offering_id"].isin(set(handed["offering_id"]))
    ahead = (handed["check_date"] - handed["submitted_on"]).dt.days.astype(float)
    n_handed = handed.groupby("_row").size().reindex(np.arange(len(pairs))).fillna(0.0)
    out["handed_in"] = n_handed.where(recorded.to_numpy(), np.nan).to_numpy()
    out["days_ahead"] = ahead.groupby(handed["_row"]).mean().reindex(np.arange(len(pairs)))
    last = handed.groupby("_row")["submitted_on"].max().reindex(np.arange(len(pairs)))
    out["days_since_handin"] = (p["cutoff"] - last).dt.days.to_numpy()
    out = out.astype(float)
    # The person against the rest of the offering's cohort at the same cutoff.
    cohort = pd.Series(pairs["offering_id"].astype(str).to_numpy())
    out["cohort_submitted"] = out["share_submitted"].groupby(cohort).transform("mean")
    out["score_vs_cohort"] = out["mean_score"] - out["mean_score"].groupby(cohort).transform("mean")
    out["share_vs_cohort"] = out["share_submitted"] - out["cohort_submitted"]
    out["handed_in_vs_cohort"] = (out["handed_in"]
                                  - out["handed_in"].groupby(cohort).transform("mean"))
    return out[list(PROGRESS_FEATURES)].reset_index(drop=True)
