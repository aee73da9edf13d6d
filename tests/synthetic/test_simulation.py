"""Enrollments respect eligibility at their date, seats, offerings and the status rules."""

from __future__ import annotations

import pandas as pd

from model import glossary as g
from model.tables import parse_list

CLOSED = ("completed", "attended", "dropped", "no_show")


def _joined(world, staff) -> pd.DataFrame:
    t = world.tables
    return (t["enrollments"]
            .merge(staff, on="employee_id", suffixes=("", "_emp"))
            .merge(t["programs"], on="program_id")
            .merge(t["offerings"], on="offering_id", suffixes=("", "_off")))


def _eligible(row) -> list[str]:
    """Independent re-statement of the eligibility rules of the programs table."""
    why = []
    for col, value in (("eligible_job_kinds", row.job_kind),
                       ("eligible_employment_types", row.employment_type),
                       ("eligible_units", row.unit), ("eligible_sectors", row.sector)):
        allowed = parse_list(row[col] if isinstance(row, pd.Series) else getattr(row, col))
        if allowed and value not in allowed:
            why.append(col)
    for col, sign in (("min_grade", 1), ("max_grade", -1)):
        bound = getattr(row, col)
        if bound:
            same_scale = (bound in g.PPPK_GRADES) == (row.grade in g.PPPK_GRADES)
            if not same_scale or sign * (g.grade_rank(row.grade) - g.grade_rank(bound)) < 0:
                why.append(col)
    date = pd.Timestamp(row.date)
    age = (date - pd.Timestamp(row.birth_date)).days / 365.25
    if pd.notna(row.max_age) and row.max_age != "" and int(age) > int(row.max_age):
        why.append("max_age")
    if date < pd.Timestamp(row.appointment_date):
        why.append("before appointment")
    return why


def test_every_enrollment_is_eligible_at_its_date(world, staff):
    joined = _joined(world, staff)
    assert len(joined) == len(world.tables["enrollments"])
    bad = [(r.program_id, _eligible(r)) for r in joined.itertuples() if _eligible(r)]
    assert bad == []


def test_seats_are_never_exceeded_and_offerings_match_programs(world, staff):
    joined = _joined(world, staff)
    assert (joined["program_id"] == joined["program_id_off"]).all()
    used = joined.groupby("offering_id").size()
    seats = world.tables["offerings"].set_index("offering_id")["seats"]
    assert (used <= seats.reindex(used.index)).all()
    assert (used == seats.reindex(used.index)).any()  # seats do bind somewhere


def test_enrollment_dates_fall_before_the_offering_in_the_same_quarter(world, staff):
    joined = _joined(world, staff)
    date, start = pd.to_datetime(joined["date"]), pd.to_datetime(joined["start_date"])
    assert (date < start).all()
    assert (date.dt.to_period("Q") == start.dt.to_period("Q")).all()


def test_statuses_jp_and_post_tests_follow_the_rules(world):
    e = world.tables["enrollments"]
    jp = e.merge(world.tables["programs"][["program_id", "jp"]], on="program_id")["jp"]
    done = e["status"] == "completed"
    assert (e.loc[done, "jp_earned"] == jp[done]).all()
    assert (e.loc[~done, "jp_earned"] < jp[~done]).all()
    assert (e.loc[e["status"].isin(["no_show", "nominated", "registered"]), "jp_earned"] == 0).all()
    assert e.loc[done, "post_test_score"].between(0, 100).all()
    assert e.loc[~done, "post_test_score"].isna().all()
    assert set(e["status"]) >= set(CLOSED)
    # Every source but the LMS's own registrations (the LMS import writes those).
    assert set(e["source"]) == set(g.ENROLLMENT_SOURCES) - {"lms"}
    assert e["offering_id"].notna().all()
    assert not e.duplicated(["employee_id", "program_id", "date"]).any()


def test_most_pns_train_every_year_but_many_miss_20_jp(world):
    e = world.tables["enrollments"].assign(year=lambda f: f["date"].str[:4])
    emp = world.tables["employees"]
    pns = emp.loc[(emp["employment_type"] == "PNS") & (emp["active"] == "true")
                  & (emp["appointment_date"] < "2025-01-01"), "employee_id"]
    jp = e[e["year"] == "2025"].groupby("employee_id")["jp_earned"].sum().reindex(pns).fillna(0)
    assert (jp > 0).mean() > 0.7
    assert 0.3 < (jp >= 20).mean() < 0.85


def test_inactive_people_do_not_enrol_after_they_left(world, written):
    _, truth_dir = written
    people = pd.read_csv(truth_dir / "people.csv", dtype=str, keep_default_na=False)
    left = people[people["exit_date"] != ""].set_index("employee_id")["exit_date"]
    e = world.tables["enrollments"]
    e = e[e["employee_id"].isin(left.index)]
    assert (e["date"] < left.reindex(e["employee_id"]).to_numpy()).all()
