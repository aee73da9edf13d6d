"""Simple rankers every model must beat, scored on the same candidate pairs.

Each takes the candidate features frame (from ``Recommender.score_pairs``) and returns a score
per row; higher ranks first. Ties are broken by the program id for determinism.
"""

from __future__ import annotations

from typing import Callable

import numpy as np
import pandas as pd


def random_scores(feats: pd.DataFrame, seed: int = 0) -> np.ndarray:
    """Uniform random order."""
    return np.random.default_rng(seed).random(len(feats))


def most_popular(feats: pd.DataFrame) -> np.ndarray:
    """Completions of the program across the organisation in the recent window."""
    return feats["pop_all"].to_numpy(dtype=float)


def popular_in_unit(feats: pd.DataFrame) -> np.ndarray:
    """Completions in the person's own unit, the organisation's as a tie-breaker."""
    return feats["pop_unit"].to_numpy(dtype=float) + 1e-3 * feats["pop_all"].to_numpy(dtype=float)


def gap_rule(feats: pd.DataFrame) -> np.ndarray:
    """Competency gap closed by the program, then JP it closes toward the duty."""
    gap = np.nan_to_num(feats["gap_closed"].to_numpy(dtype=float))
    return gap + 1e-3 * np.nan_to_num(feats["jp_closes"].to_numpy(dtype=float))


def collaborative_only(feats: pd.DataFrame) -> np.ndarray:
    """The item-item collaborative score alone."""
    return np.nan_to_num(feats["cf_score"].to_numpy(dtype=float))


BASELINES: dict[str, Callable[[pd.DataFrame], np.ndarray]] = {
    "random": random_scores,
    "most_popular": most_popular,
    "popular_in_unit": popular_in_unit,
    "gap_rule": gap_rule,
    "collaborative_only": collaborative_only,
}


def rank_by(feats: pd.DataFrame, scores: np.ndarray, user_col: str, k: int) -> pd.DataFrame:
    """Top-k rows per user by ``scores`` with a 1-based ``rank`` column."""
    frame = feats[[user_col, "program_id"]].assign(_s=np.asarray(scores, dtype=float))
    frame = frame.sort_values([user_col, "_s", "program_id"], ascending=[True, False, True])
    frame["rank"] = frame.groupby(user_col).cumcount() + 1
    return frame[frame["rank"] <= k].drop(columns="_s")
