"""What HR's decisions on suggestions teach the ranker.

A rejection's reason says whether it is about the program's fit to the person:
``not_relevant`` ("not relevant to the job") and ``already_competent`` are (``FIT_REASONS``);
already planned elsewhere, schedule, budget and other are not. So:

- as labels (``ranking_labels``): in a training quarter, a program rejected for fit is a
  negative the ranker always sees (never sampled away), and one rejected for another reason is
  no example at all (it says nothing about relevance), unless the person enrolled anyway;
- as features (``decision_features``, from decisions made before the snapshot only): how often
  this person's pair was rejected for fit, how often the program was across everyone it was
  shown to, and across the person's peers (same job kind in the same sector), both smoothed:
  a program HR keeps rejecting for a kind of job drops for that job's people never reviewed.

And at ranking time (``model.recommender``): a program HR rejected for fit for this person
keeps only ``REJECTED_FACTOR`` of its score, so it is not suggested to them again ahead of
programs HR has not ruled out.

An acceptance with an offering is a nomination, already a positive through the enrollment.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from model.snapshot import PERSON

FIT_REASONS = ("not_relevant", "already_competent")
DECISION_FEATURES = ("rejected_for_fit", "program_fit_rejection_rate", "peer_fit_rejection_rate")
PEERS = ("job_kind", "sector")
# A pair HR rejected for fit keeps this share of its score when ranked again: below anything
# comparable that HR has not ruled out, but still there when nothing else is eligible.
REJECTED_FACTOR = 0.1
# In the collaborative score, a program rejected for fit counts against the programs like it
# with this weight (a completion counts +1).
CF_REJECTED_WEIGHT = 1.0
# Pseudo-decisions of the program-level rate's prior (toward the overall rate).
PRIOR_WEIGHT = 10.0


def usable(decisions: pd.DataFrame) -> pd.DataFrame:
    """Decisions with a person, a program, a decision and a date (others teach nothing)."""
    if decisions is None or decisions.empty:
        return pd.DataFrame(columns=[PERSON, "program_id", "decision", "reason_code",
                                     "decided_at"])
    d = decisions.dropna(subset=[PERSON, "program_id", "decision", "decided_at"])
    return d.assign(**{PERSON: d[PERSON].astype(str), "program_id": d["program_id"].astype(str)})


def is_fit_rejection(decisions: pd.DataFrame) -> np.ndarray:
    """Rejected for a reason about fit (see ``FIT_REASONS``)."""
    return ((decisions["decision"] == "rejected")
            & decisions["reason_code"].isin(FIT_REASONS)).to_numpy(dtype=bool)


def fit_rejections(decisions: pd.DataFrame) -> pd.DataFrame:
    """Distinct (person_key, program_id) pairs rejected for fit."""
    d = usable(decisions)
    return d.loc[is_fit_rejection(d), [PERSON, "program_id"]].drop_duplicates()


def between(decisions: pd.DataFrame, start: pd.Timestamp, end: pd.Timestamp) -> pd.DataFrame:
    """Decisions made on or after ``start`` and before ``end``."""
    d = usable(decisions)
    return d[(d["decided_at"] >= start) & (d["decided_at"] < end)]


def ranking_labels(decisions: pd.DataFrame) -> tuple[set, set]:
    """(pairs rejected for fit, pairs rejected for another reason) of a quarter's decisions;
    a pair with both, or accepted later, counts by its latest decision."""
    d = usable(decisions).sort_values("decided_at", kind="stable")
    d = d.drop_duplicates([PERSON, "program_id"], keep="last")
    rejected = (d["decision"] == "rejected").to_numpy(dtype=bool)
    fit = is_fit_rejection(d)
    pairs = list(zip(d[PERSON], d["program_id"]))
    return ({p for p, f in zip(pairs, fit) if f},
            {p for p, r, f in zip(pairs, rejected, fit) if r and not f})


@dataclass(frozen=True)
class DecisionTables:
    """Fit-rejection counts per pair and smoothed rates per program and per (peers, program)."""

    pair_count: pd.Series
    program_rate: pd.Series
    peer_rate: pd.Series
    overall: float


def _rate(fit: pd.Series, shown: pd.Series, prior: pd.Series | float) -> pd.Series:
    return (fit.reindex(shown.index).fillna(0) + PRIOR_WEIGHT * prior) / (shown + PRIOR_WEIGHT)


def decision_tables(decisions: pd.DataFrame, people: pd.DataFrame) -> DecisionTables | None:
    """The tables of ``decision_features`` from ``decisions`` (the caller passes only those
    made before the snapshot) and ``people`` (indexed by person_key, with ``PEERS``); None when
    there are none."""
    d = usable(decisions)
    d = d[d[PERSON].isin(people.index)]
    if d.empty:
        return None
    fit_mask = is_fit_rejection(d)
    overall = float(fit_mask.mean())
    program_rate = _rate(d[fit_mask].groupby("program_id").size(), d.groupby("program_id").size(),
                         overall)
    d = d.assign(**{c: people[c].reindex(d[PERSON]).astype("string").fillna("").to_numpy()
                    for c in PEERS})
    keys = [*PEERS, "program_id"]
    shown = d.groupby(keys).size()
    prior = program_rate.reindex(shown.index.get_level_values("program_id")).to_numpy()
    peer_rate = _rate(d[fit_mask].groupby(keys).size(), shown, prior)
    return DecisionTables(d[fit_mask].groupby([PERSON, "program_id"]).size(), program_rate,
                          peer_rate, overall)


def decision_features(tables: DecisionTables | None, pairs: pd.DataFrame,
                      people: pd.DataFrame) -> dict[str, np.ndarray]:
    """``DECISION_FEATURES`` of each (person_key, program_id) row of ``pairs`` from
    ``decision_tables``. NaN throughout when there are no decisions, so a deployment without
    them has no such columns to learn from."""
    if tables is None:
        return {name: np.full(len(pairs), np.nan) for name in DECISION_FEATURES}
    person, program = pairs[PERSON].astype(str), pairs["program_id"].astype(str)
    pair_keys = pd.MultiIndex.from_arrays([person, program])
    program_rate = tables.program_rate.reindex(program).fillna(tables.overall).to_numpy(float)
    peers = [people[c].reindex(person).astype("string").fillna("").to_numpy() for c in PEERS]
    peer_rate = tables.peer_rate.reindex(pd.MultiIndex.from_arrays([*peers, program])).to_numpy(float)
    return {"rejected_for_fit": tables.pair_count.reindex(pair_keys).fillna(0).to_numpy(float),
            "program_fit_rejection_rate": program_rate,
            "peer_fit_rejection_rate": np.where(np.isnan(peer_rate), program_rate, peer_rate)}
