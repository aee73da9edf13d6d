"""Engagement: calibrated P(completes | nominated) per pair and P(reaches the JP duty this year)
per person, with the top factors behind each prediction."""

from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.calibration import CalibratedClassifierCV
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.frozen import FrozenEstimator

from model.checkpoints import CHECKPOINT_FEATURES
from model.encoding import (categorical_mask, category_codes, encode, encode_array,
                            learn_categories, observed_columns)
from model.features import IDENTITY_FEATURES, PAIR_FEATURES, PERSON_FEATURES, REGISTRATION_FEATURES
from model.snapshot import PERSON

COMPLETION_FEATURES = PERSON_FEATURES + PAIR_FEATURES + REGISTRATION_FEATURES
DUTY_FEATURES = PERSON_FEATURES

# Readable factor groups used to explain a prediction (feature -> group name).
FACTOR_GROUPS: dict[str, tuple[str, ...]] = {
    "age": ("age",),
    "digital_access": ("digital_access",),
    "habit": ("completion_rate", "n_enroll_4q", "n_complete_4q", "quarters_since_last",
              "elearn_completion_rate"),
    "unit_head": ("head_trained_4q",),
    "unit_participation": ("unit_participation_4q",),
    "jp_so_far": ("jp_this_year", "jp_missing"),
    "season": ("quarter_of_year",),
    "form": ("form", "delivery", "form_share"),
    "relevance": ("gap_closed", "gap_in_program", "cf_score", "sector_match"),
    "program_size": ("jp", "cost_idr"),
    "registration": ("lead_days", "concurrent_jp", "study_load_jp", "prior_attempts"),
    "program": ("program_id", "program_completion_rate"),
    "unit": ("unit",),
    "hand_ins": ("checks_submitted", "share_submitted", "checks_missed", "handed_in",
                 "handed_in_late", "days_ahead", "days_since_handin"),
    "hand_ins_vs_cohort": ("cohort_submitted", "share_vs_cohort", "handed_in_vs_cohort"),
    "scores": ("mean_score", "min_score", "score_trend", "score_vs_cohort"),
}
# The rows of one enrolment (several checkpoints of it) stay in one calibration fold.
ENROLMENT = (PERSON, "program_id", "quarter")


CALIBRATIONS = ("crossfit", "recent")
# Fewest examples in the latest quarter for a Platt calibration on it (two parameters).
MIN_CALIBRATION_EXAMPLES = 200


