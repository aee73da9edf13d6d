"""Files follow the canonical contract and the same seed gives byte-identical files.

CSV and XLSX are both compared: XLSX files are written with fixed zip and document timestamps.
"""

from __future__ import annotations

import hashlib

import pandas as pd
import pytest

from model.tables import TABLES, parse_list, parse_targets
from synthetic import generate, write_world


def _digests(folder) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.iterdir()) if p.suffix in (".csv", ".xlsx")}


def test_same_seed_gives_byte_identical_files(tmp_path):
    for run in ("a", "b"):
        world = generate(150, 1, seed=3, end_quarter="2026Q3")
        write_world(world, tmp_path / run / "raw", tmp_path / run / "truth", xlsx=True)
    a, b = _digests(tmp_path / "a" / "raw"), _digests(tmp_path / "b" / "raw")
    assert len(a) == 22 and a == b  # 11 tables, CSV and XLSX
    assert _digests(tmp_path / "a" / "truth") == _digests(tmp_path / "b" / "truth")
    other = generate(150, 1, seed=4, end_quarter="2026Q3")
    write_world(other, tmp_path / "c" / "raw", tmp_path / "c" / "truth")
    assert _digests(tmp_path / "c" / "raw")["enrollments.csv"] != a["enrollments.csv"]


def test_every_table_is_written_with_the_canonical_columns(written):
    raw, _ = written
    for name, table in TABLES.items():
        path = raw / f"{name}.csv"
        frame = pd.read_csv(path, dtype=str, keep_default_na=False)
        assert list(frame.columns) == table.names, name
        for col in table.columns:
            cells = frame[col.name][frame[col.name] != ""]
            if col.required:
                assert (frame[col.name] != "").all(), (name, col.name)
            if col.kind == "date":
                assert cells.str.fullmatch(r"\d{4}-\d{2}-\d{2}").all(), (name, col.name)
            if col.kind == "bool":
                assert cells.isin(["true", "false"]).all(), (name, col.name)
            if col.kind == "targets":
                cells.map(parse_targets)
            if col.choices and col.kind == "list":
                assert all(set(parse_list(c)) <= set(col.choices) for c in cells), col.name
            elif col.choices:
                assert cells.isin([str(c) for c in col.choices]).all(), (name, col.name)
            if col.low is not None:
                assert pd.to_numeric(cells).ge(col.low).all(), (name, col.name)
            if col.high is not None:
                assert pd.to_numeric(cells).le(col.high).all(), (name, col.name)
        assert not frame.duplicated(list(table.key)).any(), name


def test_truth_goes_to_its_own_folder(world, tmp_path):
    with pytest.raises(ValueError, match="different folder"):
        write_world(world, tmp_path / "same", tmp_path / "same")
    raw = {p.name for p in (tmp_path).iterdir()}
    assert raw == set()


def test_truth_folder_has_the_documented_files(written):
    _, truth = written
    names = {p.name for p in truth.iterdir()}
    assert {"README.md", "params.json", "propensity.csv", "planted_groups.csv", "people.csv",
            "programs.csv", "levels.npy", "required.npy"} <= names
    planted = pd.read_csv(truth / "planted_groups.csv", dtype=str)
    assert list(planted.columns) == ["group_id", "description", "employee_id"]
    prop = pd.read_csv(truth / "propensity.csv", dtype={"employee_id": str})
    assert list(prop.columns) == ["employee_id", "quarter", "propensity"]
    assert prop["propensity"].between(0, 1).all()
