"""Engagement calibration on hand-made examples: a quarter-wide shift in completion is followed by
the recent (one quarter ahead) calibration and missed by the cross-fitted one."""

import numpy as np
import pandas as pd
import pytest

from model.engagement import COMPLETION_FEATURES, MIN_CALIBRATION_EXAMPLES, CompletionModel
from model.features import CATEGORICAL

QUARTERS = ["2024Q1", "2024Q2", "2024Q3", "2024Q4"]


def _examples(quarters: list[str], shift: dict[str, float], n: int = 1500,
              seed: int = 0) -> pd.DataFrame:
    """Completion rising with the person's habit, plus a per-quarter shift of everyone."""
    rng = np.random.default_rng(seed)
    parts = []
    for q in quarters:
        habit = rng.random(n)
        p = np.clip(0.15 + 0.5 * habit + shift.get(q, 0.0), 0.01, 0.99)
        frame = pd.DataFrame({c: np.nan for c in COMPLETION_FEATURES}, index=range(n))
        frame = frame.astype({c: object for c in COMPLETION_FEATURES if c in CATEGORICAL})
        frame["completion_rate"] = habit
        frame["age"] = rng.integers(22, 58, n).astype(float)
        frame["quarter"] = q
        frame["completed"] = (rng.random(n) < p).astype(int)
        parts.append(frame)
    return pd.concat(parts, ignore_index=True)


def _fit(calibration: str, examples: pd.DataFrame) -> CompletionModel:
    return CompletionModel(max_iter=40, calibration=calibration).fit(examples)


def test_recent_calibration_follows_a_shift_of_everyone_that_crossfit_misses():
    shift = {"2024Q4": 0.2, "2025Q1": 0.2}  # the latest known quarter and the next one
    train = _examples(QUARTERS, shift)
    test = _examples(["2025Q1"], shift, seed=1)
    observed = test["completed"].mean()
    recent, crossfit = _fit("recent", train), _fit("crossfit", train)
    assert recent.calibrated_on_ == "2024Q4" and crossfit.calibrated_on_ == "crossfit"
    assert abs(recent.predict_proba(test).mean() - observed) < 0.04
    assert observed - crossfit.predict_proba(test).mean() > 0.1
    # Both still rank by habit: the shift moves the level, not the order.
    for engagement in (recent, crossfit):
        p = engagement.predict_proba(test)
        assert np.corrcoef(p, test["completion_rate"])[0, 1] > 0.8


def test_without_a_shift_both_calibrations_agree_with_the_outcomes():
    train, test = _examples(QUARTERS, {}), _examples(["2025Q1"], {}, seed=1)
    for calibration in ("recent", "crossfit"):
        p = _fit(calibration, train).predict_proba(test)
        assert abs(p.mean() - test["completed"].mean()) < 0.04


@pytest.mark.parametrize("examples", [
    _examples(["2024Q1"], {}),                                       # one quarter
    pd.concat([_examples(QUARTERS[:3], {}),                          # latest quarter too small
               _examples(["2024Q4"], {}, n=MIN_CALIBRATION_EXAMPLES - 1, seed=3)],
              ignore_index=True),
])
def test_recent_falls_back_to_crossfit_when_the_latest_quarter_cannot_calibrate(examples):
    assert _fit("recent", examples).calibrated_on_ == "crossfit"


def test_recent_with_a_single_outcome_in_the_latest_quarter_falls_back():
    examples = _examples(QUARTERS, {})
    examples.loc[examples["quarter"] == "2024Q4", "completed"] = 1
    assert _fit("recent", examples).calibrated_on_ == "crossfit"


def test_unknown_calibration_and_missing_quarter_are_refused():
    with pytest.raises(ValueError, match="calibration must be one of"):
        CompletionModel(calibration="platt")
    with pytest.raises(ValueError, match="'quarter' column"):
        _fit("recent", _examples(QUARTERS, {}).drop(columns="quarter"))


@pytest.mark.parametrize("calibration", ["crossfit", "recent"])
def test_the_order_of_the_examples_does_not_change_the_model(calibration):
    # The examples arrive sorted by pseudonymous person key, which differs between workspaces;
    # the calibration folds are cut by position, so the fit must not depend on that order.
    train = _examples(QUARTERS, {"2024Q4": 0.1})
    test = _examples(["2025Q1"], {}, seed=1)
    shuffled = train.sample(frac=1.0, random_state=5).reset_index(drop=True)
    a = _fit(calibration, train).predict_proba(test)
    b = _fit(calibration, shuffled).predict_proba(test)
    np.testing.assert_allclose(a, b)
