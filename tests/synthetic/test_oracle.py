"""The oracle recomputes the truth that drove the data, and that truth is learnable."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from model.quarters import quarters_of
from synthetic import generate, write_world
from synthetic.eligibility import static_eligibility
from synthetic.oracle import load_truth, oracle_benefit, oracle_p_complete, oracle_scores


@pytest.fixture(scope="module")
def truth(written):
    return load_truth(written[1])


def test_oracle_reproduces_the_simulated_benefit_and_completion(world, truth):
    drawn = world.truth["enrollment_truth"]
    assert np.allclose(oracle_benefit(truth, drawn), drawn["benefit"], atol=1e-4)
    assert np.allclose(oracle_p_complete(truth, drawn), drawn["p_complete"], atol=1e-4)
    scores = oracle_scores(truth, drawn)
    assert np.allclose(scores, drawn["benefit"] * drawn["p_complete"], atol=1e-4)


def test_observed_completion_rises_with_the_oracle_probability(world, truth):
    e = world.tables["enrollments"]
    closed = e[e["status"].isin(["completed", "attended", "dropped", "no_show"])]
    pairs = closed.assign(quarter=quarters_of(closed["date"]))
    p = oracle_p_complete(truth, pairs)
    done = (closed["status"] == "completed").to_numpy()
    bins = pd.qcut(p, 4, labels=False)
    rates = pd.Series(done).groupby(bins).mean()
    assert rates.is_monotonic_increasing
    assert abs(done.mean() - p.mean()) < 0.05  # calibrated: the truth drew the outcomes


def test_bad_pairs_and_missing_files_are_named(truth, tmp_path):
    with pytest.raises(ValueError, match="missing"):
        oracle_scores(truth, pd.DataFrame({"employee_id": ["x"], "program_id": ["PRG001"]}))
    with pytest.raises(ValueError, match="employee_id unknown"):
        oracle_scores(truth, pd.DataFrame({"employee_id": ["nobody"], "program_id": ["PRG001"],
                                           "quarter": ["2026Q1"]}))
    with pytest.raises(FileNotFoundError, match="params.json"):
        load_truth(tmp_path)


@pytest.mark.slow
def test_oracle_ranks_completions_better_than_popularity(tmp_path):
    """Held-out year: the oracle's top 10 recall beats a popularity ranking by a margin."""
    world = generate(1500, 3, seed=5, end_quarter="2026Q3")
    write_world(world, tmp_path / "raw", tmp_path / "truth")
    truth = load_truth(tmp_path / "truth")
    t = world.tables
    e = t["enrollments"].assign(quarter=lambda f: quarters_of(f["date"]))
    test_q = truth.quarters[-4:]
    train = e[~e["quarter"].isin(test_q)]
    popular = train[train["status"] == "completed"].groupby("program_id").size()
    staff = t["employees"].merge(t["units"][["unit", "sector"]], on="unit").set_index(
        "employee_id").loc[truth.people.index].reset_index()
    eligible = static_eligibility(staff, t["programs"])
    pid = t["programs"]["program_id"].to_numpy()
    offers = t["offerings"].assign(quarter=lambda f: quarters_of(f["start_date"]))
    batches, hits = [], []
    for q in test_q:
        offered = np.isin(pid, offers.loc[offers["quarter"] == q, "program_id"])
        done = e[(e["quarter"] == q) & (e["status"] == "completed")]
        for emp, group in done.groupby("employee_id"):
            cand = pid[eligible[truth.people.index.get_loc(emp)] & offered]
            if len(cand) >= 20:
                batches.append(pd.DataFrame({"employee_id": emp, "program_id": cand,
                                             "quarter": q, "case": len(hits)}))
                hits.append(set(group["program_id"]))
    pairs = pd.concat(batches, ignore_index=True)
    pairs["oracle"] = oracle_scores(truth, pairs)
    pairs["popular"] = popular.reindex(pairs["program_id"]).fillna(0).to_numpy()
    pairs["hit"] = [p in hits[c] for p, c in zip(pairs["program_id"], pairs["case"])]
    recall = {}
    for name in ("oracle", "popular"):
        top = pairs.sort_values(["case", name], ascending=[True, False]).groupby("case").head(10)
        found = top.groupby("case")["hit"].sum() / pd.Series([len(h) for h in hits])
        recall[name] = found.mean()
    assert len(hits) > 300
    assert recall["oracle"] > recall["popular"] + 0.1, recall
