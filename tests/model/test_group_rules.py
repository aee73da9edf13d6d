"""Rule wording and the values rules see, on hand-made series."""

import numpy as np
import pandas as pd
import pytest

from model.group_rules import MISSING, attribute_values, observed_values, rule_text


def test_rule_text_says_not_in_when_that_is_shorter():
    values = {"unit": pd.Series(list("ABCDE"))}
    assert rule_text({"unit": {"A", "B", "C", "D"}}, values) == "unit ≠ E"
    assert rule_text({"unit": {"B", "A"}}, values, "id") == "unit kerja salah satu dari {A, B}"
    assert rule_text({}, values, "id") == "semua pegawai"


def test_rules_name_booleans_and_ordered_bands_in_each_language():
    values = {"head_participates": pd.Series([True, False, True], dtype=object)}
    assert rule_text({"head_participates": {False}}, values) == "unit head trains = no"
    assert rule_text({"head_participates": {False}}, values, "id") == "kepala unit ikut pelatihan = tidak"
    with pytest.raises(ValueError, match="language"):
        rule_text({}, values, "fr")


def test_missing_values_become_a_value_of_their_own_and_order_is_kept():
    people = pd.DataFrame({"age_band": pd.Categorical(["50+", None, "<30"],
                                                      categories=["<30", "30-39", "50+"],
                                                      ordered=True),
                           "unit": ["B", None, "A"]})
    bands = attribute_values(people, "age_band")
    assert list(bands) == ["50+", MISSING, "<30"]
    assert observed_values(bands) == ["<30", "50+", MISSING]  # category order, absent ones out
    assert list(attribute_values(people, "unit")) == ["B", MISSING, "A"]
    assert observed_values(attribute_values(people, "unit")) == [MISSING, "A", "B"]
    assert np.all(pd.isna(people["unit"]) == [False, True, False])  # the input is untouched
