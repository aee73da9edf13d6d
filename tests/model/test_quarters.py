"""Quarter labels: parsing, arithmetic and the vectorised labels of dates."""

import datetime as dt

import pandas as pd

from model import quarters as qt


def test_labels_of_dates_stay_parseable_when_some_dates_are_missing():
    # One offering without a start date used to turn every label into '2025.0Q1.0'.
    dates = pd.Series([dt.date(2025, 3, 1), None, dt.date(2024, 12, 31), pd.NaT])
    labels = qt.quarters_of(dates)
    assert labels.iloc[[0, 2]].tolist() == ["2025Q1", "2024Q4"]
    assert labels.iloc[[1, 3]].isna().all()
    assert [qt.parse_quarter(x) for x in labels.dropna()] == [(2025, 1), (2024, 4)]


def test_labels_of_complete_dates():
    labels = qt.quarters_of(pd.Series(pd.to_datetime(["2026-07-01", "2026-09-30", "2027-01-01"])))
    assert labels.tolist() == ["2026Q3", "2026Q3", "2027Q1"]
    assert qt.quarter_range("2026Q3", "2027Q1") == ["2026Q3", "2026Q4", "2027Q1"]
