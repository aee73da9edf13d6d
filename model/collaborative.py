"""Item-to-item collaborative filtering: "which items do people with a similar history take".

``ItemCF`` learns an item x item weight matrix ``W`` from a user x item history matrix ``X``;
a user's scores are ``x_u @ W`` (fold-in), so anyone with a history, seen in ``fit`` or not,
gets scores, and unknown items in a history are ignored.

The weight solvers are in ``model.item_weights``.

- ``ease`` (Steck 2019): ``W = I - P / diag(P)``, ``P = (X'X + l2 I)^-1``, zero diagonal;
  dense float32, for catalogues up to ``max_dense_items``. ``l2="auto"`` picks l2 on a
  held-out fifth of the training interactions (nDCG@10) when the catalogue is small enough.
- ``knn``: sparse item-kNN, asymmetric cosine ``c_ij / (n_i^alpha n_j^(1-alpha) + shrink)``
  (cosine at alpha 0.5), the ``neighbours`` most similar items kept per item.
- ``popular``: scores are the number of distinct users per item (the baseline).

Values: without ``weight_col`` a pair counts once (duplicates are deduplicated); with it,
the weights of duplicate pairs are summed. Rankings break ties by popularity, so a user
with no known history is recommended the most popular items (with score 0).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd
import scipy.sparse as sp

from model.item_weights import (FALLBACK_L2, L2_GRID, chunk_rows, ease_weights, knn_weights,
                                select_l2)

METHODS = ("auto", "ease", "knn", "popular")

Progress = Callable[[str], None]


@dataclass(frozen=True)
class Scores:
    """Dense scores of users (rows) for items (columns)."""

    user_ids: pd.Index
    item_ids: pd.Index
    values: np.ndarray


class ItemCF:
    """Item-item collaborative filter (EASE or sparse item-kNN), scikit-learn style.

    Args:
        method: "auto" (EASE up to ``max_dense_items`` items, else kNN), "ease", "knn" or
            "popular".
        l2: EASE ridge strength, or "auto" to choose it from ``L2_GRID`` on held-out data.
        neighbours: kNN neighbours kept per item.
        shrink: kNN shrinkage added to the similarity denominator.
        alpha: kNN asymmetry (0.5 is cosine).
        max_dense_items: largest catalogue for "auto" to pick EASE.
        tune_max_items: largest catalogue for ``l2="auto"`` to tune; beyond it, or with fewer
            than 20 users to validate on, l2 is ``FALLBACK_L2`` (large l2 tends to plain
            co-occurrence scoring, a safe choice on little data).
        random_state: seed of the l2 hold-out.
    """

    def __init__(
        self,
        method: str = "auto",
        l2: float | str = "auto",
        neighbours: int = 100,
        shrink: float = 10.0,
        alpha: float = 0.5,
        max_dense_items: int = 8000,
        tune_max_items: int = 3000,
        random_state: int = 0,
    ) -> None:
        self.method = method
        self.l2 = l2
        self.neighbours = neighbours
        self.shrink = shrink
        self.alpha = alpha
        self.max_dense_items = max_dense_items
        self.tune_max_items = tune_max_items
        self.random_state = random_state

    def fit(
        self,
        interactions: pd.DataFrame,
        user_col: str = "user_id",
        item_col: str = "item_id",
        weight_col: str | None = None,
        on_progress: Progress | None = None,
    ) -> ItemCF:
        """Learn the item-item weights from (user, item[, weight]) rows."""
        say = on_progress or (lambda _msg: None)
        self._check_params()
        self.user_col_, self.item_col_, self.weight_col_ = user_col, item_col, weight_col
        _check_columns(interactions, [user_col, item_col] + ([weight_col] if weight_col else []))
        if len(interactions) == 0:
            raise ValueError("interactions is empty: nothing to learn from")
        self.item_ids_ = pd.Index(pd.unique(interactions[item_col].to_numpy()))
        try:
            self.item_ids_ = self.item_ids_.sort_values()
        except TypeError:  # ids of mixed types keep first-seen order
            pass
        _, X = self._history_matrix(interactions)
        self.popularity_ = np.asarray((X > 0).sum(axis=0), dtype=np.float32).ravel()
        self.pop_order_ = np.argsort(-self.popularity_, kind="stable")
        self.pop_rank_ = np.empty(len(self.item_ids_), dtype=np.int64)
        self.pop_rank_[self.pop_order_] = np.arange(len(self.item_ids_))
        n_items = X.shape[1]
        self.method_ = self.method
        if self.method == "auto":
            self.method_ = "ease" if n_items <= self.max_dense_items else "knn"
        self.l2_ = None
        if self.method_ == "ease":
            self.l2_ = float(self.l2) if self.l2 != "auto" else FALLBACK_L2
            if self.l2 == "auto" and n_items <= self.tune_max_items:
                say(f"choosing l2 on held-out interactions ({n_items:,} items)")
                self.l2_ = select_l2(X, L2_GRID, self.random_state)
            say(f"fitting EASE (l2={self.l2_:g}, {n_items:,} items)")
            self.weights_ = ease_weights(X, self.l2_)
        elif self.method_ == "knn":
            say(f"fitting item-kNN ({n_items:,} items, {self.neighbours} neighbours)")
            self.weights_ = knn_weights(X, self.neighbours, self.shrink, self.alpha)
        else:
            self.weights_ = None
        return self

    def score(self, histories: pd.DataFrame, items: list | pd.Index | None = None) -> Scores:
        """Dense scores of every user in ``histories`` for ``items`` (default: all known).

        Unknown items get 0; memory is users x items, so prefer ``recommend`` or
        ``score_pairs`` for large sets.
        """
        user_ids, X = self._history_matrix(histories)
        values = self._score_rows(X)
        if items is None:
            return Scores(user_ids, self.item_ids_, values)
        items = pd.Index(items)
        pos = self.item_ids_.get_indexer(items)
        padded = np.concatenate([values, np.zeros((len(user_ids), 1), np.float32)], axis=1)
        return Scores(user_ids, items, padded[:, pos])

    def score_pairs(self, histories: pd.DataFrame, pairs: pd.DataFrame) -> np.ndarray:
        """Scores of the (user, item) rows of ``pairs``, in their order (float32).

        Users absent from ``histories`` are scored as users with no history; unknown items 0.
        """
        _check_columns(pairs, [self.user_col_, self.item_col_], "pairs")
        user_ids, X = self._history_matrix(histories)
        X = sp.vstack([X, sp.csr_matrix((1, X.shape[1]), dtype=np.float32)], format="csr")
        rows = user_ids.get_indexer(pairs[self.user_col_].to_numpy())
        rows[rows < 0] = X.shape[0] - 1
        cols = self.item_ids_.get_indexer(pairs[self.item_col_].to_numpy())
        out = np.zeros(len(pairs), dtype=np.float32)
        order = np.argsort(rows, kind="stable")
        uniq, starts = np.unique(rows[order], return_index=True)
        bounds = np.append(starts, len(order))
        step = chunk_rows(X.shape[1])
        for a in range(0, len(uniq), step):
            block = self._score_rows(X[uniq[a : a + step]])
            sel = order[bounds[a] : bounds[min(a + step, len(uniq))]]
            local = np.searchsorted(uniq[a : a + step], rows[sel])
            known = cols[sel] >= 0
            out[sel[known]] = block[local[known], cols[sel][known]]
        return out

    def recommend(
        self,
        histories: pd.DataFrame,
        k: int = 10,
        exclude_seen: bool = True,
        on_progress: Progress | None = None,
    ) -> pd.DataFrame:
        """Top-``k`` items per user of ``histories``: columns user, item, rank (1..k), score."""
        if k < 1:
            raise ValueError(f"k must be at least 1, got {k}")
        say = on_progress or (lambda _msg: None)
        user_ids, X = self._history_matrix(histories)
        n_users, n_items = X.shape
        k_eff = min(k, n_items)
        step = chunk_rows(n_items)
        users, items, ranks, scores = [], [], [], []
        for a in range(0, n_users, step):
            say(f"recommending: {a:,}/{n_users:,} users")
            block_x = X[a : a + step]
            if self.method_ == "ease":
                block = self._score_rows(block_x)
                if exclude_seen:
                    r, c = block_x.nonzero()
                    block[r, c] = -np.inf
                top = _top_k(block, k_eff, self.pop_rank_)
                vals = np.take_along_axis(block, top, axis=1)
            else:
                top, vals = self._top_k_sparse(block_x, k_eff, exclude_seen)
            keep = np.isfinite(vals)
            users.append(np.repeat(np.arange(a, a + len(top)), keep.sum(axis=1)))
            items.append(top[keep])
            ranks.append(np.broadcast_to(np.arange(1, k_eff + 1), top.shape)[keep])
            scores.append(vals[keep])
        say(f"recommending: {n_users:,}/{n_users:,} users")
        cat = (lambda parts, dt: np.concatenate(parts) if parts else np.empty(0, dt))
        return pd.DataFrame(
            {
                self.user_col_: user_ids[cat(users, np.int64)],
                self.item_col_: self.item_ids_[cat(items, np.int64)],
                "rank": cat(ranks, np.int64),
                "score": cat(scores, np.float32),
            }
        )

    def _top_k_sparse(
        self, X: sp.csr_matrix, k: int, exclude_seen: bool
    ) -> tuple[np.ndarray, np.ndarray]:
        """Top k of non-negative sparse scores (kNN, popular): the stored scores first, then
        the most popular of the rest; one row at a time, so no users x items block."""
        if self.method_ == "knn":
            S = (X @ self.weights_).tocsr()
            if exclude_seen:
                S = S - S.multiply(X.astype(bool))
            S.eliminate_zeros()
        else:
            S = sp.csr_matrix(X.shape, dtype=np.float32)
        top = np.full((X.shape[0], k), -1, dtype=np.int64)
        vals = np.full((X.shape[0], k), -np.inf, dtype=np.float32)
        for row in np.flatnonzero(np.diff(S.indptr)):
            cols, v = S.indices[S.indptr[row] : S.indptr[row + 1]], S.data[S.indptr[row] : S.indptr[row + 1]]
            if len(v) > k:  # everything tied with the k-th value competes on popularity
                kth = -np.partition(-v, k - 1)[k - 1]
                cols, v = cols[v >= kth], v[v >= kth]
            order = np.lexsort((self.pop_rank_[cols], -v))[:k]
            top[row, : len(order)], vals[row, : len(order)] = cols[order], v[order]
        self._fill_by_popularity(top, vals, X if exclude_seen else None)
        if self.method_ == "popular":
            filled = top >= 0
            vals[filled] = self.popularity_[top[filled]]
        return top, vals

    def _fill_by_popularity(self, top: np.ndarray, vals: np.ndarray, seen: sp.csr_matrix | None) -> None:
        """Complete rows with fewer than k picks (marked -1) with the most popular items
        neither picked nor seen, score 0; vectorised over rows."""
        k = top.shape[1]
        n_top = (top >= 0).sum(axis=1)
        rows = np.flatnonzero(n_top < k)
        if not len(rows):
            return
        taken_r, taken_c = np.nonzero(top[rows] >= 0)
        taken = [(taken_r, top[rows][taken_r, taken_c])]
        if seen is not None:
            sub = seen[rows].tocoo()
            taken.append((sub.row, sub.col))
        t_row = np.concatenate([t[0] for t in taken]).astype(np.int64)
        t_rank = self.pop_rank_[np.concatenate([t[1] for t in taken]).astype(np.int64)]
        width = min(k + int(np.bincount(t_row, minlength=len(rows)).max(initial=0)), len(self.pop_rank_))
        free = np.ones((len(rows), width), dtype=bool)
        inside = t_rank < width
        free[t_row[inside], t_rank[inside]] = False
        slot = np.cumsum(free, axis=1) - 1 + n_top[rows][:, None]
        pick = free & (slot < k)
        r, c = np.nonzero(pick)
        top[rows[r], slot[r, c]] = self.pop_order_[c]
        vals[rows[r], slot[r, c]] = 0.0

    def _check_params(self) -> None:
        if self.method not in METHODS:
            raise ValueError(f"method must be one of {METHODS}, got {self.method!r}")
        if self.l2 != "auto" and not (isinstance(self.l2, (int, float)) and self.l2 > 0):
            raise ValueError(f"l2 must be a positive number or 'auto', got {self.l2!r}")
        if self.neighbours < 1 or self.shrink < 0 or not 0 <= self.alpha <= 1:
            raise ValueError("need neighbours >= 1, shrink >= 0 and 0 <= alpha <= 1")

    def _history_matrix(self, histories: pd.DataFrame) -> tuple[pd.Index, sp.csr_matrix]:
        """Users of ``histories`` (sorted) and their user x item matrix."""
        weight_col = self.weight_col_
        _check_columns(
            histories, [self.user_col_, self.item_col_] + ([weight_col] if weight_col else [])
        )
        try:  # sorted users make results independent of row order
            codes, user_ids = pd.factorize(histories[self.user_col_].to_numpy(), sort=True)
        except TypeError:  # ids of mixed types cannot be sorted
            codes, user_ids = pd.factorize(histories[self.user_col_].to_numpy(), sort=False)
        cols = self.item_ids_.get_indexer(histories[self.item_col_].to_numpy())
        known = (cols >= 0) & (codes >= 0)
        if weight_col:
            values = pd.to_numeric(histories[weight_col], errors="coerce").to_numpy(np.float32)
            if not np.isfinite(values).all():
                raise ValueError(f"column {weight_col!r} has missing or non-numeric values")
            values = values[known]
        else:
            values = np.ones(int(known.sum()), dtype=np.float32)
        X = sp.csr_matrix(
            (values, (codes[known], cols[known])),
            shape=(len(user_ids), len(self.item_ids_)),
            dtype=np.float32,
        )
        X.sum_duplicates()
        if not weight_col:
            X.data[:] = 1.0
        return pd.Index(user_ids), X

    def _score_rows(self, X: sp.csr_matrix) -> np.ndarray:
        if self.method_ == "popular":
            return np.tile(self.popularity_, (X.shape[0], 1))
        out = X @ self.weights_
        out = out.toarray() if sp.issparse(out) else np.asarray(out)
        return out.astype(np.float32, copy=False)


def fit_recommend(
    interactions: pd.DataFrame,
    k: int = 10,
    *,
    user_col: str = "user_id",
    item_col: str = "item_id",
    weight_col: str | None = None,
    on_progress: Progress | None = None,
    **params,
) -> pd.DataFrame:
    """Fit ``ItemCF(**params)`` on ``interactions`` and recommend k unseen items to each user."""
    recommender = ItemCF(**params).fit(interactions, user_col, item_col, weight_col, on_progress)
    return recommender.recommend(interactions, k=k, on_progress=on_progress)


def _top_k(block: np.ndarray, k: int, pop_rank: np.ndarray) -> np.ndarray:
    """Column indices of the k best per row, by score then popularity (deterministic)."""
    n = block.shape[1]
    top = np.argpartition(-block, k - 1, axis=1)[:, :k] if k < n else np.tile(np.arange(n), (len(block), 1))
    vals = np.take_along_axis(block, top, axis=1)
    kth = vals.min(axis=1)
    # ties at the k-th value: choose among the tied items by popularity, not by position
    tied_all = (block == kth[:, None]).sum(axis=1)
    tied_top = (vals == kth[:, None]).sum(axis=1)
    for r in np.flatnonzero((tied_all > tied_top) & np.isfinite(kth)):
        above = np.flatnonzero(block[r] > kth[r])
        tied = np.flatnonzero(block[r] == kth[r])
        tied = tied[np.argsort(pop_rank[tied], kind="stable")][: k - len(above)]
        top[r] = np.concatenate([above, tied])
    vals = np.take_along_axis(block, top, axis=1)
    order = np.lexsort((pop_rank[top], -vals), axis=1)
    return np.take_along_axis(top, order, axis=1)


def _check_columns(frame: pd.DataFrame, columns: list[str], name: str = "interactions") -> None:
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise ValueError(
            f"{name} is missing column(s) {missing}; it has {list(frame.columns)}"
        )
