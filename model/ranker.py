"""The hybrid ranker: learns how to weigh gap coverage, fit, JP need, collaborative and
popularity signals from which offered programs people actually took up in past quarters."""

from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.ensemble import HistGradientBoostingClassifier

from model.encoding import (categorical_mask, category_codes, encode, encode_array,
                            learn_categories, observed_columns)
from model.decision_labels import DECISION_FEATURES
from model.features import PAIR_FEATURES, PERSON_FEATURES

RANKER_FEATURES = PERSON_FEATURES + PAIR_FEATURES + DECISION_FEATURES
# Closing more of a person's competency gap never makes a program less relevant, and a
# program aimed below the person's level never becomes more relevant; nor does one HR rejected
# for the person as not fitting.
MONOTONE = {"gap_closed": 1, "n_gaps_covered": 1, "gap_in_program": 1, "frac_gap_closed": 1,
            "too_easy": -1, "rejected_for_fit": -1}


class Ranker:
    """Pointwise gradient-boosted relevance model over candidate pairs.

    Args:
        label: the outcome column learned from (``enrolled`` or ``completed``).
    """

    def __init__(self, label: str = "enrolled", max_iter: int = 200, learning_rate: float = 0.08,
                 max_leaf_nodes: int = 31, seed: int = 7):
        self.label = label
        self.max_iter = max_iter
        self.learning_rate = learning_rate
        self.max_leaf_nodes = max_leaf_nodes
        self.seed = seed

    def fit(self, examples: pd.DataFrame) -> "Ranker":
        """Learn from labelled candidate pairs (see ``training_data.ranking_examples``)."""
        if examples.empty or examples[self.label].nunique() < 2:
            raise ValueError("the ranker needs past quarters with both chosen and unchosen programs")
        self.categories_ = learn_categories(examples)
        x = encode(examples, RANKER_FEATURES, self.categories_)
        # A column the data never fills (e.g. no competency assessments at all) carries nothing
        # and cannot be binned: learn and predict without it.
        self.features_ = observed_columns(x, RANKER_FEATURES)
        x = x.loc[:, list(self.features_)]
        self.reference_ = {c: float(x[c].median()) for c in x.columns
                           if not isinstance(x[c].dtype, pd.CategoricalDtype)}
        self.codes_ = category_codes(self.categories_)
        self.estimator_ = HistGradientBoostingClassifier(
            max_iter=self.max_iter, learning_rate=self.learning_rate,
            max_leaf_nodes=self.max_leaf_nodes,
            categorical_features=categorical_mask(self.features_),
            monotonic_cst=[MONOTONE.get(c, 0) for c in self.features_],
            early_stopping=False, random_state=self.seed,
        ).fit(encode_array(examples, self.features_, self.codes_), examples[self.label].to_numpy())
        return self

    def predict(self, feats: pd.DataFrame) -> np.ndarray:
        """Relevance in [0, 1] of each candidate pair."""
        if feats.empty:
            return np.zeros(0)
        x = encode_array(feats, self.features_, self.codes_)
        return self.estimator_.predict_proba(x)[:, 1]

    def contributions(self, feats: pd.DataFrame, groups: dict[str, tuple[str, ...]],
                      relevance: np.ndarray | None = None) -> pd.DataFrame:
        """How much each signal group raised each pair's relevance (occlusion to the median).

        Args:
            relevance: ``predict(feats)`` when the caller already has it (saves one prediction).
        """
        alts = [] if relevance is not None else [feats]
        for cols in groups.values():
            alt = feats.copy()
            for c in cols:
                alt[c] = self.reference_.get(c, np.nan)
            alts.append(alt)
        # One prediction over all variants: the per-call overhead dominates small requests.
        scores = self.predict(pd.concat(alts, ignore_index=True)).reshape(len(alts), len(feats))
        if relevance is not None:
            scores = np.vstack([np.asarray(relevance, dtype=float)[None, :], scores])
        return pd.DataFrame({name: scores[0] - scores[i + 1] for i, name in enumerate(groups)},
                            index=feats.index)
