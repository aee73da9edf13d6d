"""Model input encoding shared by the ranker and the engagement models: feature frames become
float arrays with categorical columns as learned integer codes (unknown values -> missing)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from model.features import CATEGORICAL


def encode(feats: pd.DataFrame, columns: tuple[str, ...], categories: dict[str, list[str]]) -> pd.DataFrame:
    """Select ``columns`` as model input; categorical ones get fixed category lists."""
    x = feats.loc[:, list(columns)].copy()
    for col in columns:
        if col in CATEGORICAL:
            x[col] = pd.Categorical(x[col].astype(object), categories=categories.get(col, []))
        else:
            x[col] = pd.to_numeric(x[col], errors="coerce").astype(float)
    return x


def category_codes(categories: dict[str, list[str]]) -> dict[str, dict[str, int]]:
    """value -> integer code of every categorical column (the learned category lists)."""
    return {col: {v: i for i, v in enumerate(values)} for col, values in categories.items()}


def encode_array(feats: pd.DataFrame, columns: tuple[str, ...],
                 codes: dict[str, dict[str, int]]) -> np.ndarray:
    """Model input as a float array: categorical columns as their codes (unknown -> missing).

    The estimators are fitted on arrays with a categorical mask, so predicting needs no pandas
    categorical machinery: a single person's request stays cheap.
    """
    out = np.empty((len(feats), len(columns)), dtype=np.float64)
    for j, col in enumerate(columns):
        values = feats[col]
        if col in CATEGORICAL:
            out[:, j] = _codes_of(values, codes.get(col, {}))
        else:
            out[:, j] = pd.to_numeric(values, errors="coerce").to_numpy(dtype=float, na_value=np.nan)
    return out


def _codes_of(values: pd.Series, codes: dict[str, int]) -> np.ndarray:
    """The learned code of each value (missing or unknown -> NaN), looked up once per distinct
    value: mapping every row of a string column costs far more than factorising it."""
    inverse, uniques = pd.factorize(values, use_na_sentinel=True)
    table = np.array([codes.get(v, np.nan) for v in uniques] + [np.nan], dtype=float)
    return table[inverse]  # the sentinel -1 picks the trailing NaN


def categorical_mask(columns: tuple[str, ...]) -> np.ndarray:
    """Which of ``columns`` are categorical (for scikit-learn's ``categorical_features``)."""
    return np.array([c in CATEGORICAL for c in columns], dtype=bool)


def observed_columns(x: pd.DataFrame, columns: tuple[str, ...]) -> tuple[str, ...]:
    """The columns a model can learn from: categorical ones, and numeric ones the data fills at
    least once (an all-missing column carries nothing and cannot be binned)."""
    return tuple(c for c in columns
                 if isinstance(x[c].dtype, pd.CategoricalDtype) or x[c].notna().any())


# Most categories a gradient boosting can bin (255 bins, one kept for missing values).
MAX_CATEGORIES = 254


def learn_categories(feats: pd.DataFrame) -> dict[str, list[str]]:
    """Category lists seen in training, at most the ``MAX_CATEGORIES`` most frequent (unknown
    or rarer values at prediction become missing)."""
    out = {}
    for c in CATEGORICAL:
        if c in feats:
            counts = feats[c].dropna().astype(str).value_counts(sort=False)
            if len(counts) > MAX_CATEGORIES:
                counts = counts.sort_values(ascending=False, kind="stable").iloc[:MAX_CATEGORIES]
            out[c] = sorted(counts.index.tolist())
    return out
