"""Item weight solvers against their textbook definitions, on small random matrices."""

import numpy as np
import scipy.sparse as sp

from model.item_weights import (_BUDGET_BYTES, FALLBACK_L2, L2_GRID, chunk_rows, ease_weights,
                                knn_weights, select_l2)


def _random(users: int, items: int, fill: float, seed: int = 0) -> sp.csr_matrix:
    rng = np.random.default_rng(seed)
    return sp.csr_matrix((rng.random((users, items)) < fill).astype(np.float32))


def test_ease_is_one_minus_p_over_its_diagonal():
    X, l2 = _random(50, 12, 0.3), 4.0
    P = np.linalg.inv(X.T.toarray() @ X.toarray() + l2 * np.eye(12))
    expected = np.eye(12) - P / np.diag(P)[None, :]
    W = ease_weights(X, l2)
    assert W.dtype == np.float32 and np.all(np.diag(W) == 0)
    np.testing.assert_allclose(W, expected, atol=1e-4)


def test_knn_keeps_the_best_neighbours_of_each_item_by_cosine():
    X = _random(80, 15, 0.25, seed=1)
    W = knn_weights(X, neighbours=3, shrink=0.0, alpha=0.5).toarray()
    dense = X.toarray().astype(float)
    norms = np.sqrt((dense**2).sum(axis=0))
    cosine = (dense.T @ dense) / np.outer(norms, norms)
    np.fill_diagonal(cosine, 0.0)
    assert np.all(np.diag(W) == 0) and ((W != 0).sum(axis=1) <= 3).all()
    for i in range(15):
        kept = np.flatnonzero(W[i])
        np.testing.assert_allclose(W[i, kept], cosine[i, kept], rtol=1e-5)
        # Nothing left out is more similar than what was kept.
        assert cosine[i, np.setdiff1d(np.arange(15), kept)].max() <= W[i, kept].min() + 1e-6


def test_l2_comes_from_the_grid_or_falls_back_with_too_few_users():
    assert select_l2(_random(300, 20, 0.3, seed=2), L2_GRID, seed=0) in L2_GRID
    assert select_l2(_random(10, 20, 0.3, seed=3), L2_GRID, seed=0) == FALLBACK_L2


def test_blocks_stay_within_the_memory_budget():
    for cols, copies in ((10, 3), (5_000, 4), (10**9, 3)):
        rows = chunk_rows(cols, copies)
        assert rows >= 1
        assert rows == 1 or rows * cols * 4 * copies <= _BUDGET_BYTES
