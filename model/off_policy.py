"""Off-policy evaluation: what a ranking would have achieved, corrected for what HR was shown.

Once HR follows the model, a quarter's completions are partly the model's own suggestions: the
plain offline metric rewards any ranking that resembles the one that was shown (its echo). The
exposure log (``service.exposure``) records each shown program with its propensity, the
probability it was shown in that list (1 for the model's own slots, small for the slots explored
at random, ``model.exploration``). The estimators here judge a target ranking only on the pairs
that were shown, each weighed by the inverse of its propensity:

- ``ips``: inverse propensity scoring with clipping, the mean over people of
  ``sum(reward * min(1 / propensity, max_weight)) / k`` over their shown pairs in the target's
  top k. Unbiased without clipping when every pair the target ranks has a positive propensity;
  the clip bounds the variance that small propensities bring, at a small downward bias.
- ``snips``: self-normalised, ``sum(reward * w) / sum(w)`` over the same pairs: the estimated
  completion rate of the target's suggestions had they been shown. It is the one to read: it
  does not depend on how many of the target's pairs the log happens to cover, and its variance
  stays small when exploration is rare. Both are reported so the two can be compared.
- ``support``: the share of the target's top-k pairs that were shown at all. Far below 1 means
  the log cannot speak for most of that ranking (without exploration the log covers only what
  the logging model ranked highest), and the estimates rest on few pairs.

A pair shown in several lists in the quarter has the propensity of being shown at least once,
``1 - prod(1 - p)``. A logged row without a propensity (a list shown before exploration existed)
counts as shown for sure (``1``).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

MAX_WEIGHT = 20.0


def exposure_of(impressions: pd.DataFrame, user_col: str, item_col: str) -> pd.DataFrame:
    """One row per shown (user, item): its propensity of being shown at least once."""
    missing = [c for c in (user_col, item_col) if c not in impressions.columns]
    if missing:
        raise ValueError(f"impressions lack columns {missing}")
    p = impressions.get("propensity", pd.Series(np.nan, index=impressions.index))
    p = pd.to_numeric(p, errors="coerce").fillna(1.0).clip(0.0, 1.0)
    sure = p.to_numpy() >= 1.0
    miss = np.log1p(-np.where(sure, 0.0, p.to_numpy()))
    keys = [impressions[user_col], impressions[item_col]]
    out = pd.DataFrame({"log_miss": miss, "sure": sure}, index=impressions.index).groupby(
        keys).agg(log_miss=("log_miss", "sum"), sure=("sure", "any")).reset_index()
    out["propensity"] = np.where(out.pop("sure"), 1.0, -np.expm1(out.pop("log_miss")))
    return out


def policy_value(ranked: pd.DataFrame, rewards: pd.DataFrame, exposure: pd.DataFrame,
                 k: int, user_col: str, item_col: str,
                 max_weight: float = MAX_WEIGHT) -> dict[str, float]:
    """Naive precision@k and its exposure-corrected estimates for one target ranking.

    ``ranked``: the target's ranking (``rank`` from 1); ``rewards``: the rewarded pairs (e.g.
    completed in the quarter); ``exposure``: ``exposure_of`` the quarter's impressions. People are
    those with at least one impression; a person the target does not rank scores 0.
    """
    users = pd.Index(exposure[user_col].unique())
    top = ranked[(ranked["rank"] <= k) & ranked[user_col].isin(users)][[user_col, item_col]]
    rew = rewards[[user_col, item_col]].drop_duplicates().assign(_r=1.0)
    top = top.merge(rew, on=[user_col, item_col], how="left").fillna({"_r": 0.0})
    top = top.merge(exposure[[user_col, item_col, "propensity"]], on=[user_col, item_col],
                    how="left")
    shown = top["propensity"].notna() & (top["propensity"] > 0)
    w = np.where(shown, np.minimum(1.0 / top["propensity"].where(shown, 1.0), max_weight), 0.0)
    r = top["_r"].to_numpy()
    n_users = max(len(users), 1)
    naive = float(r.sum() / (k * n_users))
    ips = float((r * w).sum() / (k * n_users))
    snips = float((r * w).sum() / w.sum()) if w.sum() > 0 else float("nan")
    return {f"naive_precision@{k}": naive, f"ips_precision@{k}": ips,
            f"snips_precision@{k}": snips, "support": float(shown.sum() / max(len(top), 1)),
            "people": int(len(users)), "shown_pairs_used": int(shown.sum())}
