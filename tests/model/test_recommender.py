"""Behavioural tests of the fitted recommender (Made-With-ML style): invariance, direction,
minimum functionality, determinism."""

import numpy as np
import pandas as pd
import pandas.testing as pdt
import pytest

from model import quarters as qt
from model.candidates import candidate_pairs
from model.recommender import Recommender
from model.snapshot import PERSON, conform
from service.pseudonym import pseudonymise_tables

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def ctx(recommender, frames, as_of):
    return recommender.context(frames, qt.shift(as_of, -1))


@pytest.fixture(scope="module")
def people(ctx):
    active = ctx.snap.people[ctx.snap.people["active"].astype(bool)]
    return list(active.sample(40, random_state=1).index)


def test_recommendations_are_eligible_ranked_and_explained(recommender, ctx, people):
    recs = recommender.recommend(ctx, people, k=10)
    assert set(recs[PERSON]) <= set(people) and len(recs) > 0
    eligible = set(map(tuple, candidate_pairs(ctx.snap, people)[[PERSON, "program_id"]].to_numpy()))
    assert all((a, b) in eligible for a, b in zip(recs[PERSON], recs["program_id"]))
    for _, grp in recs.groupby(PERSON):
        assert list(grp["rank"]) == list(range(1, len(grp) + 1))
        optional = grp[grp["mandatory"] == 0]
        assert optional["score"].is_monotonic_decreasing
    assert recs["p_complete"].between(0, 1).all()
    assert all(1 <= len(r) <= 3 for r in recs["reasons_id"])
    assert all(len(a) == len(b) for a, b in zip(recs["reasons_id"], recs["reasons_en"]))


def test_names_and_nips_do_not_change_the_ranking(world, as_of, fast_config):
    """Renaming people and giving them new ids leaves everyone's list the same."""
    q = qt.shift(as_of, -1)
    tables = {k: v.copy() for k, v in world.tables.items()}
    tables["employees"]["name"] = "Nama Lain"
    mapping = {e: f"X{i:06d}" for i, e in enumerate(tables["employees"]["employee_id"])}
    renamed = {k: v.copy() for k, v in tables.items()}
    for name, df in renamed.items():
        for col in ("employee_id", "head_employee_id"):
            if col in df:
                renamed[name][col] = df[col].map(lambda v: mapping.get(v, v))
    key = b"k"
    fa = conform(pseudonymise_tables(tables, key=key))
    fb = conform(pseudonymise_tables(renamed, key=key))
    cfg = fast_config
    ra, rb = Recommender(cfg).fit(fa, q), Recommender(cfg).fit(fb, q)
    from service.pseudonym import person_key

    sample = list(tables["employees"]["employee_id"].iloc[:60])
    pa = [person_key(e, key) for e in sample]
    pb = [person_key(mapping[e], key) for e in sample]
    a = ra.recommend(ra.context(fa, q), pa, k=10, reasons=False)
    b = rb.recommend(rb.context(fb, q), pb, k=10, reasons=False)
    back = dict(zip(pb, pa))
    b[PERSON] = b[PERSON].map(back)
    cols = [PERSON, "program_id", "rank", "score"]
    pdt.assert_frame_equal(a[cols].sort_values([PERSON, "rank"]).reset_index(drop=True),
                           b[cols].sort_values([PERSON, "rank"]).reset_index(drop=True))


def test_a_larger_gap_raises_programs_that_cover_it(recommender, ctx):
    """Lowering one person's assessed level in competency X raises every program covering X."""
    snap = ctx.snap
    covered = (snap.targets > 0).sum(axis=0)
    j = int(np.argmax(covered))
    code = snap.comp_codes[j]
    i = next(i for i in range(len(snap.people))
             if snap.assessed[i, j] >= 3 and snap.people["active"].iloc[i])
    person = snap.people.index[i]
    pairs = candidate_pairs(snap, [person])
    covering = pairs[pairs["program_id"].map(lambda p: snap.targets[snap.program_pos([p])[0], j] > 0)]
    assert len(covering) > 0, f"no eligible program covers {code}"
    before = recommender.score_pairs(ctx, covering)["relevance"].to_numpy()
    saved = snap.assessed[i, j]
    try:
        snap.assessed[i, j] = 1.0
        snap.required[i, j] = max(snap.required[i, j], 4.0)
        after = recommender.score_pairs(ctx, covering)["relevance"].to_numpy()
    finally:
        snap.assessed[i, j] = saved
    assert (after >= before - 1e-12).all()
    assert (after > before).any()


