"""Participation trend: rates per quarter in order, small grouped cells hidden."""

import numpy as np
import pandas as pd
import pytest

from model.trend import participation_trend


def make_history(sizes: dict[str, int], quarters=("2025Q1", "2024Q4")) -> pd.DataFrame:
    rows = []
    for q in quarters:
        for unit, size in sizes.items():
            for i in range(size):
                rows.append({"person_key": f"{unit}{i}", "quarter": q, "unit": unit,
                             "predicted": 0.6, "actual": float(i % 2)})
    return pd.DataFrame(rows)


def test_trend_gives_predicted_and_actual_rates_per_quarter_in_order():
    history = make_history({"A": 20, "B": 30})
    history.loc[history.quarter == "2025Q1", "actual"] = np.nan
    trend = participation_trend(history)
    assert list(trend.quarter) == ["2024Q4", "2025Q1"]
    assert list(trend.people) == [50, 50]
    assert trend.predicted.iloc[0] == pytest.approx(0.6)
    assert trend.actual.iloc[0] == pytest.approx(0.5)
    assert pd.isna(trend.actual.iloc[1])


def test_grouped_trend_hides_small_groups_and_their_complement():
    trend = participation_trend(make_history({"A": 4, "B": 25, "C": 40}), by="unit")
    q = trend[trend.quarter == "2024Q4"].set_index("group")
    assert q.loc["A", "suppressed"] and pd.isna(q.loc["A", "people"])
    assert q.loc["B", "suppressed"] and pd.isna(q.loc["B", "actual"])
    assert not q.loc["C", "suppressed"] and q.loc["(all)", "people"] == 69


def test_trend_rejects_bad_quarters_and_rates():
    history = make_history({"A": 12})
    with pytest.raises(ValueError, match="not a quarter"):
        participation_trend(history.assign(quarter="2025-13"))
    with pytest.raises(ValueError, match=r"history.predicted must be a value in \[0, 1\]"):
        participation_trend(history.assign(predicted=1.5))
    with pytest.raises(ValueError, match="lacks columns"):
        participation_trend(history, by="sector")
