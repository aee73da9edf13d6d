"""Engagement of one employee and of a unit."""


def test_one_employee(client, headers, kit):
    r = client.get(f"/api/v1/employees/{kit.SITI}/engagement", headers=headers["head"])
    body = r.json()
    assert r.status_code == 200 and body["model_version"] == "1"
    assert 0 <= body["p_reach_duty"] <= 1 and body["jp_duty"] == 20 and body["jp_this_year"] >= 20
    assert body["factors"][0] == {"factor": "recent_participation", "effect": 0.1}
    plain = client.get(f"/api/v1/employees/{kit.SITI}/engagement", params={"factors": False},
                       headers=headers["head"]).json()
    assert plain["factors"] is None


def test_unit_aggregates_and_list(client, headers, kit):
    r = client.get(f"/api/v1/units/{kit.HEALTH}/engagement", headers=headers["head"])
    body = r.json()
    assert r.status_code == 200 and body["people"] == len(body["employees"]) >= 3
    ps = [e["p_reach_duty"] for e in body["employees"]]
    assert ps == sorted(ps)
    assert abs(body["mean_p_reach_duty"] - sum(ps) / len(ps)) < 1e-9
    assert body["likely_to_miss_duty"] == sum(p < 0.5 for p in ps)


def test_other_units_are_hidden_from_a_unit_head(client, headers, kit):
    assert client.get(f"/api/v1/units/{kit.BKPSDM}/engagement", headers=headers["head"]).status_code == 404
    assert client.get(f"/api/v1/employees/{kit.BUDI}/engagement", headers=headers["head"]).status_code == 404
    assert client.get(f"/api/v1/units/{kit.BKPSDM}/engagement", headers=headers["analyst"]).status_code == 200
    assert client.get("/api/v1/units/Nowhere/engagement", headers=headers["admin"]).status_code == 404
