"""Training outside the catalogue: which records stand for a catalogue program, the year their
hours count in, and which repeat an enrollment that already counts them.

A SIASN history row can be the very training a catalogue enrollment already holds (BKPSDM's own
trainings are reported to SIASN too). Its hours must count once: a record that names a program
(a match HR has not rejected) repeats a completed enrollment of the same person in the same
program in the same year, and then the enrollment is the one that counts. The models
(``model.snapshot``, ``model.training_data``) and the service's JP figures use these functions,
so the dashboard and the models count the same hours.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

PERSON = "person_key"
# Where the snapshot's enrollments made from matched records say they came from.
EXTERNAL = "external"


def matched_records(records: pd.DataFrame) -> np.ndarray:
    """Training records that name a catalogue program the match of which HR has not rejected."""
    named = records["program_id"].notna().to_numpy(dtype=bool)
    rejected = records["match_status"].astype("string").eq("rejected").fillna(False)
    return named & ~rejected.to_numpy(dtype=bool)


def counting_dates(records: pd.DataFrame) -> pd.Series:
    """The day a record's hours count on: its end date, else its start date (one-day events
    often have no end date)."""
    return pd.to_datetime(records["end_date"]).fillna(pd.to_datetime(records["start_date"]))


def record_years(records: pd.DataFrame) -> pd.Series:
    """The year each record's JP counts in (that of ``counting_dates``)."""
    return counting_dates(records).dt.year.astype("Int64")


def repeated_records(records: pd.DataFrame, enrollments: pd.DataFrame,
                     person: str = PERSON) -> np.ndarray:
    """Records whose hours a completed enrollment already counts.

    Args:
        records: training records with ``person``, ``program_id``, ``year`` and, when they have
            not become enrollments yet, ``match_status`` (a rejected match names no program).
        enrollments: enrollments with ``person``, ``program_id``, ``status`` and ``year``.
        person: the column naming the person (``employee_id`` in the service).

    Returns:
        A boolean array aligned with ``records``: True for a record that names a program the
        same person completed in an enrollment of the same year.
    """
    named = (matched_records(records) if "match_status" in records.columns
             else records["program_id"].notna().to_numpy(dtype=bool))
    done = enrollments[enrollments["status"].astype("string").eq("completed").fillna(False)]
    if not named.any() or done.empty:
        return np.zeros(len(records), dtype=bool)

    def keys(frame: pd.DataFrame) -> pd.MultiIndex:
        return pd.MultiIndex.from_arrays([frame[person].astype(str).to_numpy(),
                                          frame["program_id"].astype(str).to_numpy(),
                                          pd.to_numeric(frame["year"], errors="coerce")
                                          .astype(float).to_numpy()])

    return named & keys(records).isin(keys(done))


def without_repeats(enrollments: pd.DataFrame) -> pd.DataFrame:
    """Enrollments (with column ``quarter``) less the ones made from matched records
    (source ``external``) that repeat a completed enrollment of the same year."""
    source = enrollments["source"].astype("string")
    external = source.eq(EXTERNAL).fillna(False).to_numpy(dtype=bool)
    if not external.any():
        return enrollments
    year = enrollments["quarter"].astype("string").str.slice(0, 4)
    own = enrollments[~external].assign(year=year[~external])
    outside = enrollments[external].assign(year=year[external])
    drop = np.zeros(len(enrollments), dtype=bool)
    drop[np.flatnonzero(external)] = repeated_records(outside, own)
    return enrollments[~drop]
