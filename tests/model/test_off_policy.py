import numpy as np
import pandas as pd
import pytest

from model.exploration import explore
from model.off_policy import exposure_of, policy_value


def _logged_world(share: float, seed: int = 0, users: int = 3000, items: int = 30, k: int = 3):
    """A logging model that ranks by a biased score and shows k slots (some explored); a
    shown pair is completed with its true probability q; nothing unshown is completed."""
    rng = np.random.default_rng(seed)
    q = rng.beta(2, 5, (users, items))
    logging_score = -np.abs(np.arange(items) - 5)[None, :] + rng.normal(0, 0.5, (users, items))
    rows, rewards = [], []
    for u in range(users):
        order = list(np.argsort(-logging_score[u]))
        for slot in explore(order, k, share, rng):
            rows.append((u, int(slot.item), slot.propensity))
            if rng.random() < q[u, slot.item]:
                rewards.append((u, int(slot.item)))
    imp = pd.DataFrame(rows, columns=["user", "item", "propensity"])
    return q, imp, pd.DataFrame(rewards, columns=["user", "item"])


def _ranking(score: np.ndarray, k: int) -> pd.DataFrame:
    top = np.argsort(-score, axis=1)[:, :k]
    return pd.DataFrame({"user": np.repeat(np.arange(len(score)), k), "item": top.ravel(),
                         "rank": np.tile(np.arange(1, k + 1), len(score))})


def test_snips_recovers_the_true_value_of_a_ranking_the_log_rarely_showed():
    q, imp, rewards = _logged_world(share=1 / 3)
    target = _ranking(q, 3)  # the truly best programs, mostly not what the logging model shows
    truth = float(np.sort(q, axis=1)[:, -3:].mean())
    v = policy_value(target, rewards, exposure_of(imp, "user", "item"), 3, "user", "item",
                     max_weight=1e9)
    assert v["support"] < 0.3  # the log speaks for few of the target's pairs
    assert v["naive_precision@3"] < truth - 0.2  # judged on the echo, it looks bad
    assert v["snips_precision@3"] == pytest.approx(truth, abs=0.03)
    assert v["ips_precision@3"] == pytest.approx(truth, abs=0.05)


def test_the_logging_ranking_itself_is_judged_the_same_by_naive_and_corrected():
    q, imp, rewards = _logged_world(share=0.0, seed=1)
    logged = imp.assign(rank=imp.groupby("user").cumcount() + 1)
    v = policy_value(logged, rewards, exposure_of(imp, "user", "item"), 3, "user", "item")
    truth = float(np.mean(q[imp["user"], imp["item"]]))
    assert v["support"] == 1.0
    assert v["naive_precision@3"] == pytest.approx(v["snips_precision@3"])
    assert v["snips_precision@3"] == pytest.approx(truth, abs=0.02)


def test_clipping_bounds_the_weights():
    imp = pd.DataFrame({"user": [1, 1], "item": ["a", "b"], "propensity": [1.0, 0.001]})
    ranked = pd.DataFrame({"user": [1, 1], "item": ["a", "b"], "rank": [1, 2]})
    rewards = pd.DataFrame({"user": [1], "item": ["b"]})
    v = policy_value(ranked, rewards, exposure_of(imp, "user", "item"), 2, "user", "item",
                     max_weight=20)
    assert v["ips_precision@2"] == pytest.approx(20 / 2)
    assert v["snips_precision@2"] == pytest.approx(20 / 21)


def test_a_pair_shown_twice_has_the_propensity_of_being_shown_at_least_once():
    imp = pd.DataFrame({"user": [1, 1, 2], "item": ["a", "a", "a"],
                        "propensity": [0.5, 0.5, None]})
    out = exposure_of(imp, "user", "item").set_index("user")["propensity"]
    assert out[1] == pytest.approx(0.75) and out[2] == 1.0
    with pytest.raises(ValueError, match="lack columns"):
        exposure_of(imp.drop(columns="item"), "user", "item")
