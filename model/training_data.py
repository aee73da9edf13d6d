"""Labelled examples from past quarters, each built from its own point-in-time snapshot.

For a quarter ``t`` the snapshot holds what was known at the start of ``t``; the labels are what
happened in ``t``: which offered programs each person enrolled in and which they completed.
Ranker examples are the eligible programs offered in ``t`` for every person who enrolled in
something in ``t`` (the people we could have advised), with sampled non-chosen candidates.
Engagement examples are the enrollments of ``t`` with their outcome.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import numpy as np
import pandas as pd

from model import quarters as qt
from model.candidates import candidate_pairs, offered_programs
from model.collaborative import ItemCF
from model.config import ModelConfig
from model.decision_labels import CF_REJECTED_WEIGHT, between, fit_rejections, ranking_labels
from model.features import REGISTRATION_COLUMNS, pair_features, person_features, yearly_jp_of
from model.outside_training import without_repeats
from model.snapshot import PERSON, Snapshot, build_snapshot, conform


@dataclass
class QuarterData:
    """A quarter's snapshot, person features, fitted CF and outcome table."""

    snap: Snapshot
    people: pd.DataFrame
    cf: ItemCF | None
    outcomes: pd.DataFrame  # enrollments in the quarter: person_key, program_id, completed
    # HR's decisions made during the quarter (labels of the ranker, model.decision_labels).
    decisions: pd.DataFrame = dataclasses.field(default_factory=pd.DataFrame)


def completions(history: pd.DataFrame) -> pd.DataFrame:
    """Completed (person, program) pairs of a history, the collaborative signal's input."""
    done = history[history["status"] == "completed"]
    return done[[PERSON, "program_id"]].drop_duplicates()


def fit_cf(history: pd.DataFrame, config: ModelConfig) -> ItemCF | None:
    """Item-item model over completions (None when there is no history yet)."""
    done = completions(history)
    if done.empty:
        return None
    return ItemCF(method="ease", l2=config.cf_l2).fit(done, user_col=PERSON, item_col="program_id")


def cf_scores(cf: ItemCF | None, snap: Snapshot, pairs: pd.DataFrame) -> np.ndarray:
    """Collaborative score of each pair from the person's completions before the snapshot."""
    if cf is None or pairs.empty:
        return np.zeros(len(pairs))
    hist = completions(snap.history_of(pairs[PERSON]))
    scores = np.asarray(cf.score_pairs(hist, pairs), dtype=float)
    # Once per snapshot, not per scored batch: the service scores many batches on one.
    rejected = snap.cached("fit_rejections", lambda: fit_rejections(snap.decisions))
    rejected = rejected[rejected[PERSON].isin(pairs[PERSON])]
    if not rejected.empty:
        # What HR rejected for fit pulls down the programs like it (model.decision_labels).
        scores = scores - CF_REJECTED_WEIGHT * np.asarray(cf.score_pairs(rejected, pairs), float)
    # Rounded so float32 summation order (which follows the ids) cannot change a split.
    return np.round(scores, 5)


def quarter_outcomes(frames: dict[str, pd.DataFrame], quarter: str) -> pd.DataFrame:
    """Enrollments whose quarter is ``quarter``, with a ``completed`` flag (0/1).

    Training taken outside the catalogue (``source`` external, from matched training records)
    is history, not an outcome: nobody was nominated to it, so it teaches neither the ranker
    nor the engagement model.
    """
    f = conform(frames)
    enr = f["enrollments"]
    enr = enr[(enr["quarter"] == quarter) & (enr["source"] != "external")].sort_values("date")
    out = enr.assign(completed=(enr["status"] == "completed").astype(int))
    starts = f["offerings"].drop_duplicates("offering_id").set_index("offering_id")["start_date"]
    out["lead_days"] = (out["offering_id"].map(starts) - out["date"]).dt.days
    return out.groupby([PERSON, "program_id"], as_index=False).agg(
        completed=("completed", "max"), lead_days=("lead_days", "first"),
        date=("date", "first"), study_load_jp=("study_load_jp", "first"),
        prior_attempts=("prior_attempts", "first"))


def prepare_quarter(frames: dict[str, pd.DataFrame], quarter: str, config: ModelConfig,
                    with_outcomes: bool = True) -> QuarterData:
    """Snapshot, features and CF at the start of ``quarter`` (and its outcomes, for training)."""
    snap = build_snapshot(frames, quarter, config)
    people = person_features(snap, config.popularity_quarters)
    cf = fit_cf(snap.history, config)
    outcomes = quarter_outcomes(frames, quarter) if with_outcomes else pd.DataFrame()
    decisions = pd.DataFrame()
    if with_outcomes:
        outcomes = outcomes[outcomes[PERSON].isin(snap.people.index)
                            & outcomes["program_id"].isin(snap.programs.index)]
        if config.use_decisions:
            decisions = between(conform(frames)["decisions"], snap.start,
                                pd.Timestamp(qt.quarter_start(qt.shift(quarter, 1))))
    return QuarterData(snap, people, cf, outcomes, decisions)


def content_order(feats: pd.DataFrame) -> np.ndarray:
    """A pseudo-random number per row computed from its feature values only (not from ids), so
    sampling and row order, and hence the fitted model, do not depend on NIPs or pseudonyms."""
    cols = [c for c in feats.columns if c not in (PERSON, "program_id")]
    h = pd.util.hash_pandas_object(feats[cols], index=False).to_numpy()
    return (h >> np.uint64(11)).astype(np.float64) / float(1 << 53)


