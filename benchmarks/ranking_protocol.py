"""The Microsoft Recommenders ranking protocol: stratified split and top-k metrics.

Written to the definitions of ``recommenders.datasets.python_splitters.python_stratified_split``
and ``recommenders/evaluation/python_evaluation.py`` (``precision_at_k``, ``recall_at_k``,
``ndcg_at_k``, ``map``), so numbers are comparable with the published benchmark tables:

- the split draws ``RandomState(seed).rand(n)`` in row order, ranks each group's rows by that
  draw, and keeps ``rank <= round_half_even(ratio * count)`` in train (``cut="round"``, as
  in recommenders 1.2.1 on PyPI, checked against it row for row) or ``rank / count <= ratio``
  (``cut="fraction"``, an other revision of the same function on GitHub);
- precision, recall and MAP average over the users present in both truth and predictions;
  nDCG averages over every user of the truth (users without a hit count as 0);
- MAP divides each user's sum of precisions at the hits by the number of relevant items
  (not by ``min(relevant, k)``); nDCG uses natural-log discounts and relevance from the truth.
"""

from __future__ import annotations

import numpy as np
import pandas as pd


def stratified_split(
    data: pd.DataFrame,
    ratio: float = 0.75,
    filter_by: str = "user",
    seed: int = 42,
    user_col: str = "user_id",
    item_col: str = "item_id",
    cut: str = "round",
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Random split within each user (or item): about ``ratio`` of each group's rows to train."""
    if cut not in ("round", "fraction"):
        raise ValueError(f"cut must be 'round' or 'fraction', got {cut!r}")
    if filter_by not in ("user", "item"):
        raise ValueError(f"filter_by must be 'user' or 'item', got {filter_by!r}")
    if not 0 < ratio < 1:
        raise ValueError(f"ratio must be between 0 and 1, got {ratio}")
    group = user_col if filter_by == "user" else item_col
    for col in (user_col, item_col):
        if col not in data.columns:
            raise ValueError(f"data is missing column {col!r}")
    draw = np.random.RandomState(seed).rand(len(data))
    order = np.lexsort((draw, data[group].to_numpy()))
    ordered = data.iloc[order]
    groups = ordered.groupby(group, sort=False)[group]
    rank = (groups.cumcount() + 1).to_numpy()
    count = groups.transform("count").to_numpy()
    in_train = rank <= np.round(ratio * count) if cut == "round" else rank / count <= ratio
    return ordered[in_train], ordered[~in_train]


def top_k(
    predictions: pd.DataFrame, k: int, user_col: str = "user_id", score_col: str = "score"
) -> pd.DataFrame:
    """The k best-scored rows per user with their rank (1..k); ties keep the input order."""
    ranked = predictions.sort_values(
        [user_col, score_col], ascending=[True, False], kind="mergesort"
    )
    ranked = ranked.groupby(user_col, sort=False).head(k).copy()
    ranked["rank"] = ranked.groupby(user_col, sort=False).cumcount() + 1
    return ranked


def _hits(
    truth: pd.DataFrame, predictions: pd.DataFrame, k: int, user_col: str, item_col: str,
    score_col: str,
) -> tuple[pd.DataFrame, pd.Series, int]:
    """Hit rows (user, item, rank), relevant counts of common users, and their number."""
    for frame, name, cols in (
        (truth, "truth", (user_col, item_col)),
        (predictions, "predictions", (user_col, item_col, score_col)),
    ):
        missing = [c for c in cols if c not in frame.columns]
        if missing:
            raise ValueError(f"{name} is missing column(s) {missing}")
    common = np.intersect1d(truth[user_col].unique(), predictions[user_col].unique())
    truth_c = truth[truth[user_col].isin(common)]
    ranked = top_k(predictions[predictions[user_col].isin(common)], k, user_col, score_col)
    hits = ranked[[user_col, item_col, "rank"]].merge(truth_c[[user_col, item_col]])
    actual = truth_c.groupby(user_col).size()
    return hits, actual, len(common)


def precision_at_k(truth, predictions, k=10, user_col="user_id", item_col="item_id",
                   score_col="score") -> float:
    """Mean over common users of hits / k."""
    hits, _, n_users = _hits(truth, predictions, k, user_col, item_col, score_col)
    return float(len(hits) / k / n_users) if len(hits) else 0.0


def recall_at_k(truth, predictions, k=10, user_col="user_id", item_col="item_id",
                score_col="score") -> float:
    """Mean over common users of hits / relevant."""
    hits, actual, n_users = _hits(truth, predictions, k, user_col, item_col, score_col)
    if not len(hits):
        return 0.0
    per_user = hits.groupby(user_col).size()
    return float((per_user / actual.loc[per_user.index]).sum() / n_users)


def map_at_relevant(truth, predictions, k=10, user_col="user_id", item_col="item_id",
                    score_col="score") -> float:
    """Recommenders' ``map``: mean over common users of (sum of precision at each hit) / relevant."""
    hits, actual, n_users = _hits(truth, predictions, k, user_col, item_col, score_col)
    if not len(hits):
        return 0.0
    hits = hits.sort_values([user_col, "rank"])
    precision_at_hit = (hits.groupby(user_col).cumcount() + 1) / hits["rank"]
    per_user = precision_at_hit.groupby(hits[user_col]).sum()
    return float((per_user / actual.loc[per_user.index]).sum() / n_users)


def ndcg_at_k(truth, predictions, k=10, user_col="user_id", item_col="item_id",
              score_col="score", rating_col: str | None = None, score_type="binary") -> float:
    """Mean over the truth's users of DCG / ideal DCG, discount ``1 / ln(1 + rank)``.

    ``score_type`` "binary" (every truth row has relevance 1), "raw" (the truth's
    ``rating_col``) or "exp" (``2 ** rating - 1``); the ideal order sorts by the rating.
    """
    hits, _, _ = _hits(truth, predictions, k, user_col, item_col, score_col)
    if not len(hits):
        return 0.0
    if score_type == "binary":
        rel = pd.Series(1.0, index=truth.index)
    elif score_type in ("raw", "exp") and rating_col in truth.columns:
        rating = truth[rating_col].astype(float)
        rel = rating if score_type == "raw" else 2.0**rating - 1.0
    else:
        raise ValueError("score_type must be 'binary', or 'raw'/'exp' with a rating_col of truth")
    rated = truth[[user_col, item_col]].assign(rel=rel.to_numpy())
    if rating_col is not None and rating_col in truth.columns:
        rated["_order"] = truth[rating_col].to_numpy()
    else:
        rated["_order"] = 1.0
    gained = hits.merge(rated, on=[user_col, item_col])
    dcg = (gained["rel"] / np.log1p(gained["rank"])).groupby(gained[user_col]).sum()
    ideal = rated.sort_values([user_col, "_order"], ascending=[True, False], kind="mergesort")
    ideal = ideal.groupby(user_col, sort=False).head(k)
    irank = ideal.groupby(user_col, sort=False).cumcount() + 1
    idcg = (ideal["rel"] / np.log1p(irank)).groupby(ideal[user_col]).sum()
    per_user = dcg.reindex(idcg.index, fill_value=0.0) / idcg
    return float(per_user.mean())


def evaluate(truth: pd.DataFrame, predictions: pd.DataFrame, k: int = 10, **cols) -> dict[str, float]:
    """MAP, nDCG@k, Precision@k and Recall@k as the Recommenders benchmark reports them."""
    return {
        "map": map_at_relevant(truth, predictions, k, **cols),
        f"ndcg@{k}": ndcg_at_k(truth, predictions, k, **cols),
        f"precision@{k}": precision_at_k(truth, predictions, k, **cols),
        f"recall@{k}": recall_at_k(truth, predictions, k, **cols),
    }
