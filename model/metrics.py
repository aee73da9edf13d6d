"""Evaluation metrics as pure functions over (truth, prediction) frames and probability arrays.

Ranking metrics take ``truth`` (one row per relevant user-item pair) and ``ranked`` (one row per
recommended user-item pair with a 1-based ``rank``), both keyed by ``user_col``/``item_col``, and
average over the users present in ``truth``; a user with no recommendation scores 0.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.metrics import average_precision_score, brier_score_loss, roc_auc_score


def _check(frame: pd.DataFrame, cols: list[str], name: str) -> None:
    missing = [c for c in cols if c not in frame.columns]
    if missing:
        raise ValueError(f"{name} lacks columns {missing}")


def _hits(truth: pd.DataFrame, ranked: pd.DataFrame, k: int, user_col: str, item_col: str):
    _check(truth, [user_col, item_col], "truth")
    _check(ranked, [user_col, item_col, "rank"], "ranked")
    top = ranked[ranked["rank"] <= k]
    rel = truth[[user_col, item_col]].drop_duplicates().assign(_rel=1)
    merged = top.merge(rel, on=[user_col, item_col], how="left").fillna({"_rel": 0})
    n_rel = rel.groupby(user_col).size()
    return merged, n_rel


def ranking_metrics(truth: pd.DataFrame, ranked: pd.DataFrame, k: int = 10,
                    user_col: str = "user_id", item_col: str = "item_id") -> dict[str, float]:
    """NDCG@k, Recall@k, Precision@k and MAP@k (binary relevance), averaged over truth users.

    MAP@k divides each user's sum of precisions at hits by min(k, number of relevant items).
    """
    merged, n_rel = _hits(truth, ranked, k, user_col, item_col)
    users = n_rel.index
    merged = merged[merged[user_col].isin(users)].sort_values([user_col, "rank"])
    gain = merged["_rel"].to_numpy() / np.log2(merged["rank"].to_numpy() + 1)
    dcg = pd.Series(gain, index=merged.index).groupby(merged[user_col]).sum().reindex(users).fillna(0)
    ideal_n = np.minimum(n_rel.to_numpy(), k)
    disc = 1.0 / np.log2(np.arange(2, k + 2))
    idcg = np.array([disc[:n].sum() for n in ideal_n])
    hits = merged.groupby(user_col)["_rel"].sum().reindex(users).fillna(0)
    cum = merged.groupby(user_col)["_rel"].cumsum()
    prec_at = cum / merged["rank"]
    ap = (prec_at * merged["_rel"]).groupby(merged[user_col]).sum().reindex(users).fillna(0)
    return {
        f"ndcg@{k}": float(np.mean(dcg.to_numpy() / idcg)),
        f"recall@{k}": float(np.mean(hits.to_numpy() / n_rel.to_numpy())),
        f"precision@{k}": float(np.mean(hits.to_numpy() / k)),
        f"map@{k}": float(np.mean(ap.to_numpy() / ideal_n)),
    }


def graded_ndcg(candidates: pd.DataFrame, gains: np.ndarray, ranked: pd.DataFrame, k: int = 10,
                user_col: str = "user_id", item_col: str = "item_id") -> float:
    """NDCG@k with a graded gain known for every candidate (e.g. the synthetic truth's benefit):
    each user's DCG of ``ranked`` over the DCG of their ``k`` best candidates by gain, averaged
    over the users of ``candidates`` with a positive best gain."""
    _check(candidates, [user_col, item_col], "candidates")
    _check(ranked, [user_col, item_col, "rank"], "ranked")
    cand = candidates[[user_col, item_col]].assign(_g=np.asarray(gains, dtype=float))
    disc = 1.0 / np.log2(np.arange(2, k + 2))
    best = cand.sort_values([user_col, "_g"], ascending=[True, False])
    best["_r"] = best.groupby(user_col).cumcount()
    best = best[best["_r"] < k]
    idcg = (best["_g"].to_numpy() * disc[best["_r"].to_numpy()])
    idcg = pd.Series(idcg).groupby(best[user_col].to_numpy()).sum()
    top = ranked[ranked["rank"] <= k].merge(cand, on=[user_col, item_col], how="left")
    dcg = pd.Series(top["_g"].fillna(0).to_numpy() * disc[top["rank"].to_numpy() - 1])
    dcg = dcg.groupby(top[user_col].to_numpy()).sum().reindex(idcg.index).fillna(0)
    users = idcg.to_numpy() > 0
    return float(np.mean(dcg.to_numpy()[users] / idcg.to_numpy()[users])) if users.any() else float("nan")


def catalogue_coverage(ranked: pd.DataFrame, n_items: int, k: int = 10,
                       item_col: str = "item_id") -> float:
    """Share of the catalogue that appears in at least one top-k list."""
    _check(ranked, [item_col, "rank"], "ranked")
    return float(ranked.loc[ranked["rank"] <= k, item_col].nunique() / max(n_items, 1))


def expected_calibration_error(y: np.ndarray, p: np.ndarray, bins: int = 10) -> float:
    """ECE with equal-width bins: the weighted mean |observed rate - mean prediction|."""
    y, p = np.asarray(y, dtype=float), np.asarray(p, dtype=float)
    if len(y) == 0:
        raise ValueError("no predictions to calibrate")
    idx = np.minimum((p * bins).astype(int), bins - 1)
    err = 0.0
    for b in range(bins):
        m = idx == b
        if m.any():
            err += m.mean() * abs(y[m].mean() - p[m].mean())
    return float(err)


def reliability_curve(y: np.ndarray, p: np.ndarray, bins: int = 10) -> pd.DataFrame:
    """Per bin: mean prediction, observed rate and count (for a reliability plot)."""
    y, p = np.asarray(y, dtype=float), np.asarray(p, dtype=float)
    idx = np.minimum((p * bins).astype(int), bins - 1)
    frame = pd.DataFrame({"bin": idx, "y": y, "p": p})
    out = frame.groupby("bin").agg(mean_predicted=("p", "mean"), observed=("y", "mean"),
                                   count=("y", "size")).reset_index()
    return out


def probability_metrics(y: np.ndarray, p: np.ndarray) -> dict[str, float]:
    """ROC-AUC, PR-AUC, Brier score and ECE of probability predictions."""
    y, p = np.asarray(y), np.asarray(p)
    both = len(np.unique(y)) > 1
    return {
        "roc_auc": float(roc_auc_score(y, p)) if both else float("nan"),
        "pr_auc": float(average_precision_score(y, p)) if both else float("nan"),
        "brier": float(brier_score_loss(y, p)),
        "ece": expected_calibration_error(y, p),
        "base_rate": float(np.mean(y)),
        "n": int(len(y)),
    }
