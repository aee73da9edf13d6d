"""Recommendations for one employee and in batch (JSON, CSV, XLSX)."""

import io

import pandas as pd
import pytest
import sqlalchemy as sa

from service.pseudonym import person_key
from service.storage.schema import impressions


def test_one_employee(client, headers, kit):
    r = client.get(f"/api/v1/employees/{kit.SITI}/recommendations", params={"k": 3},
                   headers=headers["head"])
    body = r.json()
    assert r.status_code == 200 and body["model_version"] == "1" and body["as_of"] == "2025Q2"
    items = body["items"]
    assert [i["rank"] for i in items] == [1, 2, 3]
    assert all(items[n]["score"] >= items[n + 1]["score"] for n in range(2))
    assert items[0]["reasons_id"] and items[0]["reasons_en"] and 0 <= items[0]["p_complete"] <= 1
    assert body["employee_id"] == kit.SITI and body["name"] == "Siti Aminah"


def test_every_list_shown_is_logged_as_impressions_without_the_nip(client, headers, kit,
                                                                    api_world):
    services = client.app.state.services
    services.exposure.flush()
    with api_world["engine"].connect() as conn:
        seen = conn.execute(sa.select(sa.func.max(impressions.c.id))).scalar() or 0
    one = client.get(f"/api/v1/employees/{kit.SITI}/recommendations", params={"k": 3},
                     headers=headers["head"]).json()
    client.get("/api/v1/recommendations", params={"k": 2, "format": "csv"},
               headers=headers["head"])
    services.exposure.flush()
    with api_world["engine"].connect() as conn:
        rows = conn.execute(sa.select(impressions).where(impressions.c.id > seen)
                            .order_by(impressions.c.id)).mappings().all()
    shown = [r for r in rows if r["surface"] == "api"]
    assert [(r["program_id"], r["rank"]) for r in shown] == [
        (i["program_id"], i["rank"]) for i in one["items"]]
    assert {r["person_key"] for r in shown} == {person_key(kit.SITI, services.pseudonym_key)}
    assert {(r["client"], r["model_version"]) for r in rows} == {("head_health", "1")}
    exported = [r for r in rows if r["surface"] == "export"]
    assert exported and {r["rank"] for r in exported} == {1, 2}
    assert not [r for r in rows if kit.SITI in " ".join(str(v) for v in r.values())]


def test_filters_are_passed_to_the_model(client, headers, kit):
    url = f"/api/v1/employees/{kit.SITI}/recommendations"
    items = client.get(url, params={"form": "klasikal", "k": 10}, headers=headers["admin"]).json()["items"]
    assert items and {i["form"] for i in items} == {"klasikal"}
    items = client.get(url, params={"max_cost": 300000}, headers=headers["admin"]).json()["items"]
    assert items and max(i["cost_idr"] for i in items) <= 300000
    body = client.get(url, params={"max_cost": 0, "form": "klasikal"}, headers=headers["admin"]).json()
    assert body["items"] == [] and body["note"] == "no eligible program matches the filters"


@pytest.mark.parametrize("params, field", [({"k": 0}, "k"), ({"k": 51}, "k"),
                                           ({"form": "online"}, "form"),
                                           ({"max_cost": -1}, "max_cost"),
                                           ({"quarter": "2025Q5"}, "quarter"),
                                           ({"quarter": "soon"}, "quarter")])
def test_bad_parameters_are_422(client, headers, kit, params, field):
    r = client.get(f"/api/v1/employees/{kit.SITI}/recommendations", params=params,
                   headers=headers["admin"])
    assert r.status_code == 422 and field in r.json()["detail"]


def test_quarter_is_normalised(client, headers, kit):
    r = client.get(f"/api/v1/employees/{kit.SITI}/recommendations", params={"quarter": "2025q3"},
                   headers=headers["admin"])
    assert r.status_code == 200


def test_unknown_employee_is_404(client, headers):
    assert client.get("/api/v1/employees/nobody/recommendations",
                      headers=headers["admin"]).status_code == 404


def test_batch_json_for_a_unit(client, headers, kit):
    r = client.get("/api/v1/recommendations", params={"unit": kit.HEALTH, "k": 2},
                   headers=headers["analyst"])
    body = r.json()
    assert r.status_code == 200 and body["model_version"] == "1"
    assert {e["unit"] for e in body["employees"]} == {kit.HEALTH}
    assert {kit.SITI, kit.ANDI, kit.FORMULA} <= {e["employee_id"] for e in body["employees"]}
    assert all(len(e["items"]) == 2 for e in body["employees"])


def test_batch_for_a_unit_head_is_their_unit_whatever_they_ask(client, headers, kit):
    mine = client.get("/api/v1/recommendations", headers=headers["head"]).json()
    assert {e["unit"] for e in mine["employees"]} == {kit.HEALTH}
    other = client.get("/api/v1/recommendations", params={"unit": kit.BKPSDM},
                       headers=headers["head"]).json()
    assert other["employees"] == []


