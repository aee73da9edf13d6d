"""Quarterly retraining end to end on a small synthetic world (slow: real fits and MLflow).

Scenarios share their fits: a chain (crippled champion -> better challenger -> re-run), a
strong champion followed by a worse challenger, a drifted quarter, SIGKILLs at injected points.
"""

from __future__ import annotations

import copy
import os
import re
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from model import registry
from model.config import ModelConfig
from model.gates import DataValidationError
from service.settings import get_settings

pytestmark = pytest.mark.slow

CRIPPLED = ModelConfig(train_quarters=4, ranker_max_iter=1, engagement_max_iter=1)
FAST = ModelConfig(train_quarters=4, ranker_max_iter=40, engagement_max_iter=40)


def _engine():
    from service.storage.engine import get_engine

    return get_engine(get_settings().db_url)


def _client():
    s = get_settings()
    return registry.client_for(s.tracking_uri, s.artifact_root)


def _run(tools, folder: Path, quarter: str, config: ModelConfig, **kw):
    from service.retraining import retrain

    with pytest.MonkeyPatch.context() as mp:
        tools.use(mp, folder)
        engine = _engine()
        try:
            return retrain(engine, quarter, config=config, actor="tester", **kw)
        finally:
            engine.dispose()


@pytest.fixture(scope="module")
def chain(retrain_base, retrain_tools, tmp_path_factory):
    """Crippled champion for 2026Q2, then a normal challenger for 2026Q3, then the same again."""
    folder = retrain_tools.copy(retrain_base, tmp_path_factory.mktemp("chain") / "ws")
    first = _run(retrain_tools, folder, "2026Q2", CRIPPLED)
    better = _run(retrain_tools, folder, "2026Q3", FAST)
    again = _run(retrain_tools, folder, "2026Q3", FAST)
    return folder, first, better, again


@pytest.fixture(scope="module")
def strong_champion(retrain_base, retrain_tools, tmp_path_factory) -> Path:
    """A workspace whose champion is a normal fit for 2026Q2 (copy before writing)."""
    folder = retrain_tools.copy(retrain_base, tmp_path_factory.mktemp("strong") / "ws")
    result = _run(retrain_tools, folder, "2026Q2", FAST)
    assert result.status == "promoted"
    return folder


def test_first_version_is_promoted_and_a_better_challenger_replaces_it(chain, retrain_tools):
    folder, first, better, _ = chain
    assert first.status == "promoted" and first.champion_before is None, first.reasons
    assert better.status == "promoted", better.reasons
    assert better.champion_before == first.version and better.champion_after == better.version
    # Both were scored on 2026Q3: the challenger by a fit that ended before it.
    gates = better.gates["gates"]
    assert gates["metric.ndcg@10"]["passed"] and "champion" in gates["metric.ndcg@10"]["detail"]
    assert better.metrics["model.ndcg_at_10"] > better.metrics["champion.model.ndcg_at_10"]
    with pytest.MonkeyPatch.context() as mp:
        retrain_tools.use(mp, folder)
        client = _client()
        assert registry.aliases(client) == {"champion": better.version, "previous": first.version}
        tags = registry.version_info(client, better.version).tags
        assert tags["status"] == "promoted" and tags["quarter"] == "2026Q3"
        assert tags["serving_from"] == "2026Q4" and tags["eval_quarter"] == "2026Q3"
        assert int(tags["rows.enrollments"]) > 0 and tags["gate.drift"] in ("pass", "fail")
        recommender, _ = registry.load_version(client, "champion")
        assert recommender.as_of_ == "2026Q4"


def test_rerunning_a_quarter_does_not_create_a_second_version(chain, retrain_tools):
    folder, _, better, again = chain
    assert again.status == "skipped" and again.version == better.version
    with pytest.MonkeyPatch.context() as mp:
        retrain_tools.use(mp, folder)
        assert len(registry.versions(_client())) == 2


def test_every_version_has_a_model_card_with_gates_and_drift(chain, retrain_tools):
    from service.retraining import model_card

    folder, _, better, _ = chain
    with pytest.MonkeyPatch.context() as mp:
        retrain_tools.use(mp, folder)
        md = model_card(better.version)
        html = model_card(better.version, "html")
    assert f"version {better.version}" in md
    assert "## Promotion gates" in md, md
    assert "metric.ndcg@10: pass" in md, better.gates
    assert "## Drift (PSI against the previous quarter)" in md and "2026Q3 against 2026Q2" in md
    assert html.startswith("<!doctype html>") and "Promotion gates" in html


def test_a_worse_challenger_is_rejected_with_its_reason(strong_champion, retrain_tools,
                                                        tmp_path_factory):
    folder = retrain_tools.copy(strong_champion, tmp_path_factory.mktemp("worse") / "ws")
    with pytest.MonkeyPatch.context() as mp:
        retrain_tools.use(mp, folder)
        champion = registry.aliases(_client())["champion"]
    worse = _run(retrain_tools, folder, "2026Q3", CRIPPLED)
    assert worse.status == "rejected"
    assert any(r.startswith("metric.ndcg@10: challenger") for r in worse.reasons), worse.reasons
    with pytest.MonkeyPatch.context() as mp:
        retrain_tools.use(mp, folder)
        client = _client()
        assert registry.aliases(client)["champion"] == champion
        tags = registry.version_info(client, worse.version).tags
        assert tags["status"] == "rejected" and "metric.ndcg@10" in tags["reasons"]