class _Calibrated:
    """Gradient boosting with calibrated probabilities.

    ``calibration``:

    - ``"crossfit"``: one model fitted on all examples, mapped through an isotonic calibration
      learned on 3-fold cross-fitted predictions;
    - ``"recent"``: the model is fitted on the quarters before the latest one in the examples
      and calibrated (Platt) on that latest quarter, i.e. on predictions one quarter ahead, the
      way it is used. It follows a shift of the whole population between quarters (everyone
      drops out more this year) that a calibration on shuffled folds cannot see, at the price of
      the latest quarter's examples for the trees. Needs a ``quarter`` column; with one quarter,
      fewer than ``MIN_CALIBRATION_EXAMPLES`` in the latest, or a single outcome on either side
      it falls back to ``"crossfit"``. ``calibrated_on_`` tells which was done.
    """

    def __init__(self, features: tuple[str, ...], max_iter: int, learning_rate: float, seed: int,
                 calibration: str = "crossfit"):
        if calibration not in CALIBRATIONS:
            raise ValueError(f"calibration must be one of {CALIBRATIONS}, not {calibration!r}")
        self.features = features
        self.max_iter = max_iter
        self.learning_rate = learning_rate
        self.seed = seed
        self.calibration = calibration

    def fit(self, examples: pd.DataFrame, label: str) -> "_Calibrated":
        y = examples[label].to_numpy()
        if len(np.unique(y)) < 2:
            raise ValueError(f"cannot learn {label!r}: every example has the same outcome")
        self.categories_ = learn_categories(examples)
        x = encode(examples, self.features, self.categories_)
        latest = self._latest_quarter(examples, y)
        # The rows the trees learn from: all, or the quarters before the calibration quarter.
        learn = (np.ones(len(y), dtype=bool) if latest is None
                 else (examples["quarter"].astype(str) != latest).to_numpy())
        self.features = observed_columns(x.loc[learn], self.features)
        x = x.loc[:, list(self.features)]
        self.reference_ = {}
        for c in x.columns:
            if isinstance(x[c].dtype, pd.CategoricalDtype):
                mode = x[c].mode()
                self.reference_[c] = mode.iloc[0] if len(mode) else np.nan
            else:
                self.reference_[c] = float(x[c].median())
        base = HistGradientBoostingClassifier(
            max_iter=self.max_iter, learning_rate=self.learning_rate, max_leaf_nodes=15,
            min_samples_leaf=40, l2_regularization=1.0,
            categorical_features=categorical_mask(self.features),
            early_stopping=False, random_state=self.seed)
        self.codes_ = category_codes(self.categories_)
        xa = encode_array(examples, self.features, self.codes_)
        # Rows in an order set by their content (then shuffled with the seed, so the calibration
        # folds, cut by position, stay a random split), not by the pseudonymous person keys they
        # came sorted by: the same people under another workspace's key give the same model.
        order = np.lexsort(np.column_stack([xa, y]).T[::-1])
        order = order[np.random.default_rng(self.seed).permutation(len(order))]
        groups = self._enrolments(examples)
        xa, y, learn = xa[order], y[order], learn[order]
        groups = None if groups is None else groups[order]
        if latest is None:
            # One model fitted on all examples, calibrated on cross-fitted predictions: a third
            # of the scoring cost of an ensemble of three, with the same calibration data.
            self.estimator_ = CalibratedClassifierCV(base, method="isotonic",
                                                     cv=self._folds(xa, y, groups),
                                                     ensemble=False).fit(xa, y)
            self.calibrated_on_ = "crossfit"
        else:
            fitted = base.fit(xa[learn], y[learn])
            self.estimator_ = CalibratedClassifierCV(FrozenEstimator(fitted), method="sigmoid").fit(
                xa[~learn], y[~learn])
            self.calibrated_on_ = latest
        self.base_rate_ = float(np.mean(y))
        return self

    @staticmethod
    def _enrolments(examples: pd.DataFrame) -> np.ndarray | None:
        """The enrolment of each row when enrolments have several rows (checkpoints), else None."""
        if "checkpoint" not in examples or not set(ENROLMENT) <= set(examples.columns):
            return None
        return pd.factorize(pd.MultiIndex.from_frame(examples[list(ENROLMENT)].astype(str)))[0]

    @staticmethod
    def _folds(xa: np.ndarray, y: np.ndarray, groups: np.ndarray | None):
        """3 folds; grouped by enrolment when ``groups`` is given (checkpoints), so the
        calibration never scores a row whose enrolment the trees saw. An enrolment's fold comes
        from its rows' content, not its ids, so the fit does not depend on the pseudonyms."""
        if groups is None:
            return 3
        content = pd.util.hash_pandas_object(pd.DataFrame(xa).assign(_y=y), index=False)
        signature = pd.Series(content.to_numpy()).groupby(groups).sum()
        fold = (signature.rank(method="first").to_numpy().astype(int) % 3)[groups]
        return [(np.flatnonzero(fold != k), np.flatnonzero(fold == k)) for k in range(3)]

    def _latest_quarter(self, examples: pd.DataFrame, y: np.ndarray) -> str | None:
        """The quarter to calibrate on with ``"recent"``; None for cross-fitting (also when
        the latest quarter is too small, or it or the quarters before it hold one outcome)."""
        if self.calibration != "recent":
            return None
        if "quarter" not in examples.columns:
            raise ValueError("calibration='recent' needs a 'quarter' column in the examples")
        quarter = examples["quarter"].astype(str).to_numpy()
        kinds = np.unique(quarter)
        if len(kinds) < 2:
            return None
        latest = str(kinds.max())
        last = quarter == latest
        if (last.sum() < MIN_CALIBRATION_EXAMPLES or len(np.unique(y[last])) < 2
                or len(np.unique(y[~last])) < 2):
            return None
        return latest

    def predict_proba(self, feats: pd.DataFrame) -> np.ndarray:
        if feats.empty:
            return np.zeros(0)
        return self.estimator_.predict_proba(encode_array(feats, self.features, self.codes_))[:, 1]

    def factors(self, feats: pd.DataFrame, top: int = 3) -> list[list[tuple[str, float]]]:
        """Top factor groups of each prediction: the change in probability when the group's
        features are set to a typical value (negative: the factor lowers it)."""
        names, alts = [], [feats]
        for name, cols in FACTOR_GROUPS.items():
            cols = [c for c in cols if c in self.features]
            if not cols:
                continue
            alt = feats.copy()
            for c in cols:
                alt[c] = self.reference_[c]
            names.append(name)
            alts.append(alt)
        # One prediction over all variants (cheap for one person, vectorised for many).
        p = self.predict_proba(pd.concat(alts, ignore_index=True)).reshape(len(alts), len(feats))
        deltas = p[0][None, :] - p[1:]              # groups x rows
        order = np.argsort(-np.abs(deltas), axis=0, kind="stable")[:top]
        out = []
        for i in range(len(feats)):
            out.append([(names[g], round(float(deltas[g, i]), 4)) for g in order[:, i]
                        if abs(deltas[g, i]) > 1e-4])
        return out


