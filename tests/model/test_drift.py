"""PSI on hand-made distributions."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from model.drift import drift_report, psi_categorical, psi_numeric, psi_rate


def test_identical_distributions_have_zero_psi():
    x = pd.Series(np.arange(1000, dtype=float))
    assert psi_numeric(x, x.sample(frac=1, random_state=1)) == pytest.approx(0.0, abs=1e-12)
    cats = pd.Series(list("aabbbc") * 50)
    assert psi_categorical(cats, cats[::-1]) == pytest.approx(0.0, abs=1e-12)


def test_categorical_psi_matches_the_formula():
    prev = pd.Series(["a"] * 50 + ["b"] * 50)
    cur = pd.Series(["a"] * 80 + ["b"] * 20)
    expected = (0.8 - 0.5) * math.log(0.8 / 0.5) + (0.2 - 0.5) * math.log(0.2 / 0.5)
    assert psi_categorical(prev, cur) == pytest.approx(expected)


def test_numeric_bins_come_from_the_reference_quantiles():
    prev = pd.Series(np.arange(1000) / 1000)
    # The top half of the reference's deciles receive everything: 5 bins at 0.2, 5 empty.
    cur = prev[prev >= 0.5]
    expected = 5 * (0.2 - 0.1) * math.log(0.2 / 0.1) + 5 * (1e-4 - 0.1) * math.log(1e-4 / 0.1)
    assert psi_numeric(prev, cur) == pytest.approx(expected)
    rng = np.random.default_rng(0)
    assert psi_numeric(pd.Series(rng.uniform(0, 1, 10_000)),
                       pd.Series(rng.uniform(0, 1, 10_000))) < 0.01


def test_missing_values_are_a_bin_of_their_own():
    prev = pd.Series(np.arange(100, dtype=float))
    cur = prev.copy()
    cur[:50] = np.nan
    assert psi_numeric(prev, cur) > 1.0


def test_label_rate_psi_and_report_thresholds():
    assert psi_rate(0.5, 0.5) == 0.0
    assert psi_rate(0.5, 0.6) == pytest.approx(0.1 * math.log(1.2) - 0.1 * math.log(0.8))
    rng = np.random.default_rng(1)
    prev = pd.DataFrame({"x": rng.normal(0, 1, 2000), "c": ["a", "b"] * 1000})
    cur = pd.DataFrame({"x": rng.normal(2, 1, 2000), "c": ["a", "b"] * 1000})
    report = drift_report(prev, cur, ["x"], ["c"], (0.5, 0.5), warn=0.1, block=0.25)
    assert report["status"] == "block" and report["blocked"] == ["x"]
    assert report["features"]["c"] == pytest.approx(0.0, abs=1e-9)
    calm = drift_report(prev, prev.sample(frac=1, random_state=2), ["x"], ["c"], (0.5, 0.56))
    assert calm["status"] == "ok" and calm["max_psi"] < 0.1
