"""The dashboard's JP compliance counts training outside the catalogue, each hour once."""

import datetime as dt

import pytest

from model.config import ModelConfig
from service.auth.roles import Principal
from service.storage.schema import CANONICAL
from service.web import figures

D = dt.date


@pytest.fixture
def engine(db_engine):
    rows = {
        "units": [{"unit": "U1"}, {"unit": "U2"}],
        "employees": [{"employee_id": e, "name": e, "unit": u, "employment_type": "PNS",
                       "active": True} for e, u in (("A", "U1"), ("B", "U1"), ("C", "U2"))],
        "programs": [{"program_id": "P1", "title": "Literasi Digital", "jp": 20}],
        "enrollments": [{"employee_id": "A", "program_id": "P1", "date": D(2025, 2, 1),
                         "status": "completed", "jp_earned": 20.0}],
        "training_records": [
            # A's SIASN row of the P1 she completed in the catalogue: counted once (the enrollment).
            {"employee_id": "A", "title": "DIKLAT LITERASI DIGITAL", "start_date": D(2025, 3, 1),
             "jp": 20.0, "program_id": "P1", "match_status": "auto"},
            # Ends in 2026: counts in 2026.
            {"employee_id": "A", "title": "Webinar", "start_date": D(2025, 12, 30),
             "end_date": D(2026, 1, 2), "jp": 4.0, "match_status": "unmatched"},
            {"employee_id": "B", "title": "Kursus Bahasa Inggris", "start_date": D(2025, 6, 1),
             "end_date": D(2025, 6, 30), "jp": 24.0, "match_status": "unmatched"},
            {"employee_id": "C", "title": "Kursus", "start_date": D(2025, 6, 1), "jp": 30.0,
             "match_status": "unmatched"},
        ],
    }
    with db_engine.begin() as conn:
        for table, values in rows.items():
            for row in values:
                conn.execute(CANONICAL[table].insert().values(**row))
    return db_engine


def jp_of(engine, user, year):
    with engine.connect() as conn:
        staff = figures.staff_jp(conn, user, year, ModelConfig())
    ids = staff["employee_id"]
    return dict(zip(ids, staff["jp"])), dict(zip(ids, staff["met"]))


def test_staff_jp_adds_outside_training_once_and_by_the_year_it_ended(engine):
    jp, met = jp_of(engine, Principal("hr", "analyst", None), 2025)
    assert jp == {"A": 20.0, "B": 24.0, "C": 30.0}
    assert met == {"A": True, "B": True, "C": True}
    later = jp_of(engine, Principal("hr", "analyst", None), 2026)[0]
    assert later == {"A": 4.0, "B": 0.0, "C": 0.0}


def test_a_rejected_match_counts_beside_the_enrollment(engine):
    table = CANONICAL["training_records"]
    with engine.begin() as conn:
        conn.execute(table.update().where(table.c.employee_id == "A", table.c.program_id == "P1")
                     .values(match_status="rejected"))
    assert jp_of(engine, Principal("hr", "analyst", None), 2025)[0]["A"] == 40.0


def test_a_unit_heads_figures_hold_their_unit_only(engine):
    jp, _ = jp_of(engine, Principal("head", "unit_head", "U1"), 2025)
    assert jp == {"A": 20.0, "B": 24.0}
