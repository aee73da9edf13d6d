"""A short run of the feedback-loop benchmark: the loop runs, logs, decides and measures."""

import numpy as np
import pytest

from benchmarks import feedback_loop as fl
from model.config import ModelConfig

FAST = ModelConfig(train_quarters=4, ranker_max_iter=40, engagement_max_iter=40)


@pytest.fixture(scope="module")
def result():
    return fl.run(500, 3, 5, 1, arms=[fl.ARMS[0], fl.ARMS[3]], config=FAST,
                  progress=lambda *_: None)


def test_gini_is_zero_when_even_and_high_when_concentrated():
    assert fl.gini(np.array([3, 3, 3])) == 0.0
    assert fl.gini(np.array([0, 0, 0, 9])) == pytest.approx(0.75)
    assert fl.gini(np.zeros(4)) == 0.0


def test_each_arm_runs_the_loop_quarter_with_its_exploration(result):
    rows = {r["arm"]: r for r in result["rows"]}
    assert set(rows) == {"follow", "explore+decisions"}
    assert rows["follow"]["explored_share"] == 0.0
    assert rows["explore+decisions"]["explored_share"] == pytest.approx(0.2, abs=0.03)
    for r in rows.values():
        assert 0 < r["nominations"] <= r["city_nominations"]
        assert 0 < r["accept_rate"] < 1 and 0 <= r["gini_nominations"] <= 1
        assert r["model.true_ndcg@10"] > r["most_popular.true_ndcg@10"]
        assert 0 < r["model.support"] <= 1


def test_hr_following_the_model_inflates_the_plain_offline_metric(result):
    """The echo: once the quarter's completions are the model's own suggestions, the plain
    NDCG@10 rises far above the same model's on HR's own history; the truth-graded one does
    not move like that."""
    before = result["before_loop"]["model"]
    follow = next(r for r in result["rows"] if r["arm"] == "follow")
    assert follow["model.naive_ndcg@10"] > before["naive_ndcg@10"] + 0.1
    assert abs(follow["model.true_ndcg@10"] - before["true_ndcg@10"]) < 0.1


def test_the_loop_feeds_its_decisions_and_nominations_into_the_next_training():
    world_rows = []
    from synthetic import generate

    world = generate(n_employees=300, years=2, seed=3)
    import tempfile
    from pathlib import Path

    from synthetic import write_world
    from synthetic.oracle import load_truth

    with tempfile.TemporaryDirectory() as tmp:
        write_world(world, Path(tmp) / "raw", Path(tmp) / "truth")
        truth = load_truth(Path(tmp) / "truth")
    q = world.meta["quarters"][-2]
    loop = fl.Loop(world, truth, fl.ARMS[1], [q], 10, 3, FAST, progress=world_rows.append)
    n_hist, n_dec = len(loop.history), len(loop.decisions)
    row = loop.step(q)
    new = loop.history.iloc[n_hist:]
    assert (new["source"] == "nominated").sum() == row["nominations"]
    added = loop.decisions.iloc[n_dec:]
    assert set(added["decision"]) == {"accepted", "rejected"}
    assert (added["decision"] == "accepted").sum() == row["nominations"]
    assert set(added.loc[added["decision"] == "rejected", "reason_code"]) <= {
        "not_relevant", *fl.NEUTRAL}
    exposure = loop.exposure()
    assert len(exposure) == row["people_shown"] * 10 and set(exposure["quarter"]) == {q}
    assert world_rows  # progress was reported
