"""Candidate generation: which programs each person may take, from the programs' own rules.

A program is eligible for a person when every restriction it states holds: job kinds, grade
range (on the person's own grade scale), maximum age, employment types, units or sectors; the
person is active; and the person has not already completed it. Nothing ineligible is ever scored.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from model import glossary as g
from model.snapshot import PERSON, Snapshot


def _values(column: pd.Series) -> np.ndarray:
    """``column`` as an object array with missing values as None (pd.NA cannot be compared)."""
    values = column.astype(object)
    return values.where(values.notna(), None).to_numpy()


def eligibility_matrix(snap: Snapshot, program_ids: list[str] | None = None,
                       persons: list[str] | None = None) -> np.ndarray:
    """Boolean matrix people x programs: all people in snapshot order, or ``persons`` (known
    ones, in their order); all programs, or ``program_ids`` in that order."""
    people = snap.people if persons is None else snap.people.loc[
        [p for p in persons if p in snap.people.index]]
    progs = snap.programs if program_ids is None else snap.programs.loc[program_ids]
    out = np.zeros((len(people), len(progs)), dtype=bool)
    job = _values(people["job_kind"])
    etype = _values(people["employment_type"])
    unit = _values(people["unit"])
    sector = _values(people["sector"])
    grade = _values(people["grade"])
    rank = people["grade_rank"].to_numpy()
    age = people["age"].to_numpy()
    active = people["active"].to_numpy(dtype=bool)
    done = completed_pairs(snap)
    keys = people.index.tolist()
    known = np.array([isinstance(x, str) for x in grade], dtype=bool)  # also when empty
    pns_scale = np.isin(grade, g.PNS_GRADES)

    for j, (pid, p) in enumerate(progs.iterrows()):
        ok = active.copy()
        if p["eligible_job_kinds"]:
            ok &= np.isin(job, p["eligible_job_kinds"])
        if p["eligible_employment_types"]:
            ok &= np.isin(etype, p["eligible_employment_types"])
        units, sectors = p["eligible_units"], p["eligible_sectors"]
        if units or sectors:
            ok &= np.isin(unit, units) | np.isin(sector, sectors)
        if not pd.isna(p["max_age"]):
            ok &= np.nan_to_num(age, nan=np.inf) <= p["max_age"]
        for bound, col, cmp in (("min_grade", "min_rank", np.greater_equal),
                                ("max_grade", "max_rank", np.less_equal)):
            if isinstance(p[bound], str):
                same_scale = known & (pns_scale == (p[bound] in g.PNS_GRADES))
                ok &= same_scale & cmp(rank, p[col])
        if pid in done:
            finished = done[pid]
            ok &= np.fromiter((k not in finished for k in keys), dtype=bool, count=len(keys))
        out[:, j] = ok
    return out


def completed_pairs(snap: Snapshot) -> dict[str, set[str]]:
    """program_id -> set of person_keys who completed it before the snapshot."""
    def compute():
        h = snap.history
        c = h[(h["status"] == "completed") & h[PERSON].isin(snap.people.index)]
        return {pid: set(grp[PERSON]) for pid, grp in c.groupby("program_id")}

    return snap.cached("completed_by_program", compute)


def offered_programs(snap: Snapshot, quarter: str) -> list[str]:
    """Programs with an offering starting in ``quarter`` that are in the catalogue."""
    off = snap.offerings
    ids = set(off.loc[off["quarter"] == quarter, "program_id"].astype(str).unique())
    return [p for p in snap.programs.index if p in ids]


def candidate_pairs(snap: Snapshot, persons: list[str] | None = None,
                    program_ids: list[str] | None = None) -> pd.DataFrame:
    """All eligible (person_key, program_id) pairs, optionally restricted to some people/programs."""
    program_ids = list(snap.programs.index) if program_ids is None else list(program_ids)
    people = snap.people.index if persons is None else pd.Index(
        [p for p in dict.fromkeys(persons) if p in snap.people.index])
    elig = eligibility_matrix(snap, program_ids, None if persons is None else list(people))
    rows, cols = np.nonzero(elig)
    return pd.DataFrame({
        PERSON: people.to_numpy()[rows],
        "program_id": np.asarray(program_ids, dtype=object)[cols],
    })
