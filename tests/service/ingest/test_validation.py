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
