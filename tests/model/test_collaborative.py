"""ItemCF: EASE closed form, kNN neighbours, fold-in, recommendations and their invariants."""

from __future__ import annotations

import pickle

import numpy as np
import pandas as pd
import pytest

from model.collaborative import L2_GRID, ItemCF


def _frame(pairs: list[tuple]) -> pd.DataFrame:
    return pd.DataFrame(pairs, columns=["user_id", "item_id"])


@pytest.fixture
def random_history() -> pd.DataFrame:
    """60 users x 25 items, about 30% filled, items named i00..i24."""
    rng = np.random.default_rng(7)
    u, i = np.nonzero(rng.random((60, 25)) < 0.3)
    return pd.DataFrame({"user_id": [f"u{x}" for x in u], "item_id": [f"i{x:02d}" for x in i]})


@pytest.fixture
def clustered_history() -> pd.DataFrame:
    """Two tastes: users 0-99 take items 0-19, users 100-199 items 20-39, plus noise."""
    rng = np.random.default_rng(3)
    rows = []
    for user in range(200):
        own = np.arange(20) + (0 if user < 100 else 20)
        rows += [(user, int(x)) for x in rng.choice(own, 8, replace=False)]
        rows += [(user, int(x)) for x in rng.choice(40, 2, replace=False)]
    return _frame(rows).drop_duplicates()


def test_ease_matches_per_column_ridge_regression(random_history):
    l2 = 3.0
    recommender = ItemCF(method="ease", l2=l2).fit(random_history)
    X = pd.crosstab(random_history.user_id, random_history.item_id).to_numpy(float)
    n = X.shape[1]
    # EASE column j is the ridge regression of item j on all other items (Steck 2019, eq. 1)
    for j in range(n):
        others = [c for c in range(n) if c != j]
        A = X[:, others]
        expected = np.linalg.solve(A.T @ A + l2 * np.eye(n - 1), A.T @ X[:, j])
        np.testing.assert_allclose(recommender.weights_[others, j], expected, atol=1e-4)
        assert recommender.weights_[j, j] == 0.0
    assert recommender.weights_.dtype == np.float32


def test_knn_neighbours_on_a_toy_matrix():
    history = _frame([(1, "a"), (1, "b"), (2, "a"), (2, "b"), (3, "a"), (3, "c"), (4, "d")])
    recommender = ItemCF(method="knn", neighbours=1, shrink=0.0).fit(history)
    W = recommender.weights_.toarray()
    # cos(a,b) = 2 / sqrt(3 * 2); cos(a,c) = 1 / sqrt(3); b-c and anything-d never co-occur
    expected = np.zeros((4, 4))
    expected[0, 1] = expected[1, 0] = 2 / np.sqrt(6)
    expected[2, 0] = 1 / np.sqrt(3)
    np.testing.assert_allclose(W, expected, rtol=1e-6)
    shrunk = ItemCF(method="knn", neighbours=3, shrink=1.0).fit(history).weights_.toarray()
    assert shrunk[0, 1] == pytest.approx(2 / (np.sqrt(6) + 1), rel=1e-6)
    assert shrunk[0, 2] == pytest.approx(1 / (np.sqrt(3) + 1), rel=1e-6)


@pytest.mark.parametrize("method", ["ease", "knn", "popular"])
def test_recommendations_never_repeat_history(random_history, method):
    recs = ItemCF(method=method, l2=10.0).fit(random_history).recommend(random_history, k=5)
    seen = recs.merge(random_history, on=["user_id", "item_id"])
    assert seen.empty
    assert (recs.groupby("user_id").size() == 5).all()
    assert recs.groupby("user_id")["rank"].apply(list).map(lambda r: r == [1, 2, 3, 4, 5]).all()
    assert (recs.groupby("user_id")["score"].diff().dropna() <= 0).all()


@pytest.mark.parametrize(
    ("method", "params"), [("ease", {"l2": 10.0}), ("knn", {"neighbours": 2}), ("popular", {})]
)
def test_recommend_equals_brute_force_ranking_of_scores(random_history, method, params):
    """Sort every unseen item by (score desc, popularity desc): the chunked top-k must agree."""
    recommender = ItemCF(method=method, **params).fit(random_history)
    histories = pd.concat([random_history, _frame([("cold", "i00"), ("cold", "not-an-item")])])
    histories = histories[~((histories.user_id == "cold") & (histories.item_id == "i00"))]
    scores = recommender.score(histories)
    values = scores.values if method != "popular" else np.tile(
        recommender.popularity_, (len(scores.user_ids), 1)
    )
    got = recommender.recommend(histories, k=6)
    for row, user in enumerate(scores.user_ids):
        seen = recommender.item_ids_.get_indexer(histories[histories.user_id == user].item_id)
        unseen = np.setdiff1d(np.arange(len(recommender.item_ids_)), seen[seen >= 0])
        order = unseen[np.lexsort((recommender.pop_rank_[unseen], -values[row, unseen]))][:6]
        mine = got[got.user_id == user]
        assert list(mine.item_id) == list(recommender.item_ids_[order]), user
        np.testing.assert_allclose(mine.score, values[row, order], rtol=1e-6)


def test_fewer_unseen_items_than_k():
    history = _frame([(1, "a"), (1, "b"), (2, "a"), (2, "c")])
    recs = ItemCF(method="ease", l2=1.0).fit(history).recommend(history, k=10)
    assert sorted(recs[recs.user_id == 1].item_id) == ["c"]
    assert sorted(recs[recs.user_id == 2].item_id) == ["b"]


