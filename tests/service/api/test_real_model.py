"""The API on a real trained model from the MLflow registry (slow: trains two versions)."""

import hashlib
import shutil
import threading
import time

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient

from model import registry
from service.settings import get_settings
from service.storage.schema import CANONICAL

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def real_app(real_world, api_settings):
    from service.api.app import create_app

    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("ASN_DATA_DIR", str(real_world["data_dir"]))
        get_settings.cache_clear()
        with TestClient(create_app(real_world["engine"], api=api_settings)) as c:
            yield c
    get_settings.cache_clear()


@pytest.fixture(scope="module")
def active_ids(real_world):
    emp = CANONICAL["employees"]
    with real_world["engine"].connect() as conn:
        return [r[0] for r in conn.execute(sa.select(emp.c.employee_id)
                                           .where(emp.c.active.is_(True)).limit(40))]


def _h(c, kit):
    return kit.bearer(c, "real_admin", "admin")


def test_serves_the_champion_with_its_card(real_app, real_world, kit):
    info = real_app.get("/api/v1/model", headers=_h(real_app, kit)).json()
    assert info["version"] == str(real_world["versions"][0]), info["last_error"]
    assert info["status"] == "serving" and info["last_error"] is None
    assert info["metrics"] and info["as_of"] and len(info["sha256"]) == 64
    card = real_app.get("/api/v1/model/card", headers=_h(real_app, kit))
    assert card.status_code == 200 and "Model card" in card.text
    assert real_app.get("/api/v1/health/ready").status_code == 200


def test_real_recommendations_and_engagement(real_app, active_ids, kit):
    h = _h(real_app, kit)
    served = 0
    for eid in active_ids[:10]:
        body = real_app.get(f"/api/v1/employees/{eid}/recommendations", params={"k": 5}, headers=h).json()
        if not body["items"]:
            continue
        served += 1
        assert [i["rank"] for i in body["items"]] == list(range(1, len(body["items"]) + 1))
        assert all(0 <= i["p_complete"] <= 1 and i["reasons_id"] and i["reasons_en"] for i in body["items"])
        eng = real_app.get(f"/api/v1/employees/{eid}/engagement", headers=h).json()
        assert 0 <= eng["p_reach_duty"] <= 1 and eng["jp_duty"] > 0
    assert served >= 5


def test_precomputed_equals_the_models_live_ranking(real_app, real_world, active_ids, kit):
    from service.api import scoring

    state = real_app.app.state.services.server.state
    key = real_app.app.state.services.pseudonym_key
    assert state.precomputed
    rows = [{"employee_id": e, "name": None, "unit": None} for e in active_ids[:8]]
    live_state = type(state)(state.loaded, state.ctx, state.data_version, state.loaded_at,
                             state.context_built_at, None, 0)
    pre = scoring.recommend(state, key, rows, k=10, quarter=None, form=None, max_cost=None)
    live = scoring.recommend(live_state, key, rows, k=10, quarter=None, form=None, max_cost=None)
    for a, b in zip(pre, live):
        assert [i.program_id for i in a.items] == [i.program_id for i in b.items]
        assert [round(i.score, 9) for i in a.items] == [round(i.score, 9) for i in b.items]
        assert [i.reasons_en for i in a.items] == [i.reasons_en for i in b.items]


def _artifact_of(real_world, version: str):
    client = registry.client_for(real_world["settings"].tracking_uri)
    sha = registry.version_info(client, version).sha256
    for path in real_world["settings"].artifact_root.rglob(registry.ARTIFACT_FILE):
        if hashlib.sha256(path.read_bytes()).hexdigest() == sha:
            return client, path
    raise AssertionError("artifact not found")


def test_corrupt_artifact_keeps_the_old_model_then_swap_under_load(real_app, real_world,
                                                                   active_ids, kit, tmp_path):
    v1, v2 = (str(v) for v in real_world["versions"])
    h = _h(real_app, kit)
    client, artifact = _artifact_of(real_world, v2)
    backup = tmp_path / "backup.joblib"
    shutil.copy(artifact, backup)
    registry.promote(client, v2)  # verified now; the file goes bad afterwards
    with open(artifact, "r+b") as fh:  # overwrite bytes in the middle of the pickle
        fh.seek(artifact.stat().st_size // 2)
        fh.write(b"\x00corrupt\x00")
    try:
        r = real_app.post("/api/v1/model/reload", headers=h).json()
        assert r["outcome"] == "failed" and r["version"] == v1 and "ChecksumError" in r["last_error"]
        info = real_app.get("/api/v1/model", headers=h).json()
        assert info["version"] == v1 and info["champion"] == v2 and "checksum" in info["last_error"]
        assert real_app.get("/api/v1/health/ready").json()["model_version"] == v1
        eid = active_ids[0]
        assert real_app.get(f"/api/v1/employees/{eid}/recommendations",
                            headers=h).json()["model_version"] == v1
    finally:
        shutil.copy(backup, artifact)

    results, stop = [], threading.Event()

    def hammer(i):
        while not stop.is_set():
            eid = active_ids[(len(results) + i) % len(active_ids)]
            results.append(real_app.get(f"/api/v1/employees/{eid}/recommendations",
                                        params={"k": 3, "form": "klasikal"}, headers=h))

    threads = [threading.Thread(target=hammer, args=(i,)) for i in range(4)]
    for t in threads:
        t.start()
    try:
        time.sleep(1.0)
        r = real_app.post("/api/v1/model/reload", params={"force": True}, headers=h)
        assert (r.status_code, r.json()["outcome"]) in ((200, "loaded"), (202, "loading")), r.text
        deadline = time.monotonic() + 300
        while real_app.get("/api/v1/model", headers=h).json()["version"] != v2:
            assert time.monotonic() < deadline
            time.sleep(0.5)
        time.sleep(1.0)
    finally:
        stop.set()
        for t in threads:
            t.join()
    assert results and all(r.status_code == 200 for r in results)
    assert {r.json()["model_version"] for r in results} == {v1, v2}
    assert real_app.get("/api/v1/model", headers=h).json()["last_error"] is None
