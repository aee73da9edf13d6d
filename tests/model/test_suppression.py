"""Small-cell suppression: nothing under the threshold is shown or can be worked out."""

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from model.suppression import TOTAL, filter_groups, suppress_series, suppress_table


def recoverable(shown: pd.DataFrame, hidden: pd.DataFrame) -> list[tuple]:
    """Hidden cells whose row or column has every other cell (total included) shown."""
    out = []
    for axis in (0, 1):
        lines = hidden.T if axis == 0 else hidden
        for name, line in lines.iterrows():
            if line.sum() == 1:
                out.append((name, line.idxmax()))
    return out


def test_one_small_cell_takes_a_partner_in_its_row_and_column():
    counts = pd.DataFrame({"a": [5, 20, 30], "b": [40, 50, 12], "c": [33, 22, 11]},
                          index=["x", "y", "z"])
    shown, hidden = suppress_table(counts)
    assert pd.isna(shown.loc["x", "a"])
    assert hidden.to_numpy().sum() >= 4
    assert recoverable(shown, hidden) == []
    assert shown.loc[TOTAL, TOTAL] == counts.to_numpy().sum()


def test_without_totals_only_small_cells_are_hidden():
    counts = pd.DataFrame({"a": [5, 20], "b": [40, 12]})
    shown, hidden = suppress_table(counts, totals=False)
    assert hidden.to_numpy().tolist() == [[True, False], [False, False]]
    assert TOTAL not in shown.columns


def test_a_small_total_is_hidden_with_its_cells():
    shown, hidden = suppress_series(pd.Series({"A": 3, "B": 4}))
    assert hidden.all()


def test_a_single_dimension_with_a_total_gets_a_partner():
    shown, hidden = suppress_series(pd.Series({"A": 3, "B": 40, "C": 15}))
    assert list(hidden) == [True, False, True, False]
    assert shown[TOTAL] == 58


@pytest.mark.parametrize("counts, fragment", [
    (pd.DataFrame({"a": [1, -2]}), "whole numbers >= 0"),
    (pd.DataFrame({"a": [1.5, 2]}), "whole numbers >= 0"),
    (pd.DataFrame({"a": ["x", 2]}), "cell \\(1|cell \\(0"),
    (pd.DataFrame({TOTAL: [1, 2]}), "already has a 'Total'"),
    (pd.DataFrame(), "non-empty"),
])
def test_bad_count_tables_are_named(counts, fragment):
    with pytest.raises(ValueError, match=fragment):
        suppress_table(counts)


def test_filter_groups_drops_small_groups_and_refuses_person_keys():
    groups = pd.DataFrame({"group_id": ["G1", "G2", "G3"], "people": [9, 10, 55]})
    assert list(filter_groups(groups).group_id) == ["G2", "G3"]
    assert list(filter_groups(groups, threshold=20).group_id) == ["G3"]
    with pytest.raises(ValueError, match="person keys"):
        filter_groups(groups.assign(person_key="k1"))
    with pytest.raises(ValueError, match="no 'people' column"):
        filter_groups(groups.drop(columns="people"))


tables = st.integers(1, 6).flatmap(lambda r: st.integers(1, 6).flatmap(
    lambda c: st.lists(st.lists(st.integers(0, 60), min_size=c, max_size=c),
                       min_size=r, max_size=r)))


@settings(max_examples=200, deadline=None)
@given(cells=tables, threshold=st.integers(1, 20))
def test_no_shown_cell_is_small_and_no_hidden_cell_is_recoverable(cells, threshold):
    counts = pd.DataFrame(cells)
    shown, hidden = suppress_table(counts, threshold=threshold)
    values = shown.to_numpy(dtype=float, na_value=np.nan)
    assert (values[~hidden.to_numpy()] >= threshold).all()
    assert recoverable(shown, hidden) == []
    full = counts.copy()
    full[TOTAL] = full.sum(axis=1)
    full.loc[TOTAL] = full.sum(axis=0)
    kept = ~hidden.to_numpy()
    assert (values[kept] == full.to_numpy()[kept]).all()


@settings(max_examples=100, deadline=None)
@given(cells=st.lists(st.integers(0, 60), min_size=1, max_size=8), threshold=st.integers(1, 20))
def test_one_way_tables_keep_the_same_promise(cells, threshold):
    shown, hidden = suppress_series(pd.Series(cells), threshold=threshold)
    assert (shown[~hidden] >= threshold).all()
    assert hidden.sum() != 1


@settings(max_examples=100, deadline=None)
@given(sizes=st.lists(st.integers(0, 40), max_size=12), threshold=st.integers(1, 30))
def test_filtered_group_lists_keep_exactly_the_groups_big_enough(sizes, threshold):
    groups = pd.DataFrame({"group_id": [f"G{i}" for i in range(len(sizes))], "people": sizes})
    kept = filter_groups(groups, threshold=threshold)
    assert (kept.people >= threshold).all()
    assert len(kept) == sum(s >= threshold for s in sizes)
