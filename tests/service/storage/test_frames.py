"""Canonical frames read back from the database carry the contract's dtypes."""

import pandas as pd
import pytest

from model.tables import TABLES
from service.ingest.importer import import_paths
from service.storage.frames import load_tables, to_canonical


def test_load_tables_gives_every_table_with_contract_columns(db_engine, sample_dir):
    assert import_paths([sample_dir], db_engine).ok
    frames = load_tables(db_engine)
    assert list(frames) == list(TABLES)
    for name, frame in frames.items():
        assert list(frame.columns) == TABLES[name].names
    enrollments = frames["enrollments"]
    assert enrollments["jp_earned"].dtype == "float64"
    assert str(enrollments["date"].dtype) == "datetime64[ns]"
    assert frames["employees"]["active"].dtype == "boolean"
    assert frames["enrollments"]["post_test_score"].isna().sum() == 1


def test_load_tables_refuses_unknown_names(db_engine):
    with pytest.raises(KeyError, match="not a canonical table: staff"):
        load_tables(db_engine, ["staff"])


def test_to_canonical_keeps_missing_values_missing():
    frame = pd.DataFrame({"program_id": ["P1", "P2"], "jp": ["20", ""], "mandatory": ["true", ""]})
    out = to_canonical(frame, TABLES["programs"])
    assert out["jp"].tolist()[0] == 20 and pd.isna(out["jp"].tolist()[1])
    assert out["mandatory"].dtype == "boolean" and pd.isna(out["mandatory"].iloc[1])
