"""Batch scoring (service/batch_scoring.py, model/batch.py): chunking, Dask and the Parquet parts."""

from __future__ import annotations

import json

import pandas as pd
import pyarrow.parquet as pq
import pytest

from model.batch import RESULT_COLUMNS, active_persons, chunked, rank_chunk
from service.batch_scoring import MANIFEST, check_out_dir, read_scores, score_all

KEY = b"batch-scoring-test-key-0123456789"


@pytest.fixture(scope="session")
def scored_world():
    """A 300-person world, pseudonymised, a quickly fitted recommender and its context."""
    from model.config import ModelConfig
    from model.recommender import Recommender, default_as_of
    from model.snapshot import conform
    from service.pseudonym import pseudonymise_tables
    from synthetic import generate

    world = generate(n_employees=300, years=3, seed=5)
    frames = conform(pseudonymise_tables(dict(world.tables), key=KEY))
    config = ModelConfig(train_quarters=4, ranker_max_iter=40, engagement_max_iter=40)
    recommender = Recommender(config).fit(frames, default_as_of(frames))
    return {"world": world, "recommender": recommender, "ctx": recommender.context(frames)}


def test_chunks_give_the_same_rows_as_one_chunk_and_as_recommend(scored_world, tmp_path):
    rec, ctx = scored_world["recommender"], scored_world["ctx"]
    persons = active_persons(ctx)
    assert len(persons) > 200 and len(persons) < len(ctx.snap.people) + 1
    small = score_all(rec, ctx, tmp_path / "small", k=5, chunk_size=37)
    whole = score_all(rec, ctx, tmp_path / "whole", k=5, chunk_size=len(persons))
    assert small.parts == -(-len(persons) // 37) and whole.parts == 1
    a, b = read_scores(tmp_path / "small"), read_scores(tmp_path / "whole")
    pd.testing.assert_frame_equal(a, b)
    # The service's own ranking of everyone at once: same rows, same order, same scores.
    direct = rec.recommend(ctx, persons=persons, k=5, reasons=False)
    direct = direct[list(RESULT_COLUMNS)].reset_index(drop=True)
    pd.testing.assert_frame_equal(a, direct, check_dtype=False)
    assert set(a["person_key"]) <= set(persons) and a.groupby("person_key").size().max() == 5
    inactive = set(ctx.snap.people.index) - set(persons)
    assert not inactive & set(a["person_key"])


def test_reasons_of_a_chunk_are_those_of_everyone_ranked_at_once(scored_world):
    rec, ctx = scored_world["recommender"], scored_world["ctx"]
    persons = active_persons(ctx)
    some = persons[40:80]
    mine = rank_chunk(rec, ctx, some, k=3, reasons=True)
    everyone = rec.recommend(ctx, persons=persons, k=3, reasons=True)
    theirs = everyone[everyone["person_key"].isin(some)].reset_index(drop=True)
    assert mine["reasons_en"].map(len).gt(0).any()
    pd.testing.assert_frame_equal(mine, theirs[list(mine.columns)], check_dtype=False)


def test_parquet_parts_have_the_expected_columns_and_a_manifest(scored_world, tmp_path):
    rec, ctx = scored_world["recommender"], scored_world["ctx"]
    out = tmp_path / "parts"
    summary = score_all(rec, ctx, out, k=4, chunk_size=100, reasons=True, model_version="7")
    parts = sorted(out.glob("part-*.parquet"))
    assert [p.name for p in parts] == [f"part-{i:05d}.parquet" for i in range(summary.parts)]
    expected = list(RESULT_COLUMNS) + ["reasons_id", "reasons_en"]
    for part in parts:
        assert pq.read_schema(part).names == expected
    manifest = json.loads((out / MANIFEST).read_text())
    assert manifest["rows"] == len(read_scores(out)) == summary.rows
    assert manifest["model_version"] == "7" and manifest["persons"] == len(active_persons(ctx))
    # Aggregates only: no person key is written outside the parts.
    text = (out / MANIFEST).read_text()
    assert not any(p in text for p in active_persons(ctx))


def test_with_ids_writes_employee_ids_through_the_pseudonym_key(scored_world, tmp_path):
    from service.pseudonym import person_key

    rec, ctx = scored_world["recommender"], scored_world["ctx"]
    ids = scored_world["world"].tables["employees"]["employee_id"].astype(str)
    mapping = pd.Series(ids.to_numpy(), index=[person_key(e, KEY) for e in ids])
    persons = active_persons(ctx)[:50]
    frame = rank_chunk(rec, ctx, persons, k=2)
    score_all(rec, ctx, tmp_path / "ids", k=2, chunk_size=50, employee_ids=mapping)
    out = read_scores(tmp_path / "ids")
    assert "person_key" not in out.columns and out.columns[0] == "employee_id"
    first = out.iloc[:len(frame)]
    assert [person_key(e, KEY) for e in first["employee_id"]] == frame["person_key"].tolist()
    assert "name" not in out.columns


def test_a_folder_with_parts_is_refused(scored_world, tmp_path):
    rec, ctx = scored_world["recommender"], scored_world["ctx"]
    score_all(rec, ctx, tmp_path / "once", k=1, chunk_size=500)
    with pytest.raises(ValueError, match="already holds scored parts"):
        check_out_dir(tmp_path / "once")
    with pytest.raises(ValueError, match="already holds scored parts"):
        score_all(rec, ctx, tmp_path / "once", k=1)
    with pytest.raises(ValueError, match="engine"):
        score_all(rec, ctx, tmp_path / "other", engine="spark")
    with pytest.raises(ValueError, match="chunk size"):
        chunked(["a"], 0)


def test_dask_threads_give_the_same_parts_as_one_process(scored_world, tmp_path):
    rec, ctx = scored_world["recommender"], scored_world["ctx"]
    local = score_all(rec, ctx, tmp_path / "local", k=5, chunk_size=40)
    dask = score_all(rec, ctx, tmp_path / "dask", k=5, chunk_size=40, engine="dask", workers=2,
                     processes=False)
    assert dask.engine == "dask" and dask.workers == 2 and dask.parts == local.parts
    pd.testing.assert_frame_equal(read_scores(tmp_path / "local"), read_scores(tmp_path / "dask"))


@pytest.mark.slow
def test_dask_worker_processes_give_the_same_parts_as_one_process(scored_world, tmp_path):
    rec, ctx = scored_world["recommender"], scored_world["ctx"]
    score_all(rec, ctx, tmp_path / "local", k=5, chunk_size=60, reasons=True)
    dask = score_all(rec, ctx, tmp_path / "dask", k=5, chunk_size=60, reasons=True,
                     engine="dask", workers=2, processes=True)
    assert dask.workers == 2
    pd.testing.assert_frame_equal(read_scores(tmp_path / "local"), read_scores(tmp_path / "dask"))
