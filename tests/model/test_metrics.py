"""Metrics against values computed by hand."""

import math

import numpy as np
import pandas as pd
import pytest

from model.metrics import (catalogue_coverage, expected_calibration_error, graded_ndcg,
                           probability_metrics, ranking_metrics)


def _frames():
    truth = pd.DataFrame({"user_id": ["a", "a", "b"], "item_id": ["x", "y", "z"]})
    ranked = pd.DataFrame({
        "user_id": ["a", "a", "a", "b", "b", "b"],
        "item_id": ["x", "q", "y", "q", "r", "s"],
        "rank": [1, 2, 3, 1, 2, 3],
    })
    return truth, ranked


def test_ranking_metrics_by_hand():
    truth, ranked = _frames()
    m = ranking_metrics(truth, ranked, k=3)
    # user a: hits at 1 and 3; user b: none.
    dcg_a = 1 + 1 / math.log2(4)
    idcg_a = 1 + 1 / math.log2(3)
    assert m["ndcg@3"] == pytest.approx((dcg_a / idcg_a + 0) / 2)
    assert m["recall@3"] == pytest.approx((2 / 2 + 0) / 2)
    assert m["precision@3"] == pytest.approx((2 / 3 + 0) / 2)
    assert m["map@3"] == pytest.approx(((1 / 1 + 2 / 3) / 2 + 0) / 2)


def test_cutoff_ignores_lower_ranks():
    truth, ranked = _frames()
    m = ranking_metrics(truth, ranked, k=1)
    assert m["precision@1"] == pytest.approx(0.5)
    assert m["recall@1"] == pytest.approx(0.25)


def test_users_without_recommendations_count_as_zero():
    truth, ranked = _frames()
    m = ranking_metrics(truth, ranked[ranked["user_id"] == "a"], k=3)
    assert m["recall@3"] == pytest.approx(0.5)


def test_missing_columns_are_named():
    truth, ranked = _frames()
    with pytest.raises(ValueError, match="rank"):
        ranking_metrics(truth, ranked.drop(columns="rank"))


def test_coverage():
    _, ranked = _frames()
    assert catalogue_coverage(ranked, n_items=10, k=2) == pytest.approx(3 / 10)


def test_ece_perfect_and_biased():
    rng = np.random.default_rng(0)
    p = rng.random(20000)
    y = (rng.random(20000) < p).astype(int)
    assert expected_calibration_error(y, p) < 0.02
    assert expected_calibration_error(y, np.clip(p + 0.2, 0, 1)) > 0.15


def test_probability_metrics_separate_good_from_random():
    rng = np.random.default_rng(1)
    y = rng.integers(0, 2, 2000)
    good = probability_metrics(y, np.clip(y * 0.6 + rng.random(2000) * 0.4, 0, 1))
    rand = probability_metrics(y, rng.random(2000))
    assert good["roc_auc"] > 0.9 > 0.6 > rand["roc_auc"]
    assert good["brier"] < rand["brier"]


def test_graded_ndcg_is_one_for_the_ideal_order_and_discounts_a_swap():
    cand = pd.DataFrame({"user_id": ["u"] * 3 + ["v"] * 2, "item_id": ["a", "b", "c", "a", "b"]})
    gains = np.array([3.0, 1.0, 0.0, 0.0, 0.0])  # v has no positive gain: not averaged
    ideal = pd.DataFrame({"user_id": ["u", "u", "v"], "item_id": ["a", "b", "b"], "rank": [1, 2, 1]})
    assert graded_ndcg(cand, gains, ideal, k=2) == pytest.approx(1.0)
    swapped = ideal.assign(item_id=["b", "a", "b"])
    expected = (1 + 3 / math.log2(3)) / (3 + 1 / math.log2(3))
    assert graded_ndcg(cand, gains, swapped, k=2) == pytest.approx(expected)
    worst = pd.DataFrame({"user_id": ["u"], "item_id": ["c"], "rank": [1]})
    assert graded_ndcg(cand, gains, worst, k=2) == 0.0