def test_cpns_without_latsar_get_latsar_first(recommender, ctx):
    snap = ctx.snap
    latsar = set(snap.programs.index[snap.programs["category"] == "latsar"])
    cpns = snap.people.index[(snap.people["employment_type"] == "CPNS")
                             & snap.people["active"].astype(bool)]
    recs = recommender.recommend(ctx, list(cpns), k=5, reasons=False, quarter=None)
    firsts = recs[recs["rank"] == 1]
    with_latsar = firsts[firsts[PERSON].isin(
        candidate_pairs(snap, list(cpns), sorted(latsar))[PERSON])]
    assert len(with_latsar) > 0
    assert with_latsar["program_id"].isin(latsar).all()


def test_same_seed_same_model(frames, as_of, fast_config, recommender):
    q = qt.shift(as_of, -1)
    again = Recommender(fast_config).fit(frames, q)
    ctx = again.context(frames, q)
    pairs = candidate_pairs(ctx.snap).head(2000)
    a = recommender.score_pairs(recommender.context(frames, q), pairs)
    b = again.score_pairs(ctx, pairs)
    np.testing.assert_array_equal(a["score"].to_numpy(), b["score"].to_numpy())


def test_engagement_per_person(recommender, ctx, people):
    eng = recommender.engagement(ctx, people, factors=True)
    assert list(eng[PERSON]) == people
    assert eng["p_reach_duty"].between(0, 1).all()
    assert (eng["expected_jp"] >= eng["jp_this_year"] - 1e-9).all()
    assert all(isinstance(f, list) for f in eng["factors"])


def test_new_employee_without_history_gets_content_based_suggestions(recommender, ctx):
    snap = ctx.snap
    no_history = snap.people.index.difference(snap.history[PERSON].unique())
    no_history = [p for p in no_history if snap.people.loc[p, "active"]]
    assert no_history, "the small world should have people without history"
    recs = recommender.recommend(ctx, no_history[:10], k=5)
    assert len(recs) > 0
    assert recs["score"].gt(0).all()


def test_learns_without_any_competency_assessment(frames, as_of, fast_config):
    """Partial real exports may have no assessments: the gap signals are then simply absent."""
    bare = dict(frames)
    bare["competency_assessments"] = frames["competency_assessments"].iloc[0:0]
    q = qt.shift(as_of, -1)
    rec = Recommender(fast_config).fit(conform(bare), q)
    assert "gap_closed" not in rec.ranker_.features_
    recs = rec.recommend(rec.context(conform(bare), q), k=3, reasons=True)
    assert len(recs) > 0 and all(len(r) >= 1 for r in recs["reasons_en"])


def test_a_person_gets_the_same_list_alone_in_a_batch_or_among_everyone(recommender, ctx, people):
    """Batches read only their own people's history: the result must not depend on the batch."""
    everyone = list(ctx.snap.people.index[ctx.snap.people["active"].astype(bool)])
    full = recommender.recommend(ctx, everyone, k=10)
    full = full[full[PERSON].isin(people)]
    alone = pd.concat([recommender.recommend(ctx, [p], k=10) for p in people[:5]])
    batch = recommender.recommend(ctx, people, k=10)
    key = [PERSON, "rank"]
    pdt.assert_frame_equal(batch.sort_values(key).reset_index(drop=True),
                           full.sort_values(key).reset_index(drop=True))
    pdt.assert_frame_equal(alone.sort_values(key).reset_index(drop=True),
                           full[full[PERSON].isin(people[:5])].sort_values(key).reset_index(drop=True))
