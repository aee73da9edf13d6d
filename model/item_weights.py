"""Item x item weight matrices for ``model.collaborative.ItemCF``: EASE in closed form (with its
ridge strength chosen on held-out interactions) and sparse item-kNN, within a memory budget."""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp
from scipy.linalg import lapack

L2_GRID = (5.0, 10.0, 20.0, 40.0, 80.0, 160.0, 320.0, 640.0, 1280.0)
FALLBACK_L2 = 500.0  # Steck's ML-20M value, used when the catalogue is too big to tune on
_BUDGET_BYTES = 256 * 1024**2  # bound of each dense block (user or item chunk)


def ease_weights(X: sp.csr_matrix, l2: float) -> np.ndarray:
    """EASE weights ``I - P / diag(P)`` with ``P = (X'X + l2 I)^-1`` (float32, zero diagonal)."""
    return _ease_from_gram((X.T @ X).toarray().astype(np.float32), l2, overwrite=True)


def _ease_from_gram(gram: np.ndarray, l2: float, overwrite: bool = False) -> np.ndarray:
    gram = gram if overwrite else gram.copy()
    gram[np.diag_indices_from(gram)] += np.float32(l2)
    chol, info = lapack.spotrf(gram, lower=False, overwrite_a=True, clean=False)
    if info != 0:
        raise np.linalg.LinAlgError(f"X'X + l2 I is not positive definite (lapack info {info})")
    inv, info = lapack.spotri(chol, lower=False, overwrite_c=True)
    if info != 0:
        raise np.linalg.LinAlgError(f"inverting X'X + l2 I failed (lapack info {info})")
    return _ease_from_inverse(np.triu(inv) + np.triu(inv, 1).T)


def _ease_from_inverse(inv: np.ndarray) -> np.ndarray:
    weights = inv / (-np.diag(inv))[None, :]
    np.fill_diagonal(weights, 0.0)
    return weights.astype(np.float32, copy=False)


def knn_weights(X: sp.csr_matrix, neighbours: int, shrink: float, alpha: float) -> sp.csr_matrix:
    """Sparse item x item similarities, the ``neighbours`` best per row, built in item chunks.

    Only co-occurring pairs are ever materialised, so memory follows the data, not items^2.
    """
    n_items = X.shape[1]
    sq = np.asarray(X.multiply(X).sum(axis=0), dtype=np.float64).ravel()
    left, right = sq**alpha, sq ** (1.0 - alpha)
    Xt = X.T.tocsr()
    rows, cols, vals = [], [], []
    step = chunk_rows(n_items, copies=4)
    for a in range(0, n_items, step):
        co = (Xt[a : a + step] @ X).tocsr()
        r = np.repeat(np.arange(co.shape[0]), np.diff(co.indptr))
        sim = (co.data / (left[a + r] * right[co.indices] + shrink)).astype(np.float32)
        sim[a + r == co.indices] = 0.0
        chosen = np.ones(len(sim), dtype=bool)
        for row in np.flatnonzero(np.diff(co.indptr) > neighbours):
            lo, hi = co.indptr[row], co.indptr[row + 1]
            best = np.argpartition(sim[lo:hi], hi - lo - neighbours)[hi - lo - neighbours :]
            chosen[lo:hi] = False
            chosen[lo + best] = True
        chosen &= sim > 0
        rows.append(a + r[chosen])
        cols.append(co.indices[chosen])
        vals.append(sim[chosen])
    return sp.csr_matrix(
        (np.concatenate(vals), (np.concatenate(rows), np.concatenate(cols))),
        shape=(n_items, n_items),
        dtype=np.float32,
    )


def select_l2(X: sp.csr_matrix, grid: tuple[float, ...], seed: int) -> float:
    """The l2 of ``grid`` with the best nDCG@10 on a random fifth of each user's items."""
    rng = np.random.default_rng(seed)
    X = X.tocoo()
    lengths = np.bincount(X.row, minlength=X.shape[0])
    held = (rng.random(X.nnz) < 0.2) & (lengths[X.row] >= 5)
    fit_part = sp.csr_matrix((X.data[~held], (X.row[~held], X.col[~held])), shape=X.shape)
    truth = sp.csr_matrix((np.ones(held.sum(), np.float32), (X.row[held], X.col[held])), shape=X.shape)
    users = np.flatnonzero(np.diff(truth.indptr) > 0)
    if len(users) < 20:  # too little to compare on: stay with the robust co-occurrence end
        return FALLBACK_L2
    users = np.sort(rng.permutation(users)[:3000])
    k = min(10, X.shape[1])
    discount = 1.0 / np.log2(np.arange(2, k + 2))
    gram = (fit_part.T @ fit_part).toarray().astype(np.float32)
    history = fit_part[users]
    r, c = history.nonzero()
    best, best_ndcg = grid[0], -1.0
    for l2 in grid:
        block = np.asarray(history @ _ease_from_gram(gram, l2))
        block[r, c] = -np.inf
        top = np.argpartition(-block, k - 1, axis=1)[:, :k]
        top = np.take_along_axis(top, np.argsort(-np.take_along_axis(block, top, 1), 1), 1)
        hits = np.asarray(truth[users][np.arange(len(users))[:, None], top].todense()) > 0
        n_true = np.minimum(np.diff(truth[users].indptr), k)
        ideal = np.cumsum(discount)[n_true - 1]
        ndcg = float(((hits * discount).sum(axis=1) / ideal).mean())
        if ndcg > best_ndcg + 1e-9:
            best, best_ndcg = l2, ndcg
    return best


def chunk_rows(n_cols: int, copies: int = 3) -> int:
    """Rows per dense float32 block of ``n_cols`` columns (``copies`` alive) within the budget."""
    return max(1, _BUDGET_BYTES // (4 * copies * max(n_cols, 1)))
