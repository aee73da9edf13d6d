"""The OULAD adapter maps students, presentations, registrations and assessments onto the
canonical tables, and the importer accepts them."""

import pandas as pd
import pytest

from model.glossary import ENROLLMENT_STATUSES
from model.tables import TABLES
from service.adapters.oulad import (canonical_tables, presentation_start, read_oulad,
                                    write_canonical)
from service.ingest.importer import import_paths


@pytest.fixture(scope="module")
def small(write_oulad, tmp_path_factory):
    folder = write_oulad(tmp_path_factory.mktemp("small"), ("AAA", "BBB"), share=0.08)
    return read_oulad(folder)


@pytest.fixture(scope="module")
def tables(small):
    return canonical_tables(small)


def test_presentation_codes_give_february_and_october_starts():
    assert presentation_start("2013B") == pd.Timestamp("2013-02-01")
    assert presentation_start("2014J") == pd.Timestamp("2014-10-01")
    with pytest.raises(ValueError):
        presentation_start("2014X")


def test_tables_use_only_contract_columns_and_choices(tables):
    for name, frame in tables.items():
        spec = TABLES[name]
        assert set(frame.columns) <= set(spec.names), name
        for col in spec.columns:
            if col.choices and col.name in frame and col.kind != "list":
                cells = frame[col.name][frame[col.name] != ""]
                assert cells.isin([str(c) for c in col.choices]).all(), (name, col.name)


def test_withdrawn_is_dropped_and_fail_completes_with_a_low_score(small, tables):
    info = small["studentInfo"]
    enr = tables["enrollments"].merge(
        info.assign(offering_id=info["code_module"] + "-" + info["code_presentation"]),
        left_on=["employee_id", "offering_id"], right_on=["id_student", "offering_id"])
    assert len(enr) == len(info)
    assert set(enr["status"]) <= set(ENROLLMENT_STATUSES)
    assert (enr.loc[enr["final_result"] == "Withdrawn", "status"] == "dropped").all()
    assert (enr.loc[enr["final_result"] != "Withdrawn", "status"] == "completed").all()
    fail = enr.loc[enr["final_result"] == "Fail", "post_test_score"].astype(float)
    passed = enr.loc[enr["final_result"] == "Pass", "post_test_score"].astype(float)
    assert fail.max() < 40 <= passed.min()


def test_registration_dates_count_days_from_the_presentation_start(small, tables):
    reg = small["studentRegistration"]
    row = reg[reg["date_registration"] != ""].iloc[0]
    enr = tables["enrollments"]
    got = enr[(enr["employee_id"] == row["id_student"])
              & (enr["offering_id"] == f"{row['code_module']}-{row['code_presentation']}")]
    expected = presentation_start(row["code_presentation"]) + pd.Timedelta(
        days=int(row["date_registration"]))
    assert got["date"].tolist() == [expected.strftime("%Y-%m-%d")]


def test_credits_become_the_declared_study_load_and_previous_attempts_prior_attempts(
        small, tables):
    info = small["studentInfo"]
    enr = tables["enrollments"].merge(
        info.assign(offering_id=info["code_module"] + "-" + info["code_presentation"]),
        left_on=["employee_id", "offering_id"], right_on=["id_student", "offering_id"])
    load = enr["study_load_jp"].astype(float)
    credits = enr["studied_credits"].astype(float)
    assert ((load - credits * 40 / 3).abs() <= 0.05).all()
    assert (enr["prior_attempts"] == enr["num_of_prev_attempts"]).all()


def test_hand_in_dates_count_days_from_the_start_also_when_late(small, tables):
    checks = tables["progress_checks"]
    sub = small["studentAssessment"].merge(small["assessments"], on="id_assessment")
    late = sub[pd.to_numeric(sub["date_submitted"]) > pd.to_numeric(sub["date"])].iloc[0]
    row = checks[(checks["employee_id"] == late["id_student"])
                 & (checks["milestone"] == late["id_assessment"])]
    expected = presentation_start(late["code_presentation"]) + pd.Timedelta(
        days=int(late["date_submitted"]))
    assert row["submitted_on"].tolist() == [expected.strftime("%Y-%m-%d")]
    assert (checks.loc[checks["submitted"] == "true", "submitted_on"] != "").all()


def test_birth_dates_fall_inside_the_age_band(small, tables):
    info = small["studentInfo"].drop_duplicates("id_student")
    emp = tables["employees"].merge(info, left_on="employee_id", right_on="id_student")
    start = emp["code_presentation"].map(presentation_start)
    age = (start - pd.to_datetime(emp["birth_date"])).dt.days / 365.25
    bands = {"0-35": (0, 35), "35-55": (35, 55), "55<=": (55, 120)}
    for band, (low, high) in bands.items():
        ages = age[emp["age_band"] == band]
        assert ((ages >= low) & (ages < high)).all(), band


def test_progress_checks_count_only_on_time_submissions_and_skip_exams(small, tables):
    checks = tables["progress_checks"]
    exams = small["assessments"].loc[small["assessments"]["assessment_type"] == "Exam",
                                     "id_assessment"]
    assert not checks["milestone"].isin(exams).any()
    sub = small["studentAssessment"].merge(small["assessments"], on="id_assessment")
    late = sub[pd.to_numeric(sub["date_submitted"]) > pd.to_numeric(sub["date"])].iloc[0]
    row = checks[(checks["employee_id"] == late["id_student"])
                 & (checks["milestone"] == late["id_assessment"])]
    assert row["submitted"].tolist() == ["false"] and row["score"].tolist() == [""]
    assert (checks.loc[checks["submitted"] == "false", "score"] == "").all()


def test_unregistration_dates_are_never_read(small):
    before = canonical_tables(small)
    changed = dict(small)
    changed["studentRegistration"] = small["studentRegistration"].assign(date_unregistration="1")
    after = canonical_tables(changed)
    for name in before:
        pd.testing.assert_frame_equal(before[name], after[name])


def test_the_files_import_cleanly(tables, small, tmp_path):
    from service.storage.engine import get_engine, init_db

    paths = write_canonical(small, tmp_path / "raw")
    engine = get_engine(f"sqlite:///{tmp_path / 'oulad.db'}")
    init_db(engine)
    report = import_paths(list(paths.values()), engine)
    assert report.ok, report.problems[:3]
    assert {s.table: s.inserted for s in report.files} == {k: len(v) for k, v in tables.items()}
    engine.dispose()
