"""Training outside the catalogue counts its hours once: a matched record that repeats a
completed enrollment of the same program in the same year is left out, in the models too."""

import numpy as np
import pandas as pd

from model.features import person_features
from model.outside_training import (matched_records, record_years, repeated_records,
                                    without_repeats)
from model.snapshot import PERSON, build_snapshot
from model.training_data import yearly_jp


def records(*rows):
    return pd.DataFrame(rows, columns=["employee_id", "program_id", "match_status", "start_date",
                                       "end_date"])


def enrollments(*rows):
    return pd.DataFrame(rows, columns=["employee_id", "program_id", "status", "year"])


def test_a_rejected_match_or_no_program_names_nothing():
    day = "2024-01-01"
    found = records(("A", "P1", "auto", day, None), ("A", "P1", "rejected", day, None),
                    ("A", None, "unmatched", day, None), ("A", "P2", "confirmed", day, None))
    assert matched_records(found).tolist() == [True, False, False, True]


def test_the_year_is_the_end_dates_else_the_start_dates():
    found = records(("A", None, None, "2024-12-28", "2025-01-03"),
                    ("A", None, None, "2024-06-01", None))
    assert record_years(found).tolist() == [2025, 2024]


def test_only_a_completed_enrollment_of_the_same_person_program_and_year_is_a_repeat():
    found = records(("A", "P1", "auto", "2024-03-01", "2024-03-02"),      # repeat
                    ("A", "P1", "rejected", "2024-03-01", "2024-03-05"),  # HR: not P1
                    ("A", "P1", "confirmed", "2023-03-01", None),         # another year
                    ("B", "P1", "auto", "2024-03-01", None),              # B dropped P1
                    ("A", "P2", "auto", "2024-03-01", None))              # another program
    found["year"] = record_years(found)
    held = enrollments(("A", "P1", "completed", 2024), ("B", "P1", "dropped", 2024),
                       ("A", "P3", "completed", 2024))
    assert repeated_records(found, held, person="employee_id").tolist() == [
        True, False, False, False, False]
    assert not repeated_records(found, held.iloc[0:0], person="employee_id").any()


def test_without_repeats_drops_the_external_copy_and_keeps_the_enrollment():
    enr = pd.DataFrame({PERSON: ["a", "a", "a", "b"], "program_id": ["P1", "P1", "P2", "P1"],
                        "status": ["completed"] * 4,
                        "quarter": ["2024Q3", "2024Q1", "2024Q1", "2024Q1"],
                        "source": ["self", "external", "external", "external"]})
    kept = without_repeats(enr)
    assert kept.index.tolist() == [0, 2, 3]
    assert without_repeats(enr[enr["source"] == "self"]).equals(enr[enr["source"] == "self"])


def _frames(record_rows):
    employees = pd.DataFrame({PERSON: ["a"], "sex": ["F"], "birth_date": ["1985-01-01"],
                              "employment_type": ["PNS"], "grade": ["III/a"],
                              "job_kind": ["pelaksana"], "position": ["Staf"], "unit": ["U"],
                              "education": ["S1"], "appointment_date": ["2010-01-01"],
                              "digital_access": ["good"], "active": [True]})
    return {
        "units": pd.DataFrame({"unit": ["U"], "sector": ["health"]}),
        "employees": employees,
        "programs": pd.DataFrame({"program_id": ["P1"], "title": ["Literasi Digital"], "jp": [20]}),
        "offerings": pd.DataFrame({"offering_id": ["O1"], "program_id": ["P1"],
                                   "start_date": ["2024-07-01"], "end_date": ["2024-07-05"]}),
        "enrollments": pd.DataFrame({PERSON: ["a"], "program_id": ["P1"], "offering_id": ["O1"],
                                     "date": ["2024-06-01"], "status": ["completed"],
                                     "jp_earned": [20.0], "source": ["self"]}),
        "training_records": pd.DataFrame(record_rows, columns=[
            PERSON, "title", "start_date", "end_date", "jp", "program_id", "match_status"]),
    }


def test_the_models_count_a_repeated_record_once_and_only_once_both_are_known():
    frames = _frames([("a", "DIKLAT LITERASI DIGITAL", "2024-02-05", "2024-02-07", 20, "P1",
                       "auto"),
                      ("a", "Webinar K3", "2024-08-01", None, 4, None, "unmatched")])
    # Before the enrollment ran, the record's hours are the only ones known.
    early = person_features(build_snapshot(frames, "2024Q3"))
    assert early.loc["a", "jp_this_year"] == 20
    later = person_features(build_snapshot(frames, "2025Q1"))
    assert later.loc["a", "jp_last_year"] == 24  # 20 + 4, not 44
    assert yearly_jp(frames).loc[("a", "2024")] == 24
    # Rejected, the record is another training: its hours count beside the enrollment's.
    frames["training_records"].loc[0, "match_status"] = "rejected"
    assert person_features(build_snapshot(frames, "2025Q1")).loc["a", "jp_last_year"] == 44
    assert np.isclose(yearly_jp(frames).loc[("a", "2024")], 44)