def _sorted_by_content(feats: pd.DataFrame) -> pd.DataFrame:
    order = content_order(feats.assign(_pid=feats["program_id"]))
    return feats.iloc[np.lexsort((order,))].reset_index(drop=True)


def _among(keys: pd.MultiIndex, pairs: set) -> np.ndarray:
    return keys.isin(list(pairs)) if pairs else np.zeros(len(keys), bool)


def ranking_examples(qd: QuarterData, config: ModelConfig, sample: bool = True) -> pd.DataFrame:
    """Eligible offered candidates of people who enrolled in the quarter, with labels.

    HR's decisions of the quarter (``model.decision_labels``): a candidate rejected for fit is
    a negative that is always kept (also of a person who enrolled in nothing: then only those
    rejected candidates are theirs), one rejected for another reason is left out unless the
    person enrolled in it anyway.
    """
    snap, out = qd.snap, qd.outcomes
    offered = offered_programs(snap, snap.as_of)
    fit_rejected, other_rejected = ranking_labels(qd.decisions)
    enrolled_people = set(out[PERSON])
    people = sorted(enrolled_people | ({p for p, _ in fit_rejected} & set(snap.people.index)))
    if not offered or not people:
        return pd.DataFrame()
    pairs = candidate_pairs(snap, persons=people, program_ids=offered)
    lab = out.set_index([PERSON, "program_id"])["completed"]
    keys = pd.MultiIndex.from_frame(pairs[[PERSON, "program_id"]])
    pairs["completed"] = lab.reindex(keys).to_numpy()
    pairs["enrolled"] = pairs["completed"].notna().astype(int)
    pairs["completed"] = pairs["completed"].fillna(0).astype(int)
    chosen = pairs["enrolled"].to_numpy() == 1
    forced = _among(keys, fit_rejected) & ~chosen
    left_out = _among(keys, other_rejected) & ~chosen
    only_forced = ~pairs[PERSON].isin(enrolled_people).to_numpy() & ~forced
    keep = ~left_out & ~only_forced
    pairs, forced = pairs[keep].reset_index(drop=True), forced[keep]
    if sample:
        # Which non-chosen candidates to keep is drawn from content, not ids (see content_order).
        person_rows = qd.people.reindex(pairs[PERSON])
        u = content_order(person_rows.reset_index(drop=True).assign(
            _pid=pairs["program_id"].to_numpy(), _q=snap.as_of))
        neg = pairs["enrolled"].to_numpy() == 0
        rank = pd.Series(np.where(neg, u, -1.0)).groupby(pairs[PERSON].to_numpy()).rank(method="first")
        n_pos = pd.Series(~neg).groupby(pairs[PERSON].to_numpy()).transform("sum").to_numpy()
        rank = np.where(forced, 0.0, rank.to_numpy())
        pairs = pairs[~neg | (rank <= config.negatives_per_query + n_pos)]
        pairs = pairs.reset_index(drop=True)
    feats = pair_features(snap, pairs[[PERSON, "program_id"]], qd.people,
                          cf_scores(qd.cf, snap, pairs), config.popularity_quarters)
    feats["enrolled"] = pairs["enrolled"].to_numpy()
    feats["completed"] = pairs["completed"].to_numpy()
    feats[PERSON] = pairs[PERSON].to_numpy()
    feats["program_id"] = pairs["program_id"].to_numpy()
    feats["quarter"] = snap.as_of
    return _sorted_by_content(feats)


def engagement_examples(qd: QuarterData, config: ModelConfig) -> pd.DataFrame:
    """One row per enrollment of the quarter: pair features and whether it was completed."""
    out = qd.outcomes
    if out.empty:
        return pd.DataFrame()
    feats = pair_features(qd.snap, out[[PERSON, "program_id", *REGISTRATION_COLUMNS]], qd.people,
                          cf_scores(qd.cf, qd.snap, out), config.popularity_quarters)
    feats["completed"] = out["completed"].to_numpy()
    feats[PERSON] = out[PERSON].to_numpy()
    feats["program_id"] = out["program_id"].to_numpy()
    feats["quarter"] = qd.snap.as_of
    return _sorted_by_content(feats)


def yearly_jp(frames: dict[str, pd.DataFrame]) -> pd.Series:
    """JP earned per (person_key, year) over the whole data (labels of the duty model)."""
    f = conform(frames)
    return yearly_jp_of(without_repeats(f["enrollments"]),
                        f["training_records"][[PERSON, "quarter", "jp"]])


def duty_examples(qd: QuarterData, jp_by_year: pd.Series) -> pd.DataFrame:
    """Person rows at the start of the quarter, labelled by reaching the duty in that year."""
    year = qd.snap.as_of[:4]
    people = qd.people[qd.snap.people["active"].to_numpy(dtype=bool)].copy()
    total = pd.Series(
        jp_by_year.reindex(pd.MultiIndex.from_arrays([people.index, [year] * len(people)])).to_numpy(),
        index=people.index).fillna(0.0)
    duty = qd.snap.people.loc[people.index, "jp_duty"]
    people["reached"] = (total >= duty).astype(int)
    people["jp_year_total"] = total
    people["quarter"] = qd.snap.as_of
    return _sorted_by_content(people.rename_axis(PERSON).reset_index().assign(program_id=""))


def training_quarters(as_of: str, n: int) -> list[str]:
    """The ``n`` quarters before ``as_of``, oldest first."""
    return [qt.shift(as_of, -i) for i in range(n, 0, -1)]