def test_batch_csv_is_a_formula_safe_download(client, headers, kit):
    r = client.get("/api/v1/recommendations", params={"unit": kit.HEALTH, "k": 2, "format": "csv"},
                   headers=headers["admin"])
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    assert 'attachment; filename="recommendations-dinas-kesehatan-' in r.headers["content-disposition"]
    frame = pd.read_csv(io.BytesIO(r.content), dtype=str, encoding="utf-8-sig")
    assert set(frame["employee_id"]) >= {kit.SITI, kit.FORMULA}  # NIPs kept as text
    names = set(frame["name"])
    assert "'=HYPERLINK(\"http://x\")" in names and "=HYPERLINK(\"http://x\")" not in names
    assert (frame["model_version"] == "1").all() and len(frame) == 2 * frame["employee_id"].nunique()


def test_batch_xlsx(client, headers, kit):
    r = client.get("/api/v1/recommendations", params={"unit": kit.HEALTH, "format": "xlsx"},
                   headers=headers["admin"])
    assert r.status_code == 200 and r.content[:2] == b"PK"
    frame = pd.read_excel(io.BytesIO(r.content), dtype=str)
    assert frame["name"].str.startswith("=").sum() == 0 and kit.SITI in set(frame["employee_id"])


def test_batch_over_the_limit_is_422(make_client, kit):
    c = make_client(batch_max_persons=2)
    h = kit.login(c, "analyst1")
    r = c.get("/api/v1/recommendations", params={"unit": kit.HEALTH}, headers=h)
    assert r.status_code == 422 and "narrow the filter" in r.json()["detail"]


def test_without_a_model_recommendations_are_503(make_client, kit):
    class Nothing:
        def champion(self):
            raise LookupError("no champion alias")

        def load(self, version):
            raise AssertionError

    c = make_client(Nothing())
    h = kit.login(c, "analyst1")
    r = c.get(f"/api/v1/employees/{kit.SITI}/recommendations", headers=h)
    assert r.status_code == 503 and "no model is loaded" in r.json()["detail"]
    assert r.headers["retry-after"]


def test_precomputed_answers_equal_live_scoring(make_client, kit):
    live = make_client(kit.FakeSource(), precompute_k=0)
    pre = make_client(kit.FakeSource(), precompute_k=10)
    assert live.app.state.services.server.state.precomputed is None
    assert pre.app.state.services.server.state.precomputed
    pre_calls = pre.app.state.services.server.state.recommender.recommend_calls
    for k, params in [(1, {}), (4, {}), (10, {}), (11, {}), (10, {"form": "klasikal"})]:
        a, b = (c.get(f"/api/v1/employees/{kit.SITI}/recommendations", params={"k": k, **params},
                      headers=kit.bearer(c, "analyst1", "analyst")).json() for c in (live, pre))
        assert a == b and 0 < len(a["items"]) <= k
        assert len(a["items"]) == k or k > 4
    # Only the two requests outside the precomputed defaults (k=11, a form filter) scored live.
    assert pre.app.state.services.server.state.recommender.recommend_calls - pre_calls == 2


def test_exploration_fills_a_share_of_slots_from_outside_the_top_k_and_logs_propensities(
        client, headers, kit, api_world):
    services = client.app.state.services
    url = f"/api/v1/employees/{kit.SITI}/recommendations"
    plain = client.get(url, params={"k": 30}, headers=headers["admin"]).json()["items"]
    assert len(plain) >= 4 and not any(i["explored"] for i in plain)
    top2 = [i["program_id"] for i in plain[:2]]
    services.exposure.flush()
    with api_world["engine"].connect() as conn:
        seen = conn.execute(sa.select(sa.func.max(impressions.c.id))).scalar() or 0
    services.settings.exploration_share = 0.5
    try:
        items = client.get(url, params={"k": 2}, headers=headers["admin"]).json()["items"]
    finally:
        services.settings.exploration_share = 0.0
    # Half of 2 slots: the model's first keeps its place, the second is drawn from the rest.
    assert [i["rank"] for i in items] == [1, 2]
    kept, explored = items[:1], items[1:]
    assert [i["program_id"] for i in kept] == top2[:1]
    assert all(i["explored"] for i in explored)
    assert not {i["program_id"] for i in explored} & set(top2)
    pool = min(services.settings.exploration_pool, len(plain) - 2)
    assert all(i["propensity"] == pytest.approx(1 / pool) for i in explored)
    assert all(i["propensity"] == 1.0 and not i["explored"] for i in kept)
    services.exposure.flush()
    with api_world["engine"].connect() as conn:
        rows = conn.execute(sa.select(impressions).where(impressions.c.id > seen)
                            .order_by(impressions.c.id)).mappings().all()
    assert [(r["program_id"], r["explored"], r["propensity"]) for r in rows] == [
        (i["program_id"], i["explored"], pytest.approx(i["propensity"])) for i in items]