def test_a_drifted_quarter_blocks_promotion_unless_forced(strong_champion, retrain_world,
                                                          retrain_tools, tmp_path_factory):
    # Everyone is re-assessed in 2026Q2 with the widest gaps: people enter 2026Q3 with gaps they
    # did not have at the start of 2026Q2.
    world = copy.deepcopy(retrain_world)
    ass = world.tables["competency_assessments"]
    again = ass.drop_duplicates(["employee_id", "competency_code"], keep="last").copy()
    again["assessed_on"], again["assessed_level"], again["required_level"] = "2026-05-15", 1, 5
    ass = ass[ass["assessed_on"].astype(str) != "2026-05-15"]
    world.tables["competency_assessments"] = pd.concat([ass, again], ignore_index=True)
    root = tmp_path_factory.mktemp("drift")
    retrain_tools.build(root / "fresh", world)
    folder = retrain_tools.copy(strong_champion, root / "ws")
    for name in ("asn_reco.db", "asn_reco.db-wal", "asn_reco.db-shm"):
        (folder / name).unlink(missing_ok=True)
        if (root / "fresh" / name).exists():
            (folder / name).write_bytes((root / "fresh" / name).read_bytes())
    blocked = _run(retrain_tools, folder, "2026Q3", FAST)
    assert blocked.status == "rejected"
    assert "total_gap" in blocked.drift["blocked"], blocked.drift["features"]
    assert any(r.startswith("drift: PSI >= 0.25") for r in blocked.reasons)
    forced = _run(retrain_tools, folder, "2026Q3", FAST, force=True)
    assert forced.status == "promoted" and forced.forced and forced.version == blocked.version
    with pytest.MonkeyPatch.context() as mp:
        retrain_tools.use(mp, folder)
        client = _client()
        assert registry.aliases(client)["champion"] == blocked.version
        tags = registry.version_info(client, blocked.version).tags
        assert tags["forced_by"] == "tester" and re.match(r"\d{4}-\d\d-\d\dT", tags["forced_at"])


def test_an_implausible_quarter_fails_loudly(retrain_world, retrain_tools, tmp_path_factory):
    world = copy.deepcopy(retrain_world)
    enr = world.tables["enrollments"]
    in_q3 = enr["date"].astype(str) >= "2026-07-01"
    world.tables["enrollments"] = enr[~in_q3 | (enr.index % 4 == 0)]
    folder = tmp_path_factory.mktemp("thin") / "ws"
    retrain_tools.build(folder, world)
    with pytest.raises(DataValidationError, match=r"2026Q3 has \d+ enrollments, \d+% of the average"):
        _run(retrain_tools, folder, "2026Q3", CRIPPLED)
    assert not (folder / "mlflow" / "artifacts").exists()


SCRIPT = """
import sys
from model.config import ModelConfig
from service.retraining import retrain
from service.settings import get_settings
from service.storage.engine import get_engine
cfg = ModelConfig(train_quarters=4, ranker_max_iter={iters}, engagement_max_iter={iters})
r = retrain(get_engine(get_settings().db_url), "2026Q3", config=cfg, actor="cron")
print("STATUS", r.status, r.version)
"""


def _consistent(client) -> dict[str, str]:
    """Every alias points at a version whose artifact verifies."""
    current = registry.aliases(client)
    for version in current.values():
        registry.verify_version(client, version)
    return current


