"""The overview's figures, checked against the database directly."""

import re

import pandas as pd
import pytest
import sqlalchemy as sa

from service.storage.schema import CANONICAL

pytestmark = pytest.mark.slow


def outside_jp(engine, year: int, enrollments: pd.DataFrame) -> pd.Series:
    """JP of training records in ``year`` (by end date, else start date), less the matched ones
    that repeat a completed enrollment of the same program in that year."""
    rec = pd.read_sql(sa.select(CANONICAL["training_records"]), engine.connect())
    when = pd.to_datetime(rec["end_date"]).fillna(pd.to_datetime(rec["start_date"]))
    rec = rec[when.dt.year == year]
    done = enrollments[enrollments["status"] == "completed"]
    held = set(zip(done["employee_id"], done["program_id"]))
    repeat = [(e, p) in held and s != "rejected"
              for e, p, s in zip(rec["employee_id"], rec["program_id"], rec["match_status"])]
    return rec[[not r for r in repeat]].groupby("employee_id")["jp"].sum()


def expected(engine, year: int, unit: str | None = None) -> tuple[int, int, float]:
    emp, enr, prog = (pd.read_sql(sa.select(CANONICAL[t]), engine.connect())
                      for t in ("employees", "enrollments", "programs"))
    if unit:
        emp = emp[emp["unit"] == unit]
    active = emp[emp["active"].fillna(True).astype(bool)]
    enr["date"] = pd.to_datetime(enr["date"])
    mine = enr[(enr["date"].dt.year == year) & enr["employee_id"].isin(emp["employee_id"])]
    jp = mine.groupby("employee_id")["jp_earned"].sum().add(outside_jp(engine, year, mine),
                                                            fill_value=0)
    met = int((active["employee_id"].map(jp).fillna(0) >= 20).sum())
    cost = mine.merge(prog[["program_id", "cost_idr"]], on="program_id")["cost_idr"].sum()
    return met, len(active), float(cost)


def figures(html: str) -> tuple[int, int, int]:
    met, total = re.search(r"([\d.]+) dari ([\d.]+) pegawai aktif", html).groups()
    budget = re.search(r'id="budget-used">Rp ([\d.]+)<', html).group(1)
    return tuple(int(x.replace(".", "")) for x in (met, total, budget))


@pytest.mark.parametrize("who, unit", [("admin", None), ("head_a", "unit_a")])
def test_compliance_and_budget_match_the_data(sessions, web_world, who, unit):
    page = sessions[who].get("/ui/").text
    year = int(web_world["as_of"][:4])
    met, total, cost = expected(web_world["engine"], year, web_world[unit] if unit else None)
    assert figures(page) == (met, total, round(cost))
    assert f'id="model-version">v{web_world["version"]}<' in page


def test_english_by_parameter_then_by_cookie(live_server, web_kit):
    client = web_kit.log_in(live_server["base"], "web_admin")
    english = client.get("/ui/", params={"lang": "en"})
    assert '<html lang="en">' in english.text and "IDR " in english.text
    assert client.cookies.get("asn_lang") == "en"
    assert "JP compliance this year" in client.get("/ui/").text
    assert '<html lang="id">' in client.get("/ui/", params={"lang": "id"}).text
    assert '<html lang="id">' in client.get("/ui/", params={"lang": "xx"}).text
