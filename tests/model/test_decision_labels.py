"""What HR's decisions teach: fit rejections as negatives and features, other reasons as
nothing, from decisions before the snapshot only."""

import numpy as np
import pandas as pd
import pytest

from model.config import ModelConfig
from model.decision_labels import (DECISION_FEATURES, between, decision_features, decision_tables,
                                   ranking_labels)
from model.snapshot import PERSON, build_snapshot
from model.training_data import prepare_quarter, ranking_examples


def decisions(rows):
    return pd.DataFrame(rows, columns=[PERSON, "program_id", "decision", "reason_code",
                                       "decided_at"]).assign(
        decided_at=lambda d: pd.to_datetime(d["decided_at"]))


PEOPLE = pd.DataFrame({"job_kind": ["perawat", "perawat", "guru"], "sector": ["health"] * 3},
                      index=pd.Index(["a", "b", "c"], name=PERSON))


def test_fit_reasons_are_negatives_other_reasons_are_not_and_the_latest_decision_counts():
    d = decisions([("a", "P1", "rejected", "not_relevant", "2025-01-05"),
                   ("a", "P2", "rejected", "scheduling", "2025-01-05"),
                   ("b", "P1", "rejected", "already_competent", "2025-01-05"),
                   ("b", "P2", "rejected", "budget", "2025-01-05"),
                   ("b", "P2", "rejected", "not_relevant", "2025-02-01"),
                   ("c", "P1", "rejected", "not_relevant", "2025-01-05"),
                   ("c", "P1", "accepted", None, "2025-02-01")])
    fit, other = ranking_labels(d)
    assert fit == {("a", "P1"), ("b", "P1"), ("b", "P2")}
    assert other == {("a", "P2")}


def test_features_count_the_pair_and_smooth_the_program_and_peer_rates():
    d = decisions([("a", "P1", "rejected", "not_relevant", "2025-01-05"),
                   ("b", "P1", "rejected", "not_relevant", "2025-01-06"),
                   ("c", "P1", "rejected", "scheduling", "2025-01-06"),
                   ("c", "P2", "accepted", None, "2025-01-06")])
    tables = decision_tables(d, PEOPLE)
    pairs = pd.DataFrame({PERSON: ["a", "c", "a", "c"], "program_id": ["P1", "P1", "P2", "P9"]})
    f = decision_features(tables, pairs, PEOPLE)
    assert f["rejected_for_fit"].tolist() == [1.0, 0.0, 0.0, 0.0]
    # P1: 2 of 3 rejected for fit, pulled toward the overall 2 of 4.
    assert f["program_fit_rejection_rate"][0] == pytest.approx((2 + 10 * 0.5) / (3 + 10))
    # A program nobody decided on takes the overall rate.
    assert f["program_fit_rejection_rate"][3] == pytest.approx(0.5)
    # Nurses (a, b) rejected P1 for fit twice of two; the teacher c never: the peer rates differ.
    assert f["peer_fit_rejection_rate"][0] > f["program_fit_rejection_rate"][0] > f["peer_fit_rejection_rate"][1]


def test_no_decisions_give_empty_columns_the_ranker_leaves_out():
    f = decision_features(decision_tables(decisions([]), PEOPLE),
                          pd.DataFrame({PERSON: ["a"], "program_id": ["P1"]}), PEOPLE)
    assert set(f) == set(DECISION_FEATURES) and all(np.isnan(v).all() for v in f.values())


def test_between_is_half_open():
    d = decisions([("a", "P1", "rejected", "other", "2025-01-01"),
                   ("a", "P1", "rejected", "other", "2025-04-01")])
    got = between(d, pd.Timestamp("2025-01-01"), pd.Timestamp("2025-04-01"))
    assert got["decided_at"].tolist() == [pd.Timestamp("2025-01-01")]


def test_the_snapshot_holds_only_decisions_made_before_it(frames):
    dates = frames["decisions"]["decided_at"]
    assert len(frames["decisions"]) > 0
    cut = sorted(dates.dt.to_period("Q").astype(str).unique())[2]
    snap = build_snapshot(frames, cut, ModelConfig(use_decisions=True))
    assert len(snap.decisions) and (snap.decisions["decided_at"] < snap.start).all()
    off = build_snapshot(frames, cut, ModelConfig(use_decisions=False))
    assert off.decisions.empty


