"""Split and metrics of the Recommenders protocol on hand-computed examples."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from benchmarks.ranking_protocol import (
    evaluate,
    map_at_relevant,
    ndcg_at_k,
    precision_at_k,
    recall_at_k,
    stratified_split,
)


@pytest.fixture
def truth() -> pd.DataFrame:
    """User 1 has a, b, c relevant; user 2 has d; user 3 (e) gets no predictions."""
    return pd.DataFrame({"user_id": [1, 1, 1, 2, 3], "item_id": list("abcde"),
                         "rating": [5, 3, 4, 2, 1]})


@pytest.fixture
def predictions() -> pd.DataFrame:
    """User 1 ranks a, x, b; user 2 ranks y, d; user 4 is not in the truth."""
    return pd.DataFrame({"user_id": [1, 1, 1, 2, 2, 4], "item_id": list("axbydz"),
                         "score": [0.9, 0.8, 0.7, 0.9, 0.5, 1.0]})


def test_precision_recall_map_over_common_users(truth, predictions):
    # common users {1, 2}; hits: user 1 at ranks 1 and 3, user 2 at rank 2
    assert precision_at_k(truth, predictions, k=3) == pytest.approx((2 / 3 + 1 / 3) / 2)
    assert recall_at_k(truth, predictions, k=3) == pytest.approx((2 / 3 + 1 / 1) / 2)
    # MAP divides by the relevant count: user 1 (1/1 + 2/3) / 3, user 2 (1/2) / 1
    assert map_at_relevant(truth, predictions, k=3) == pytest.approx(((1 + 2 / 3) / 3 + 0.5) / 2)


def test_ndcg_averages_over_every_truth_user(truth, predictions):
    ln = math.log
    user1 = (1 / ln(2) + 1 / ln(4)) / (1 / ln(2) + 1 / ln(3) + 1 / ln(4))
    user2 = (1 / ln(3)) / (1 / ln(2))
    assert ndcg_at_k(truth, predictions, k=3) == pytest.approx((user1 + user2 + 0.0) / 3)
    # raw relevance from the truth: user 1 gains 5 (a) and 3 (b); ideal order is a, c, b
    raw1 = (5 / ln(2) + 3 / ln(4)) / (5 / ln(2) + 4 / ln(3) + 3 / ln(4))
    raw = ndcg_at_k(truth, predictions, k=3, rating_col="rating", score_type="raw")
    assert raw == pytest.approx((raw1 + user2 + 0.0) / 3)


def test_k_cuts_the_prediction_list(truth, predictions):
    # k=1: user 1 hits a at rank 1, user 2 misses (y first)
    scores = evaluate(truth, predictions, k=1)
    assert scores["precision@1"] == pytest.approx(0.5)
    assert scores["recall@1"] == pytest.approx((1 / 3) / 2)
    assert scores["map"] == pytest.approx((1 / 3) / 2)
    assert scores["ndcg@1"] == pytest.approx(1 / 3)


def test_no_hit_scores_zero(truth):
    miss = pd.DataFrame({"user_id": [1, 2], "item_id": ["q", "r"], "score": [1.0, 1.0]})
    assert set(evaluate(truth, miss, k=10).values()) == {0.0}


def test_metrics_name_a_missing_column(truth, predictions):
    with pytest.raises(ValueError, match="predictions is missing column"):
        precision_at_k(truth, predictions.drop(columns="score"))


@pytest.mark.parametrize(
    ("cut", "expected"),
    [
        # rank <= round_half_even(0.75 n): 0.75 -> 1, 1.5 -> 2, 3 -> 3, 3.75 -> 4, 15 -> 15
        ("round", [1, 2, 3, 4, 15]),
        # rank / n <= 0.75: 1 -> 0, 2 -> 1, 4 -> 3, 5 -> 3, 20 -> 15
        ("fraction", [0, 1, 3, 3, 15]),
    ],
)
def test_stratified_split_keeps_three_quarters_of_each_group(cut, expected):
    sizes = {1: 1, 2: 2, 3: 4, 4: 5, 5: 20}
    data = pd.DataFrame(
        [(u, i) for u, n in sizes.items() for i in range(n)], columns=["user_id", "item_id"]
    )
    train, test = stratified_split(data, 0.75, filter_by="user", seed=42, cut=cut)
    assert train.groupby("user_id").size().reindex(sizes, fill_value=0).tolist() == expected
    assert len(train) + len(test) == len(data)
    assert train.merge(test).empty


def test_stratified_split_holds_out_the_largest_random_draws():
    data = pd.DataFrame({"user_id": [7, 7, 7, 7, 9, 9, 9, 9], "item_id": list("abcdabcd")})
    draw = np.random.RandomState(42).rand(len(data))
    _, test = stratified_split(data, 0.75, filter_by="user", seed=42)
    expected = {int(np.argmax(draw[:4])), 4 + int(np.argmax(draw[4:]))}
    assert set(test.index) == expected
    _, by_item = stratified_split(data, 0.5, filter_by="item", seed=42)
    assert by_item.groupby("item_id").size().tolist() == [1, 1, 1, 1]
