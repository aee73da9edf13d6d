"""GET /api/v1/risk-groups on a real small model: role-aware, suppressed, precomputed, no identities."""

import json
import time

import pandas as pd
import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient

from service.api.routes import risk_groups as route
from service.settings import get_settings
from service.storage.schema import CANONICAL

pytestmark = pytest.mark.slow
THRESHOLD = 10


@pytest.fixture(scope="module")
def risk_app(real_world, api_settings, kit):
    from service.api.app import create_app
    from service.auth.users import create_user

    engine = real_world["engine"]
    with engine.connect() as conn:
        emp = pd.read_sql(sa.select(CANONICAL["employees"]), conn)
    active = emp[emp["active"].astype(bool)]
    unit = active["unit"].value_counts().index[0]  # the largest unit (Dinas Pendidikan)
    for name, role, scope in (("risk_analyst", "analyst", None), ("risk_head", "unit_head", unit)):
        try:
            create_user(engine, name, kit.PASSWORD, role, scope)
        except Exception:  # noqa: BLE001 - created by an earlier module run
            pass
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("ASN_DATA_DIR", str(real_world["data_dir"]))
        get_settings.cache_clear()
        with TestClient(create_app(engine, api=api_settings)) as c:
            yield {"client": c, "unit": unit, "employees": emp}
    get_settings.cache_clear()


def _warm(client, timeout: float = 300.0) -> None:
    """Wait until the precompute thread has the served state's analysis and its trend."""
    services = client.app.state.services
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        state = services.server.state
        if state is not None:
            key = route.computation(services, state)[0]
            if route.cache._key == key:  # noqa: SLF001 - the test checks the precompute itself
                assert route.cache.wait_trend(max(1.0, deadline - time.monotonic()))
                return
        time.sleep(0.5)
    pytest.fail(f"risk analysis not precomputed in {timeout} s: {route.cache.last_error}")


def _get(app, kit, user, role, **params):
    r = app["client"].get("/api/v1/risk-groups", params=params,
                          headers=kit.login(app["client"], user))
    assert r.status_code == 200, r.text
    return r.json()


def test_the_analysis_is_precomputed_so_a_request_is_fast(risk_app, kit):
    _warm(risk_app["client"])
    headers = kit.login(risk_app["client"], "risk_analyst")
    started = time.perf_counter()
    r = risk_app["client"].get("/api/v1/risk-groups", headers=headers)
    assert r.status_code == 200, r.text
    assert time.perf_counter() - started < 5.0
    assert r.json()["trend_pending"] is False


def test_an_analyst_sees_every_group_and_a_unit_head_only_their_unit(risk_app, kit):
    _warm(risk_app["client"])
    every = _get(risk_app, kit, "risk_analyst", "analyst")
    mine = _get(risk_app, kit, "risk_head", "unit_head")
    assert every["unit"] is None and mine["unit"] == risk_app["unit"]
    assert every["people"] is not None and every["people"] > (mine["people"] or 0)
    assert every["groups_shown"] >= 1 and every["trend"]
    analysis = route.cache._analysis  # noqa: SLF001
    assert every["groups_shown"] == sum(
        len(analysis.members[g]) >= THRESHOLD for g in analysis.groups["group_id"])
    in_unit = set(analysis.people.loc[analysis.people["unit"] == risk_app["unit"], "person_key"])
    for g in mine["groups"]:
        assert g["people"] == len(analysis.members[g["group_id"]] & in_unit)
    shown = {g["group_id"]: g["people"] for g in every["groups"]}
    assert all(g["people"] <= shown[g["group_id"]] for g in mine["groups"])


def test_no_group_or_cell_under_the_threshold_and_no_identities(risk_app, kit):
    _warm(risk_app["client"])
    emp = risk_app["employees"]
    for user, role in (("risk_analyst", "analyst"), ("risk_head", "unit_head")):
        for threshold in (THRESHOLD, 25):
            body = _get(risk_app, kit, user, role, threshold=threshold)
            assert all(g["people"] >= threshold for g in body["groups"])
            assert all(c["suppressed"] or (c["people"] or 0) >= threshold for c in body["trend"])
            text = json.dumps(body)
            assert "person_key" not in text
            for eid, name in zip(emp["employee_id"].head(200), emp["name"].head(200)):
                assert str(eid) not in text and str(name) not in text


def test_a_threshold_below_the_minimum_is_refused(risk_app, kit):
    r = risk_app["client"].get("/api/v1/risk-groups", params={"threshold": THRESHOLD - 1},
                               headers=kit.login(risk_app["client"], "risk_analyst"))
    assert r.status_code == 422
