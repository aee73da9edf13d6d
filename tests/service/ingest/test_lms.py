"""The LMS profile: xAPI statements and Moodle's completion report feed enrollments and progress."""

from __future__ import annotations

import json

import pandas as pd
import pytest
import sqlalchemy as sa

from service.ingest.importer import import_paths
from service.storage.schema import CANONICAL, lms_statements

A, B, C = "198503122010012001", "199001012015031002", "PPPK-2023-0001"
COURSE = "https://lms.binjaikota.go.id/xapi/course/O001"
VERB = "http://adlnet.gov/expapi/verbs/"


def statement(sid, who, verb, at, obj=COURSE, parent=None, scaled=None, **extra):
    s = {"id": sid, "actor": {"name": "Nama Peserta", "mbox": "mailto:peserta@example.org",
                              "account": {"homePage": "https://lms", "name": who}},
         "verb": {"id": VERB + verb}, "object": {"id": obj}, "timestamp": at, **extra}
    if parent:
        s["context"] = {"contextActivities": {"parent": [{"id": parent}]}}
    if scaled is not None:
        s["result"] = {"score": {"scaled": scaled}}
    return s


FIRST = [
    statement("s1", C, "registered", "2025-02-01T18:30:00Z"),  # 2 February in Binjai (UTC+7)
    statement("s2", C, "launched", "2025-02-03T02:00:00Z"),
    statement("s3", C, "completed", "2025-02-08T03:00:00Z", obj=COURSE + "/module/modul-1",
              parent=COURSE, scaled=0.8),
    statement("s4", C, "completed", "2025-02-20T03:00:00Z", scaled=0.9),
    statement("s5", C, "commented", "2025-02-04T03:00:00Z"),  # a verb the product does not read
    statement("s6", C, "completed", "2025-02-04T03:00:00Z", obj="https://lms/xapi/course/OTHER"),
]


def write_jsonl(path, statements):
    path.write_text("\n".join(json.dumps(s) for s in statements) + "\n", encoding="utf-8")
    return path


def rows(engine, table, **where):
    t = CANONICAL.get(table, lms_statements if table == "lms_statements" else None)
    query = sa.select(t)
    for column, value in where.items():
        query = query.where(t.c[column] == value)
    with engine.connect() as conn:
        return pd.DataFrame(conn.execute(query).mappings().all())


def enrollment(engine, who, offering="O001"):
    got = rows(engine, "enrollments", employee_id=who, offering_id=offering)
    assert len(got) == 1, got
    return got.iloc[0]


@pytest.fixture
def loaded(db_engine, sample_dir):
    assert import_paths([sample_dir], db_engine).ok
    return db_engine


def test_statements_become_an_enrollment_progress_and_stored_statements(loaded, tmp_path):
    report = import_paths([write_jsonl(tmp_path / "lrs.jsonl", FIRST)], loaded, profile="lms")
    assert report.ok, report.problems
    e = enrollment(loaded, C)
    assert e["status"] == "completed" and e["source"] == "lms" and e["jp_earned"] == 20
    assert e["post_test_score"] == pytest.approx(90)
    assert pd.Timestamp(e["date"]).date().isoformat() == "2025-02-02"
    check = rows(loaded, "progress_checks", employee_id=C).iloc[0]
    assert check["milestone"] == "modul-1" and check["score"] == pytest.approx(80)
    assert bool(check["submitted"]) and str(check["submitted_on"])[:10] == "2025-02-08"
    assert {m.canonical for m in report.mappings} >= {
        "ignored (not read)", "skipped: no such offering", "due date = the day it was handed in"}
    stored = rows(loaded, "lms_statements")
    assert sorted(stored["statement_id"]) == ["s1", "s2", "s3", "s4"]
    assert "Nama Peserta" not in stored.to_csv() and "mailto" not in stored.to_csv()


def fingerprint(engine):
    tables = {t: rows(engine, t) for t in ("enrollments", "progress_checks", "lms_statements")}
    return {t: f.sort_values(list(f.columns)[:3]).to_csv(index=False) for t, f in tables.items()}


def test_the_same_export_twice_changes_nothing(loaded, tmp_path):
    path = write_jsonl(tmp_path / "lrs.jsonl", FIRST)
    assert import_paths([path], loaded, profile="lms").ok
    before = fingerprint(loaded)
    again = import_paths([path], loaded, profile="lms")
    assert again.ok and fingerprint(loaded) == before


def test_a_later_export_is_read_with_the_earlier_statements_and_voiding_counts(loaded, tmp_path):
    assert import_paths([write_jsonl(tmp_path / "a.jsonl", FIRST)], loaded, profile="lms").ok
    void = statement("v1", "admin", "voided", "2025-02-21T01:00:00Z", obj="s4")
    void["object"]["objectType"] = "StatementRef"
    later = import_paths([write_jsonl(tmp_path / "b.jsonl", [void])], loaded, profile="lms")
    assert later.ok, later.problems
    e = enrollment(loaded, C)  # the completion is gone; the module work still shows attendance
    assert e["status"] == "attended" and pd.Timestamp(e["date"]).date().isoformat() == "2025-02-02"
    assert import_paths([tmp_path / "a.jsonl"], loaded, profile="lms").ok  # not brought back
    assert enrollment(loaded, C)["status"] == "attended"


