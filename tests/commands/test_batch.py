"""``asn-reco score-all`` (commands/batch.py) on a trained workspace."""

from __future__ import annotations

import json

import pandas as pd
import pytest
from typer.testing import CliRunner

from commands.main import app
from service.batch_scoring import MANIFEST, read_scores

COLUMNS = ["person_key", "program_id", "title", "rank", "score", "relevance", "p_complete",
           "mandatory", "form", "jp", "cost_idr"]


def _run(*args: str):
    return CliRunner().invoke(app, ["score-all", *args])


def _text(result) -> str:
    """The output with Rich's box drawing and line wrapping undone."""
    return " ".join(result.output.replace("│", " ").split())


def test_score_all_writes_every_active_employee_in_parts(plan_world, plan_workspace, tmp_path):
    quarter = plan_world["quarter"]
    r = _run("--as-of", quarter, "--out", str(tmp_path / "a"), "--chunk-size", "150", "--k", "3")
    assert r.exit_code == 0, r.output
    assert "scored" in r.output and f"model version {plan_world['version']}" in r.output
    manifest = json.loads((tmp_path / "a" / MANIFEST).read_text())
    assert manifest["parts"] == len(list((tmp_path / "a").glob("part-*.parquet"))) > 1
    out = read_scores(tmp_path / "a")
    assert list(out.columns) == COLUMNS
    assert out["person_key"].nunique() == manifest["persons"] > 400
    assert out.groupby("person_key")["rank"].max().max() == 3
    # One chunk gives the same rows in the same order with the same scores.
    r = _run("--as-of", quarter, "--out", str(tmp_path / "b"), "--chunk-size", "100000",
             "--k", "3")
    assert r.exit_code == 0, r.output
    pd.testing.assert_frame_equal(out, read_scores(tmp_path / "b"))


def test_with_ids_writes_employee_ids_and_reasons(plan_world, plan_workspace, tmp_path):
    import sqlalchemy as sa

    from service.storage.engine import get_engine

    r = _run("--as-of", plan_world["quarter"], "--out", str(tmp_path / "ids"), "--k", "2",
             "--with-ids", "--reasons")
    assert r.exit_code == 0, r.output
    out = read_scores(tmp_path / "ids")
    assert list(out.columns) == ["employee_id", *COLUMNS[1:], "reasons_id", "reasons_en"]
    with get_engine().connect() as conn:
        rows = conn.execute(sa.text("SELECT employee_id, name FROM employees")).all()
    assert set(out["employee_id"]) <= {e for e, _ in rows} and out["employee_id"].notna().all()
    names = {n for _, n in rows if n}
    assert not names & set(out.astype(str).to_numpy().ravel())
    assert out["reasons_en"].map(len).gt(0).any()


@pytest.mark.parametrize("args, message", [
    (["--engine", "spark"], "choose local or dask"),
    (["--scheduler", "tcp://127.0.0.1:8786"], "needs --engine dask"),
    (["--k", "0"], "--k"),
    (["--chunk-size", "0"], "--chunk-size"),
    (["--workers", "0"], "--workers"),
])
def test_bad_options_exit_2_with_a_message(args, message, tmp_path):
    r = _run("--as-of", "2026Q1", "--out", str(tmp_path / "o"), *args)
    assert r.exit_code == 2 and message in _text(r), r.output


def test_bad_quarter_and_used_folder_exit_2(tmp_path):
    r = _run("--as-of", "2026Q5", "--out", str(tmp_path / "o"))
    assert r.exit_code == 2 and "not a quarter" in _text(r)
    used = tmp_path / "used"
    used.mkdir()
    (used / "part-00000.parquet").write_bytes(b"")
    r = _run("--as-of", "2026Q1", "--out", str(used))
    assert r.exit_code == 2 and "already holds scored parts" in _text(r)


def test_no_champion_exits_2(data_dir, tmp_path):
    r = _run("--as-of", "2026Q1", "--out", str(tmp_path / "o"))
    assert r.exit_code == 2 and "cannot score" in _text(r)
    assert not list(tmp_path.glob("o/part-*"))


@pytest.mark.slow
def test_dask_local_cluster_gives_the_same_parts(plan_world, plan_workspace, tmp_path):
    quarter = plan_world["quarter"]
    r = _run("--as-of", quarter, "--out", str(tmp_path / "local"), "--chunk-size", "120")
    assert r.exit_code == 0, r.output
    r = _run("--as-of", quarter, "--out", str(tmp_path / "dask"), "--chunk-size", "120",
             "--engine", "dask", "--workers", "2")
    assert r.exit_code == 0, r.output
    assert "dask, 2 worker(s)" in r.output
    pd.testing.assert_frame_equal(read_scores(tmp_path / "local"), read_scores(tmp_path / "dask"))


def test_without_as_of_the_quarter_defaults_as_train_does(plan_world, plan_workspace, tmp_path):
    from model.recommender import default_as_of
    from service.model_inputs import load_model_frames
    from service.storage.engine import get_engine

    expected = default_as_of(load_model_frames(get_engine()))
    r = _run("--out", str(tmp_path / "d"), "--k", "2")
    assert r.exit_code == 0, r.output
    assert f"as of {expected} with model version" in _text(r)
    assert read_scores(tmp_path / "d")["person_key"].nunique() > 400
