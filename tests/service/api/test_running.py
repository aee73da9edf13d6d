"""GET /api/v1/running-enrolments on a real small model: who is slipping in the trainings under
way, role-scoped, point in time, and updated when progress checks are imported."""

import datetime as dt

import pandas as pd
import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient

from service.settings import get_settings
from service.storage.schema import CANONICAL

pytestmark = pytest.mark.slow
PATH = "/api/v1/running-enrolments"


@pytest.fixture(scope="module")
def running_app(real_world, api_settings, kit):
    from service.api.app import create_app
    from service.auth.users import create_user

    engine = real_world["engine"]
    with engine.connect() as conn:
        emp = pd.read_sql(sa.select(CANONICAL["employees"]), conn)
        checks = pd.read_sql(sa.select(CANONICAL["progress_checks"]), conn)
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("ASN_DATA_DIR", str(real_world["data_dir"]))
        get_settings.cache_clear()
        with TestClient(create_app(engine, api=api_settings)) as c:
            headers = kit.login(c, "real_admin")
            body = c.get(PATH, headers=headers, params={"limit": 5000}).json()
            unit = pd.Series([e["unit"] for e in body["enrolments"]]).value_counts().index[0]
            for name, role, scope in (("run_analyst", "analyst", None),
                                      ("run_head", "unit_head", unit)):
                try:
                    create_user(engine, name, kit.PASSWORD, role, scope)
                except Exception:  # noqa: BLE001 - created by an earlier module run
                    pass
            yield {"client": c, "unit": unit, "employees": emp, "checks": checks,
                   "data_dir": real_world["data_dir"], "engine": engine}
    get_settings.cache_clear()


def _get(app, kit, user, **params):
    r = app["client"].get(PATH, params=params, headers=kit.login(app["client"], user))
    assert r.status_code == 200, r.text
    return r.json()


def test_enrolments_under_way_ranked_by_risk_with_progress_words_and_actions(running_app, kit):
    body = _get(running_app, kit, "run_analyst", limit=5000)
    rows = body["enrolments"]
    assert body["total"] == len(rows) > 0
    assert body["slipping"] == sum(r["change"] is not None and r["change"] > 0 for r in rows)
    risks = [r["risk"] for r in rows]
    assert risks == sorted(risks, reverse=True)
    assert all(0 <= r <= 1 for r in risks)
    # The data's last day: the synthetic city's window end (the last complete quarter's end).
    assert body["on"] == str(pd.Timestamp(running_app["checks"]["check_date"].max()).date())
    with_checks = [r for r in rows if r["checks_due"] > 0]
    assert with_checks, "the synthetic city publishes progress checks of running trainings"
    assert all("tugas" in r["factors_id"] and "task" in r["factors_en"] for r in with_checks)
    assert any(r["action_en"] for r in rows)
    # Those with tasks not handed in are at higher risk, on average, than those with none missing.
    missing = [r["risk"] for r in with_checks if "not handed in" in r["factors_en"]]
    complete = [r["risk"] for r in with_checks if "not handed in" not in r["factors_en"]]
    assert missing and complete and sum(missing) / len(missing) > sum(complete) / len(complete)
    for o in body["offerings"]:
        assert o["people"] >= body["threshold"]


def test_a_unit_head_sees_only_their_unit(running_app, kit):
    every = _get(running_app, kit, "run_analyst", limit=5000)
    mine = _get(running_app, kit, "run_head", limit=5000)
    assert mine["unit"] == running_app["unit"]
    assert mine["enrolments"] and {r["unit"] for r in mine["enrolments"]} == {running_app["unit"]}
    assert mine["total"] < every["total"]
    other = _get(running_app, kit, "run_head", unit="Another unit")
    assert other["enrolments"] == [] and other["total"] == 0


def test_an_earlier_day_reads_only_what_was_due_by_then(running_app, kit):
    now = _get(running_app, kit, "run_analyst", limit=5000)
    day = dt.date.fromisoformat(now["on"]) - dt.timedelta(days=14)
    then = _get(running_app, kit, "run_analyst", limit=5000, on=day.isoformat())
    assert then["on"] == day.isoformat()
    for r in then["enrolments"]:
        assert r["last_check"] is None or r["last_check"] <= day.isoformat()


def test_bad_days_are_refused_with_a_message(running_app, kit):
    headers = kit.login(running_app["client"], "run_analyst")
    future = (dt.date.today() + dt.timedelta(days=3)).isoformat()
    for value in (future, "2026-13-01", "yesterday"):
        r = running_app["client"].get(PATH, params={"on": value}, headers=headers)
        assert r.status_code == 422, r.text
        assert "on" in r.text


def test_importing_progress_checks_updates_the_list(running_app, kit):
    before = _get(running_app, kit, "run_analyst", limit=5000)
    target = next(r for r in before["enrolments"] if "not handed in" in r["factors_en"])
    checks = running_app["checks"]
    mine = checks[(checks["employee_id"] == target["employee_id"])
                  & (checks["offering_id"] == target["offering_id"])]
    missed = mine[~mine["submitted"].astype(bool)]
    assert len(missed)
    fixed = missed.assign(submitted=True, score=95.0, submitted_on=missed["check_date"])
    client = running_app["client"]
    r = client.post("/api/v1/imports", headers=kit.login(client, "real_admin"), files=[(
        "files", ("progress_checks.csv", fixed.to_csv(index=False).encode()))])
    assert r.status_code == 200 and r.json()["ok"], r.text
    assert client.app.state.services.server.wait_idle(120)
    after = _get(running_app, kit, "run_analyst", limit=5000)
    now = next(r for r in after["enrolments"] if r["employee_id"] == target["employee_id"]
               and r["offering_id"] == target["offering_id"])
    assert "not handed in" not in now["factors_en"]
    assert now["risk"] < target["risk"]
