"""A short run of ``benchmarks.load_swap``: two workers under a fixed-rate load while a new model
version is promoted. No request fails, every worker swaps, and once both have swapped every
response carries the new version (latencies are the benchmark's business, not asserted here)."""

from __future__ import annotations

import pytest

from benchmarks.load_swap import run

pytestmark = pytest.mark.slow


@pytest.fixture
def small_workspace(data_dir, monkeypatch):
    """300 employees, 3 years, a champion trained with a fast configuration."""
    from model.config import ModelConfig
    from service.ingest.importer import import_paths
    from service.storage.engine import get_engine, init_db
    from service.training import train_and_register
    from synthetic import generate, write_world

    monkeypatch.delenv("MLFLOW_TRACKING_URI", raising=False)
    raw = data_dir.parent / "raw"
    write_world(generate(300, 3, seed=13), raw, data_dir.parent / "truth")
    engine = get_engine()
    init_db(engine)
    assert import_paths([raw], engine).ok
    first = train_and_register(engine, config=ModelConfig(train_quarters=4, ranker_max_iter=40,
                                                          engagement_max_iter=40))
    engine.dispose()
    return data_dir, first.version


def test_no_request_fails_and_both_workers_serve_the_promoted_version(small_workspace):
    data_dir, champion = small_workspace
    # The champion's model logged again as a new version (no second fit: keeps the test short;
    # the workers still load, verify, precompute and swap it), promoted 3 s into a 15 s load.
    result = run(data_dir, rate=10, duration=15, promote_at=3, workers=2, poll_seconds=1,
                 new_version="relog", probe_interval=0.5, confirm_timeout=60)
    old, new = result["old_version"], result["new_version"]
    assert old == champion and new != old

    assert result["requests_sent"] == result["requests_planned"] == 150
    assert result["errors"] == 0, (result["overall"]["error_kinds"], result["probe_errors"])
    assert result["overall"]["errors"] == 0 and result["overall"]["requests"] == 150

    # Before the promotion only the old version answered, on both workers.
    assert set(result["versions_before_promotion"]) == {old}
    assert result["workers_seen_old"] == 2
    # Both workers swapped; no keep-alive connection (one worker) went back to the old version.
    assert result["workers_seen_new"] == 2
    assert len(result["worker_swaps_after_promotion_s"]) == 2
    assert all(t > 0 for t in result["worker_swaps_after_promotion_s"])
    assert result["mixed_connections"] == 0
    assert set(result["versions_seen"]) == {old, new}
    # Once both had swapped, the load's responses all carried the new version.
    after = result["windows"]["after all swapped"]["versions"]
    assert set(after) == {new} and after[new] > 0, result["worker_swaps_after_promotion_s"]
    assert set(result["versions_after_all_swapped"]) == {new}