def test_fold_in_scores_new_users_from_their_history(random_history):
    recommender = ItemCF(method="ease", l2=10.0).fit(random_history)
    newcomers = _frame([("new", "i03"), ("new", "i07"), ("new", "unknown-item"), ("cold", "zzz")])
    scores = recommender.score(newcomers)
    row = list(scores.user_ids).index("new")
    cols = recommender.item_ids_.get_indexer(["i03", "i07"])
    expected = recommender.weights_[cols].sum(axis=0)
    np.testing.assert_allclose(scores.values[row], expected, rtol=1e-5)
    assert not scores.values[list(scores.user_ids).index("cold")].any()
    recs = recommender.recommend(newcomers, k=3)
    most_popular = recommender.item_ids_[np.argsort(-recommender.popularity_, kind="stable")[:3]]
    assert list(recs[recs.user_id == "cold"].item_id) == list(most_popular)
    assert not recs[recs.user_id == "new"].item_id.isin(["i03", "i07"]).any()


def test_score_pairs_agrees_with_score(random_history):
    recommender = ItemCF(method="knn", neighbours=5).fit(random_history)
    full = recommender.score(random_history)
    rng = np.random.default_rng(0)
    users = rng.choice(full.user_ids, 300)
    items = rng.choice(recommender.item_ids_, 300)
    pairs = pd.DataFrame({"user_id": users, "item_id": items})
    pairs.loc[len(pairs)] = ["stranger", "i01"]
    pairs.loc[len(pairs)] = [users[0], "not-an-item"]
    got = recommender.score_pairs(random_history, pairs)
    rows = full.user_ids.get_indexer(users)
    cols = recommender.item_ids_.get_indexer(items)
    np.testing.assert_allclose(got[:300], full.values[rows, cols], rtol=1e-6)
    assert got[300] == 0.0 and got[301] == 0.0
    assert got.dtype == np.float32


def test_same_data_in_any_row_order_gives_the_same_recommendations(random_history):
    first = ItemCF().fit(random_history).recommend(random_history, k=4)
    shuffled = random_history.sample(frac=1.0, random_state=1)
    second = ItemCF().fit(shuffled).recommend(shuffled, k=4)
    key = ["user_id", "rank"]
    pd.testing.assert_frame_equal(
        first.sort_values(key).reset_index(drop=True), second.sort_values(key).reset_index(drop=True)
    )


def test_pickle_round_trip(random_history):
    recommender = ItemCF(method="knn", neighbours=4).fit(random_history)
    restored = pickle.loads(pickle.dumps(recommender))
    pd.testing.assert_frame_equal(
        recommender.recommend(random_history, k=3), restored.recommend(random_history, k=3)
    )


def test_weights_of_duplicate_pairs_are_summed_and_plain_duplicates_count_once():
    base = pd.DataFrame({"user_id": [1, 1, 2, 2, 3], "item_id": ["a", "b", "a", "c", "b"],
                         "weight": [2.0, 1.0, 1.0, 1.0, 1.0]})
    split = pd.concat([base.assign(weight=[1.0, 1.0, 1.0, 1.0, 1.0]), base.iloc[[0]].assign(weight=1.0)])
    one = ItemCF(method="ease", l2=1.0).fit(base, weight_col="weight")
    two = ItemCF(method="ease", l2=1.0).fit(split, weight_col="weight")
    np.testing.assert_allclose(one.weights_, two.weights_, rtol=1e-6)
    plain = ItemCF(method="ease", l2=1.0).fit(base[["user_id", "item_id"]])
    doubled = ItemCF(method="ease", l2=1.0).fit(pd.concat([base, base])[["user_id", "item_id"]])
    np.testing.assert_allclose(plain.weights_, doubled.weights_, rtol=1e-6)


def test_auto_l2_and_ease_beat_popularity_on_clustered_data(clustered_history):
    rng = np.random.default_rng(0)
    test_mask = rng.random(len(clustered_history)) < 0.2
    train, test = clustered_history[~test_mask], clustered_history[test_mask]
    recommender = ItemCF().fit(train)
    assert recommender.method_ == "ease" and recommender.l2_ in L2_GRID

    def hits(recs: pd.DataFrame) -> int:
        return len(recs.merge(test, on=["user_id", "item_id"]))

    popular = ItemCF(method="popular").fit(train).recommend(train, k=5)
    assert hits(recommender.recommend(train, k=5)) > 1.5 * hits(popular)


def test_auto_method_switches_to_knn_for_large_catalogues(random_history):
    assert ItemCF(max_dense_items=10).fit(random_history).method_ == "knn"
    assert ItemCF().fit(random_history).method_ == "ease"


def test_clear_errors_on_bad_input(random_history):
    with pytest.raises(ValueError, match="missing column.*'item_id'"):
        ItemCF().fit(random_history.rename(columns={"item_id": "program"}))
    with pytest.raises(ValueError, match="method must be one of"):
        ItemCF(method="svd").fit(random_history)
    with pytest.raises(ValueError, match="empty"):
        ItemCF().fit(random_history.iloc[:0])
    recommender = ItemCF().fit(random_history)
    with pytest.raises(ValueError, match="pairs is missing"):
        recommender.score_pairs(random_history, pd.DataFrame({"user_id": ["u1"]}))
    with pytest.raises(ValueError, match="k must be at least 1"):
        recommender.recommend(random_history, k=0)