def test_already_competent_raises_the_snapshot_levels_only_where_hr_said_so(frames):
    d = frames["decisions"]
    cut = sorted(d["decided_at"].dt.to_period("Q").astype(str).unique())[-1]
    on = build_snapshot(frames, cut, ModelConfig(use_decisions=True))
    off = build_snapshot(frames, cut, ModelConfig(use_decisions=False))
    a_on, a_off = np.nan_to_num(on.assessed, nan=-1), np.nan_to_num(off.assessed, nan=-1)
    assert (a_on >= a_off).all()
    raised = np.argwhere(a_on > a_off)
    assert len(raised), "the small world has no stale assessment HR contradicted"
    said = on.decisions[on.decisions["reason_code"].eq("already_competent")]
    # Each raised cell: the person had such a decision on a program targeting that competency,
    # and the new level is one of those programs' targets.
    for row, col in raised[:200]:
        person = on.people.index[row]
        progs = said.loc[said[PERSON] == person, "program_id"]
        levels = on.targets[on.programs.index.get_indexer(progs), col]
        assert a_on[row, col] in set(levels[levels > 0])


def test_training_examples_keep_fit_rejections_and_drop_the_others(frames):
    d = frames["decisions"]
    quarter = d["decided_at"].dt.to_period("Q").astype(str).value_counts().index[0]
    config = ModelConfig(use_decisions=True)
    qd = prepare_quarter(frames, quarter, config)
    fit, other = ranking_labels(qd.decisions)
    assert fit and other
    ex = ranking_examples(qd, config)
    keys = set(zip(ex[PERSON], ex["program_id"]))
    chosen = set(zip(ex.loc[ex["enrolled"] == 1, PERSON], ex.loc[ex["enrolled"] == 1, "program_id"]))
    eligible = set(zip(*[ranking_examples(qd, config, sample=False)[c] for c in (PERSON, "program_id")]))
    # Every eligible fit rejection is kept (sampling never drops it)...
    assert (fit & eligible) and (fit & eligible) <= keys
    # ... while without the decisions sampling drops some of them.
    ignored = prepare_quarter(frames, quarter, ModelConfig(use_decisions=False))
    assert ignored.decisions.empty
    plain = ranking_examples(ignored, config)
    assert (fit & eligible) - set(zip(plain[PERSON], plain["program_id"]))
    # A rejection for another reason is no example unless the person enrolled anyway.
    assert not ((other - chosen) & keys)


def test_a_program_hr_rejected_for_fit_is_not_suggested_again_ahead_of_others(frames, as_of):
    """With decisions used, a person's fit-rejected program drops below the others."""
    from dataclasses import replace

    from model import quarters as qt
    from model.recommender import Recommender

    config = replace(ModelConfig(train_quarters=4, ranker_max_iter=40, engagement_max_iter=40),
                     use_decisions=True)
    rec = Recommender(config).fit(frames, qt.shift(as_of, -1))
    ctx = rec.context(frames, as_of)
    person = ctx.snap.people.index[ctx.snap.people["active"].astype(bool)][0]
    top = rec.recommend(ctx, [person], k=3, reasons=False)["program_id"].tolist()
    start = ctx.snap.start - pd.Timedelta(days=5)
    extra = pd.DataFrame({"decision_id": ["T1"], PERSON: [person], "program_id": [top[0]],
                          "offering_id": [None], "decision": ["rejected"],
                          "reason_code": ["not_relevant"], "reason": [None], "decided_by": [None],
                          "decided_at": [start], "model_version": [None]})
    changed = dict(frames)
    changed["decisions"] = pd.concat([frames["decisions"], extra], ignore_index=True)
    again = rec.recommend(rec.context(changed, as_of), [person], k=3, reasons=False)
    assert top[0] not in again["program_id"].tolist()
    assert again["program_id"].tolist()[:2] == top[1:3]