class CompletionModel(_Calibrated):
    """P(completes | nominated) for a (person, program) pair.

    Args:
        extra_features: more columns of the examples to learn from (e.g. early progress signals
            known after a training has started), appended to ``COMPLETION_FEATURES``.
        calibration: ``"crossfit"`` or ``"recent"`` (see ``_Calibrated``).
    """

    def __init__(self, max_iter: int = 200, learning_rate: float = 0.06, seed: int = 7,
                 extra_features: tuple[str, ...] = (), calibration: str = "crossfit"):
        super().__init__(COMPLETION_FEATURES + tuple(extra_features), max_iter, learning_rate, seed,
                         calibration)
        self.extra_features = tuple(extra_features)

    def fit(self, examples: pd.DataFrame) -> "CompletionModel":
        return super().fit(examples, "completed")


class CheckpointModel(CompletionModel):
    """P(completes) of an enrolment as of a checkpoint (before the start, or any day of the
    training): ``CompletionModel`` plus the unit and program themselves and the progress known
    at the checkpoint (``model.checkpoints``). Fitted on examples stacked over several
    checkpoints, one model serves every horizon; ``days_in`` tells them apart."""

    def __init__(self, max_iter: int = 200, learning_rate: float = 0.06, seed: int = 7,
                 calibration: str = "crossfit"):
        super().__init__(max_iter, learning_rate, seed,
                         extra_features=IDENTITY_FEATURES + CHECKPOINT_FEATURES,
                         calibration=calibration)


class DutyModel(_Calibrated):
    """P(reaches the yearly JP duty) for a person, from the start of a quarter."""

    def __init__(self, max_iter: int = 150, learning_rate: float = 0.06, seed: int = 7,
                 calibration: str = "crossfit"):
        super().__init__(DUTY_FEATURES, max_iter, learning_rate, seed, calibration)

    def fit(self, examples: pd.DataFrame) -> "DutyModel":
        return super().fit(examples, "reached")


class ExpectedJPModel:
    """Expected JP a person will have earned by the end of the year, from the start of a quarter."""

    def __init__(self, max_iter: int = 150, learning_rate: float = 0.06, seed: int = 7):
        self.max_iter = max_iter
        self.learning_rate = learning_rate
        self.seed = seed

    def fit(self, examples: pd.DataFrame) -> "ExpectedJPModel":
        from sklearn.ensemble import HistGradientBoostingRegressor

        self.categories_ = learn_categories(examples)
        x = encode(examples, DUTY_FEATURES, self.categories_)
        self.features_ = observed_columns(x, DUTY_FEATURES)
        self.codes_ = category_codes(self.categories_)
        x = encode_array(examples, self.features_, self.codes_)
        self.estimator_ = HistGradientBoostingRegressor(
            loss="poisson", max_iter=self.max_iter, learning_rate=self.learning_rate,
            categorical_features=categorical_mask(self.features_), early_stopping=False,
            random_state=self.seed,
        ).fit(x, examples["jp_year_total"].to_numpy(dtype=float))
        return self

    def predict(self, feats: pd.DataFrame) -> np.ndarray:
        """Expected year-end JP, never below what is already earned this year."""
        if feats.empty:
            return np.zeros(0)
        pred = self.estimator_.predict(encode_array(feats, self.features_, self.codes_))
        return np.maximum(pred, feats["jp_this_year"].to_numpy(dtype=float))
