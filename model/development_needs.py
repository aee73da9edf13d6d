"""Development needs of the yearly AKPK: the performance gap, the competency each planned line
serves, and the line's priority.

Pure functions over a ``Snapshot``'s frames and arrays (no database, no web framework).

Performance-gap rule (this product's, documented in ``docs/akpk.md``): from the latest SKP
review known at the snapshot,

- a component rated below expectation (``skp_work_result_last`` or ``skp_behaviour_last`` = 1,
  "Di Bawah Ekspektasi") is a gap in that component (``hasil_kerja``, ``perilaku``);
- when neither component is recorded, a predikat of Butuh Perbaikan or worse
  (``skp_rating_last`` <= 3) is a gap named ``predikat``;
- with no SKP review at all the gap is unknown (NA), never assumed absent.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from model.snapshot import PERSON

# Below expectation (SKP_EXPECTATION_SCORE) and Butuh Perbaikan (SKP_RATING_SCORE).
BELOW_EXPECTATION = 1
WEAK_RATING = 3
WORK_RESULT, BEHAVIOUR, RATING = "hasil_kerja", "perilaku", "predikat"
# Priority 1 (tinggi), 2 (sedang), 3 (rendah); see ``priorities``.
HIGH_GAP = 2.0


def performance_gaps(people: pd.DataFrame) -> pd.DataFrame:
    """Each person's performance gap from their latest SKP review.

    Args:
        people: a snapshot's ``people`` (index person_key) with ``skp_rating_last``,
            ``skp_work_result_last`` and ``skp_behaviour_last``.

    Returns:
        Index person_key; ``perf_gap`` (boolean, NA when no review) and ``perf_gap_parts``
        (``;``-joined components below expectation, "" when none).
    """
    need = ["skp_rating_last", "skp_work_result_last", "skp_behaviour_last"]
    missing = [c for c in need if c not in people.columns]
    if missing:
        raise ValueError(f"people lacks column(s) {missing}")
    work = people["skp_work_result_last"].to_numpy(dtype=float)
    behaviour = people["skp_behaviour_last"].to_numpy(dtype=float)
    rating = people["skp_rating_last"].to_numpy(dtype=float)
    low_work = work <= BELOW_EXPECTATION
    low_behaviour = behaviour <= BELOW_EXPECTATION
    no_parts = np.isnan(work) & np.isnan(behaviour)
    low_rating = no_parts & (rating <= WEAK_RATING)
    parts = [";".join(name for name, on in ((WORK_RESULT, w), (BEHAVIOUR, b), (RATING, r)) if on)
             for w, b, r in zip(low_work, low_behaviour, low_rating)]
    known = ~(no_parts & np.isnan(rating))
    gap = pd.array(np.where(known, low_work | low_behaviour | low_rating, False), dtype="boolean")
    gap[~known] = pd.NA
    return pd.DataFrame({"perf_gap": gap, "perf_gap_parts": parts}, index=people.index)


def line_competencies(snap, lines: pd.DataFrame) -> pd.DataFrame:
    """The competency each (person_key, program_id) line develops, with the person's levels.

    Of the competencies the program targets, the one with the person's largest gap (required
    minus assessed level); without a known gap, the program's first target competency.

    Returns:
        One row per line (same order): ``competency_code``, ``competency_id``,
        ``competency_en``, ``current_level``, ``required_level``, ``competency_gap`` (NaN when
        unknown) and ``target_level``.
    """
    rows = snap.people.index.get_indexer(lines[PERSON].astype(str))
    cols = snap.programs.index.get_indexer(lines["program_id"].astype(str))
    n, k = len(lines), len(snap.comp_codes)
    assessed = np.full((n, k), np.nan, dtype=float)
    required = np.full((n, k), np.nan, dtype=float)
    targets = np.zeros((n, k), dtype=float)
    ok_p, ok_c = rows >= 0, cols >= 0
    assessed[ok_p] = snap.assessed[rows[ok_p]]
    required[ok_p] = snap.required[rows[ok_p]]
    targets[ok_c] = snap.targets[cols[ok_c]]
    covered = targets > 0
    has = covered.any(axis=1) if k else np.zeros(n, dtype=bool)
    if k:
        gap = np.where(covered, required - assessed, np.nan)
        known = ~np.isnan(gap)
        best = np.where(known.any(axis=1), np.argmax(np.where(known, gap, -np.inf), axis=1),
                        np.argmax(covered, axis=1))
    else:
        best = np.zeros(n, dtype=int)
        assessed = required = targets = np.full((n, 1), np.nan)
    pick = np.arange(n)
    codes = np.array(list(snap.comp_codes) or [None], dtype=object)
    code = np.where(has, codes[best], None)
    names = snap.competencies
    out = pd.DataFrame({
        "competency_code": code,
        "competency_id": [names["name_id"].get(c) if c is not None else None for c in code],
        "competency_en": [names["name_en"].get(c) if c is not None else None for c in code],
        "current_level": np.where(has, assessed[pick, best], np.nan),
        "required_level": np.where(has, required[pick, best], np.nan),
        "target_level": np.where(has, targets[pick, best], np.nan),
    }, index=lines.index)
    out["competency_gap"] = out["required_level"] - out["current_level"]
    return out


def priorities(lines: pd.DataFrame) -> np.ndarray:
    """Priority of each line: 1 tinggi, 2 sedang, 3 rendah.

    1: a mandatory program, a performance gap, or a competency gap of ``HIGH_GAP`` levels or
    more; 2: any competency gap, or the person still short of the yearly JP duty; 3: otherwise.
    Needs ``mandatory``, ``perf_gap``, ``competency_gap`` and ``jp_shortfall``.
    """
    gap = lines["competency_gap"].to_numpy(dtype=float)
    perf = lines["perf_gap"].fillna(False).to_numpy(dtype=bool)
    mand = lines["mandatory"].fillna(False).to_numpy(dtype=bool)
    short = lines["jp_shortfall"].to_numpy(dtype=float) > 0
    high = mand | perf | (gap >= HIGH_GAP)
    mid = (gap > 0) | short
    return np.where(high, 1, np.where(mid, 2, 3))
