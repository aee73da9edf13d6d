"""Model input encoding: learned category codes, unknown and missing values, observed columns."""

import numpy as np
import pandas as pd

from model.encoding import (categorical_mask, category_codes, encode, encode_array,
                            learn_categories, observed_columns)

COLUMNS = ("age", "employment_type", "tenure")


def _frame(types, ages=(30.0, 41.0, 55.0)) -> pd.DataFrame:
    return pd.DataFrame({"age": list(ages), "employment_type": list(types),
                         "tenure": [np.nan] * len(types)})


def test_codes_follow_the_categories_learned_in_training_and_unknown_becomes_missing():
    train = _frame(["PNS", "PPPK", "PNS"])
    codes = category_codes(learn_categories(train))
    assert codes["employment_type"] == {"PNS": 0, "PPPK": 1}
    x = encode_array(_frame(["PPPK", "CPNS", None]), COLUMNS, codes)
    np.testing.assert_array_equal(x[:, 0], [30.0, 41.0, 55.0])
    assert x[0, 1] == 1.0 and np.isnan(x[1, 1]) and np.isnan(x[2, 1])
    assert np.isnan(x[:, 2]).all()


def test_the_array_and_the_frame_encoding_agree():
    train = _frame(["PNS", "PPPK", "PNS"])
    categories = learn_categories(train)
    frame = encode(train, COLUMNS, categories)
    x = encode_array(train, COLUMNS, category_codes(categories))
    np.testing.assert_array_equal(frame["employment_type"].cat.codes.to_numpy(), x[:, 1])
    np.testing.assert_array_equal(frame["age"].to_numpy(), x[:, 0])


def test_an_all_missing_numeric_column_is_not_learned_from_but_a_categorical_one_is():
    frame = encode(_frame([None, None, None]), COLUMNS, {})
    assert observed_columns(frame, COLUMNS) == ("age", "employment_type")
    np.testing.assert_array_equal(categorical_mask(COLUMNS), [False, True, False])