def test_the_lms_never_moves_an_hr_enrollment_back(loaded, tmp_path):
    path = write_jsonl(tmp_path / "lrs.json", [statement("r1", A, "registered",
                                                         "2025-02-02T01:00:00Z")])
    path.write_text(json.dumps({"statements": [json.loads(path.read_text())], "more": ""}))
    report = import_paths([path], loaded, profile="lms")
    assert report.ok, report.problems
    e = enrollment(loaded, A)
    assert e["status"] == "completed" and e["source"] == "self" and e["post_test_score"] == 85
    assert pd.Timestamp(e["date"]).date().isoformat() == "2025-01-15"
    assert any(m.canonical == "kept" for m in report.mappings)


def test_bad_statements_are_named_by_file_row_and_field_and_nothing_is_written(loaded, tmp_path):
    bad = [statement("b1", C, "registered", "2025-02-01T08:00:00Z"),
           statement("b2", "", "registered", "2025-02-01T08:00:00Z"),
           statement("b3", C, "completed", "yesterday"),
           statement("b4", C, "completed", "2025-02-09T08:00:00Z", scaled=1.5),
           statement("b5", "199912312020121001", "registered", "2025-02-01T08:00:00Z")]
    path = write_jsonl(tmp_path / "lrs.jsonl", bad)
    with path.open("a", encoding="utf-8") as f:
        f.write("{not json\n")
    report = import_paths([path], loaded, profile="lms")
    assert not report.ok
    where = {(p.row, p.column) for p in report.problems}
    assert {(2, "actor.account.name"), (3, "timestamp"), (4, "result.score"),
            (6, None)} <= where, report.problems
    assert any(p.row == 5 and p.value == "199912312020121001" for p in report.problems)
    assert all(p.file == str(path) for p in report.problems)
    assert rows(loaded, "lms_statements").empty
    assert rows(loaded, "enrollments", employee_id=C).empty


MOODLE = (",ID number,Email address,Modul 1,2025-02-10 00:00:00,Kuis 1,\n"
          "Rina,PPPK-2023-0001,rina@example.org,Completed,2025-02-09 10:00:00,Not completed,\n"
          "Budi Santoso,199001012015031002,budi@example.org,Not completed,,"
          "Completed (achieved pass grade),2025-02-12 08:00:00\n")


@pytest.mark.parametrize("encoding,sep", [("utf-8", ","), ("utf-16", "\t")])
def test_moodle_completion_report_gives_milestones_with_their_due_dates(loaded, tmp_path,
                                                                        encoding, sep):
    path = tmp_path / "progress.o001.csv"
    path.write_bytes(MOODLE.replace(",", sep).encode(encoding))
    report = import_paths([path], loaded, profile="lms")
    assert report.ok, report.problems
    checks = rows(loaded, "progress_checks").set_index(["employee_id", "milestone"])
    c = checks.loc[(C, "Modul 1")]
    assert bool(c["submitted"]) and str(c["check_date"])[:10] == "2025-02-10"
    b = checks.loc[(B, "Modul 1")]
    assert not bool(b["submitted"]) and pd.isna(b["submitted_on"])
    quiz = checks.loc[(B, "Kuis 1")]  # no expected date: due the day it was done
    assert bool(quiz["submitted"]) and str(quiz["check_date"])[:10] == "2025-02-12"
    assert (C, "Kuis 1") not in checks.index  # neither due nor done
    assert enrollment(loaded, C)["status"] == "attended"
    assert pd.Timestamp(enrollment(loaded, B)["date"]).date().isoformat() == "2025-02-12"
    assert "Rina" not in rows(loaded, "progress_checks").to_csv()


def test_a_milestone_due_date_the_database_knows_decides_late_and_missing(loaded, tmp_path):
    moodle = tmp_path / "progress.O001.csv"
    moodle.write_text(MOODLE, encoding="utf-8")
    assert import_paths([moodle], loaded, profile="lms").ok
    late = [statement("m1", A, "completed", "2025-02-11T03:00:00Z",
                      obj=COURSE + "/activity/Modul%201", parent=COURSE, scaled=0.7),
            statement("m2", C, "completed", "2025-02-12T03:00:00Z",
                      obj=COURSE + "/activity/Kuis%201", parent=COURSE)]
    report = import_paths([write_jsonl(tmp_path / "lrs.jsonl", late)], loaded, profile="lms")
    assert report.ok, report.problems
    checks = rows(loaded, "progress_checks").set_index(["employee_id", "milestone"])
    a = checks.loc[(A, "Modul 1")]  # handed in a day after the cohort's due date
    assert not bool(a["submitted"]) and str(a["check_date"])[:10] == "2025-02-10"
    assert str(a["submitted_on"])[:10] == "2025-02-11" and a["score"] == pytest.approx(70)


def test_an_unknown_course_in_a_moodle_file_name_is_a_problem(loaded, tmp_path):
    path = tmp_path / "progress.nosuchcourse.csv"
    path.write_text(MOODLE, encoding="utf-8")
    report = import_paths([path], loaded, profile="lms")
    assert not report.ok and "nosuchcourse" in report.problems[0].rule
    assert rows(loaded, "progress_checks").empty