@pytest.mark.parametrize("points", [("training", "after_log", "after_register", "before_promote")])
def test_sigkill_at_any_point_leaves_the_champion_and_the_next_run_succeeds(
        points, strong_champion, retrain_tools, tmp_path):
    folder = retrain_tools.copy(strong_champion, tmp_path / "ws")
    with pytest.MonkeyPatch.context() as mp:
        retrain_tools.use(mp, folder)
        before = _consistent(_client())
    env = {**os.environ, "ASN_DATA_DIR": str(folder)}
    env.pop("MLFLOW_TRACKING_URI", None)
    for point in points:
        # A normal config, so that the run reaches every point (a worse one stops at rejection).
        proc = subprocess.run([sys.executable, "-c", SCRIPT.format(iters=40)], cwd=tmp_path,
                              env={**env, "ASN_CRASH_AT": point}, capture_output=True, text=True,
                              timeout=600)
        assert proc.returncode == -9, (point, proc.stderr[-2000:])
        with pytest.MonkeyPatch.context() as mp:
            retrain_tools.use(mp, folder)
            assert _consistent(_client()) == before, point
    proc = subprocess.run([sys.executable, "-c", SCRIPT.format(iters=40)], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr[-2000:]
    status, version = re.search(r"STATUS (\w+) (\d+)", proc.stdout).groups()
    with pytest.MonkeyPatch.context() as mp:
        retrain_tools.use(mp, folder)
        client = _client()
        after = _consistent(client)
        states = {v.version: v.tags.get("status") for v in registry.versions(client)}
    assert status in ("promoted", "rejected") and states[version] == status
    assert after["champion"] == (version if status == "promoted" else before["champion"])
    # The interrupted versions were registered (after_register, before_promote) and are now
    # marked abandoned: never a champion, never reused.
    assert sorted(s for v, s in states.items() if v != version and v not in before.values()) == [
        "abandoned", "abandoned"]
    assert not (tmp_path / "mlruns").exists() and not (tmp_path / "mlflow.db").exists()


def test_no_nip_or_name_reaches_the_mlflow_store(chain, retrain_world, retrain_tools):
    import joblib
    import pickle

    folder = chain[0]
    store = folder / "mlflow"
    nips = set(retrain_world.tables["employees"]["employee_id"].astype(str))
    needles = [n.encode() for n in nips] + [retrain_tools.planted_name.encode(),
                                            retrain_tools.planted_name.encode("utf-16-le")]
    scanned = 0
    for path in store.rglob("*"):
        if not path.is_file():
            continue
        blobs = [path.read_bytes()]
        if path.suffix == ".joblib":  # compressed: scan the pickle itself
            blobs.append(pickle.dumps(joblib.load(path), protocol=4))
        for blob in blobs:
            found = [n for n in needles if n in blob]
            assert not found, (path, found[:3])
        scanned += 1
    assert scanned > 10 and (store / "mlflow.db").exists()


def test_rollback_swaps_champion_and_previous_and_tags_the_rolled_back(chain, retrain_tools,
                                                                       tmp_path):
    from service.retraining import rollback

    folder = retrain_tools.copy(chain[0], tmp_path / "ws")
    _, first, better, _ = chain
    with pytest.MonkeyPatch.context() as mp:
        retrain_tools.use(mp, folder)
        assert rollback("admin") == (first.version, better.version)
        client = _client()
        assert registry.aliases(client) == {"champion": first.version, "previous": better.version}
        assert registry.version_info(client, better.version).tags["rolled_back_by"] == "admin"
        recommender, _ = registry.load_version(client, "champion")
        assert recommender.as_of_ == "2026Q3"
        assert rollback("admin") == (better.version, first.version)  # undo
        assert registry.aliases(client)["champion"] == better.version


def test_the_running_service_switches_to_a_retrained_champion(retrain_base, retrain_tools,
                                                              retrain_world, tmp_path, monkeypatch):
    """A real retrain started through the API; the service serves the new champion after it."""
    import functools
    import time

    from fastapi.testclient import TestClient

    from service import retraining
    from service.api.app import create_app
    from service.api.settings import ApiSettings
    from service.auth import tokens
    from service.auth.users import create_user

    folder = retrain_tools.copy(retrain_base, tmp_path / "ws")
    first = _run(retrain_tools, folder, "2026Q2", CRIPPLED)
    assert first.status == "promoted", first.reasons
    retrain_tools.use(monkeypatch, folder)
    # The real retraining, with the tests' small configuration.
    monkeypatch.setattr(retraining, "retrain", functools.partial(retraining.retrain, config=FAST))
    engine = _engine()
    create_user(engine, "ops", "ops-password-long-enough", "admin")
    token, _ = tokens.issue(tokens.secret_from_file(tokens.SECRET_NAME), "ops", "admin", 30)
    auth = {"Authorization": f"Bearer {token}"}
    emp = retrain_world.tables["employees"]
    employee = str(emp.loc[emp["active"].astype(str).str.lower() == "true", "employee_id"].iloc[0])
    with TestClient(create_app(api=ApiSettings(model_poll_seconds=0))) as client:
        before = client.get("/api/v1/model", headers=auth).json()
        assert before["version"] == first.version and before["as_of"] == "2026Q3"
        r = client.post("/api/v1/model/retrain", json={"quarter": "2026Q3"}, headers=auth)
        assert r.status_code == 202, r.text
        deadline = time.monotonic() + 600
        while (job := client.get("/api/v1/model/retrain", headers=auth).json())["running"]:
            assert time.monotonic() < deadline, job
            # The old champion keeps answering while the challenger trains.
            assert client.get(f"/api/v1/employees/{employee}/recommendations",
                              headers=auth).status_code == 200
            time.sleep(0.5)
        assert job["status"] == "promoted", job
        client_registry = _client()
        new = registry.aliases(client_registry)["champion"]
        assert new != first.version
        after = client.get("/api/v1/model", headers=auth).json()
        assert (after["version"], after["as_of"]) == (new, "2026Q4"), after
        recs = client.get(f"/api/v1/employees/{employee}/recommendations", headers=auth)
        assert recs.status_code == 200 and recs.json()["model_version"] == new, recs.text
    engine.dispose()
