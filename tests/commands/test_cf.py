"""``asn-reco cf-recommend`` end to end through the Typer app."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from commands.main import app

runner = CliRunner()


def _plain(output: str) -> str:
    """The text of an error without Rich's box and line wrapping."""
    return " ".join(re.sub(r"[│╭╮╰╯─]", " ", output).split())


@pytest.fixture
def history_csv(tmp_path: Path) -> Path:
    """String ids that look like numbers ("007") must come back exactly as written."""
    rows = [
        ("007", "PKP-1"), ("007", "LATSAR"), ("E-12", "PKP-1"), ("E-12", "SIG-GIS"),
        ("E-13", "LATSAR"), ("E-13", "SIG-GIS"), ("E-13", "PKP-1"), ("E-14", "SIG-GIS"),
        ("E-15", "K3"), ("E-15", "LATSAR"), ("007", "PKP-1"),
    ]
    path = tmp_path / "train.csv"
    pd.DataFrame(rows, columns=["user_id", "item_id"]).assign(timestamp=1).to_csv(path, index=False)
    return path


def test_cf_recommend_writes_top_k_unseen_items(history_csv: Path, tmp_path: Path):
    out = tmp_path / "out" / "recs.csv"
    result = runner.invoke(
        app, ["cf-recommend", "--interactions", str(history_csv), "--k", "2", "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    recs = pd.read_csv(out, dtype={"user_id": str, "item_id": str})
    assert list(recs.columns) == ["user_id", "item_id", "rank", "score"]
    assert set(recs.user_id) == {"007", "E-12", "E-13", "E-14", "E-15"}
    history = pd.read_csv(history_csv, dtype=str)
    assert recs.merge(history, on=["user_id", "item_id"]).empty
    assert (recs.groupby("user_id")["rank"].max() <= 2).all()
    assert set(recs[recs.user_id == "E-13"].item_id) == {"K3"}  # the only item E-13 lacks


def test_weight_column_is_used(tmp_path: Path):
    path = tmp_path / "w.csv"
    # unweighted, 12 co-occurs with 10 more often; weighted, 10-11 is the strong pair
    frame = pd.DataFrame({"user_id": [1, 1, 2, 2, 4, 4, 3], "item_id": [10, 11, 10, 12, 10, 12, 10],
                          "weight": [5, 5, 1, 1, 1, 1, 1]})
    out = tmp_path / "recs.csv"
    for with_weight, expected in ((False, 12), (True, 11)):
        (frame if with_weight else frame.drop(columns="weight")).to_csv(path, index=False)
        result = runner.invoke(app, ["cf-recommend", "--interactions", str(path), "--out",
                                     str(out), "--method", "knn", "--k", "1"])
        assert result.exit_code == 0, result.output
        assert pd.read_csv(out).set_index("user_id").loc[3, "item_id"] == expected
    path.write_text("user_id,item_id,weight\n1,10,oops\n")
    result = runner.invoke(app, ["cf-recommend", "--interactions", str(path), "--out", str(out)])
    assert result.exit_code == 2
    assert "weight must be a non-negative number" in _plain(result.output)


def test_missing_columns_is_a_clear_error(tmp_path: Path):
    path = tmp_path / "bad.csv"
    path.write_text("employee,item_id\n1,2\n")
    result = runner.invoke(app, ["cf-recommend", "--interactions", str(path), "--out",
                                 str(tmp_path / "r.csv")])
    assert result.exit_code == 2
    assert "missing column(s) user_id" in _plain(result.output)
    assert "Traceback" not in result.output


def test_missing_file_and_bad_options_are_clear_errors(history_csv: Path, tmp_path: Path):
    out = str(tmp_path / "r.csv")
    result = runner.invoke(app, ["cf-recommend", "--interactions", str(tmp_path / "nope.csv"),
                                 "--out", out])
    assert result.exit_code == 2 and "does not exist" in _plain(result.output)
    result = runner.invoke(app, ["cf-recommend", "--interactions", str(history_csv), "--out", out,
                                 "--method", "svd"])
    assert result.exit_code == 2 and "must be one of" in _plain(result.output)
    result = runner.invoke(app, ["cf-recommend", "--interactions", str(history_csv), "--out", out,
                                 "--l2", "zero"])
    assert result.exit_code == 2 and "positive number" in _plain(result.output)
