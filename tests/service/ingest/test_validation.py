"""Contract checks on text cells: each failure names its row, column and rule."""

import pandas as pd

from model.tables import TABLES
from service.ingest.validation import validate_frame


def _failures(table, rows):
    frame = pd.DataFrame(rows, index=range(2, len(rows) + 2))
    return [(f.row, f.column, f.rule) for f in validate_frame(frame, TABLES[table])]


def test_types_ranges_choices_and_targets():
    got = _failures("programs", [
        {"program_id": "P1", "jp": "20", "form": "klasikal", "competencies": "MK01:3"},
        {"program_id": "P2", "jp": "2.5", "form": "online", "competencies": "MK01"},
        {"program_id": "", "jp": "5000", "form": "", "competencies": "MK01:9"},
    ])
    assert (3, "jp", "must be a whole number") in got
    assert any(r == 3 and c == "form" and "must be one of" in rule for r, c, rule in got)
    assert any(r == 3 and c == "competencies" and "CODE:LEVEL" in rule for r, c, rule in got)
    assert (4, "program_id", "required value is missing") in got
    assert (4, "jp", "must be between 0 and 1000") in got
    assert not [f for f in got if f[0] == 2]


def test_offering_end_before_start_is_reported():
    got = _failures("offerings", [{"offering_id": "O1", "program_id": "P1",
                                   "start_date": "2025-03-10", "end_date": "2025-03-01"}])
    assert got == [(2, "end_date", "end_date is before start_date")]


def test_unread_numbers_and_dates_are_reported_with_the_reason():
    got = _failures("offerings", [
        {"offering_id": "O1", "program_id": "P1", "seats": "1.500", "start_date": "12-Jan-24"},
        {"offering_id": "O2", "program_id": "P1", "seats": "Rp 1,5",
         "start_date": "Selasa, 12 Februari 2024"},
    ])
    assert (2, "seats", "ambiguous: 1.500 can be 1.5 or 1500; write 1500 or 1,5 (nothing else "
            "in the column shows which of . and , is the decimal mark)") in got
    assert any(r == 2 and c == "start_date" and "two-digit year" in rule for r, c, rule in got)
    assert (3, "seats", "must be a whole number (Rp 1,5 is 1.5)") in got
    assert any(r == 3 and c == "start_date" and "is a Monday (Senin)" in rule
               for r, c, rule in got)


def test_an_ambiguous_float_is_refused_even_though_it_looks_like_a_number():
    got = _failures("performance_reviews", [
        {"employee_id": "E1", "period": "2024", "skp_score": "1.500"},
        {"employee_id": "E2", "period": "2024", "skp_score": "87.5"},
        {"employee_id": "E3", "period": "2024", "skp_score": "87.1250"},
    ])
    assert [(r, c) for r, c, _ in got] == [(2, "skp_score")]
    assert got[0][2].startswith("ambiguous: 1.500 can be 1.5 or 1500")
