"""OULAD (Open University Learning Analytics Dataset) mapped onto the product's canonical tables.

Students become employees, regions units, modules programs, module presentations offerings,
registrations enrollments and assessments progress checks. The target is withdrawal:
``Withdrawn`` -> ``dropped``; ``Pass``/``Distinction``/``Fail`` -> ``completed`` (a fail with a
low nominal ``post_test_score``). ``date_unregistration`` is never read: it is set for almost
exactly the withdrawn students (a label leak).

Dates in OULAD are days relative to the presentation start; a presentation ``2013B`` starts in
February, ``2013J`` in October (the first of the month is assumed).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

FILES = ("studentInfo.csv", "studentRegistration.csv", "courses.csv", "assessments.csv",
         "studentAssessment.csv")
START_MONTH = {"B": 2, "J": 10}
# OULAD age bands -> an age inside the band at the student's first presentation start.
AGE_IN_BAND = {"0-35": 27, "35-55": 45, "55<=": 60}
# OULAD highest_education -> the contract's education choices.
EDUCATION = {
    "No Formal quals": "SD",
    "Lower Than A Level": "SMP",
    "A Level or Equivalent": "SMA",
    "HE Qualification": "D3",
    "Post Graduate Qualification": "S2",
}
# Domain of each module (Kuzilek et al. 2017, table 1) as the competency a program covers.
DOMAIN = {"AAA": "SOC", "BBB": "SOC", "GGG": "SOC", "CCC": "STEM", "DDD": "STEM", "EEE": "STEM",
          "FFF": "STEM"}
COMPETENCIES = pd.DataFrame({
    "code": ["SOC", "STEM"],
    "name_id": ["Ilmu Sosial", "Sains, Teknologi, Teknik dan Matematika"],
    "name_en": ["Social sciences", "Science, technology, engineering and mathematics"],
    "type": ["teknis", "teknis"],
})
STATUS = {"Withdrawn": "dropped", "Pass": "completed", "Distinction": "completed",
          "Fail": "completed"}
# OU credits -> JP: one credit is about 10 hours of study, a JP is 45 minutes.
JP_PER_CREDIT = 10 * 60 / 45
# Nominal post-test scores by final result (the OU pass mark is 40).
POST_TEST_SCORE = {"Distinction": 85.0, "Pass": 60.0, "Fail": 20.0}


def presentation_start(code: str) -> pd.Timestamp:
    """Start date of a presentation code such as ``2014J`` (1 October 2014)."""
    year, letter = int(code[:4]), code[4:].upper()
    if letter not in START_MONTH:
        raise ValueError(f"not a presentation code: {code!r} (expected e.g. 2013B or 2014J)")
    return pd.Timestamp(year, START_MONTH[letter], 1)


def offering_id(module: str, presentation: str) -> str:
    """Offering id of a module presentation (``AAA-2013J``)."""
    return f"{module}-{presentation}"


def read_oulad(folder: Path) -> dict[str, pd.DataFrame]:
    """The five OULAD files as text frames (``?`` scores become missing)."""
    missing = [f for f in FILES if not (folder / f).exists()]
    if missing:
        raise FileNotFoundError(f"{folder} lacks OULAD files: {', '.join(missing)}")
    out = {}
    for name in FILES:
        frame = pd.read_csv(folder / name, dtype=str, keep_default_na=False, na_values=[])
        out[name.removesuffix(".csv")] = frame.apply(lambda s: s.str.strip())
    return out


def _iso(dates: pd.Series) -> pd.Series:
    return pd.to_datetime(dates).dt.strftime("%Y-%m-%d").fillna("")


def _days(cells: pd.Series) -> pd.Series:
    return pd.to_numeric(cells.replace({"": np.nan, "?": np.nan}), errors="coerce")


def _with_start(frame: pd.DataFrame) -> pd.DataFrame:
    starts = {c: presentation_start(c) for c in frame["code_presentation"].unique()}
    return frame.assign(_start=frame["code_presentation"].map(starts))


def employees(info: pd.DataFrame) -> pd.DataFrame:
    """One employee per student, from the student's first presentation."""
    first = _with_start(info).sort_values(["_start", "code_module"]).drop_duplicates("id_student")
    age = first["age_band"].map(AGE_IN_BAND)
    birth = [s - pd.DateOffset(years=int(a)) if pd.notna(a) else pd.NaT
             for s, a in zip(first["_start"], age)]
    return pd.DataFrame({
        "employee_id": first["id_student"].to_numpy(),
        "sex": first["gender"].map({"M": "M", "F": "F"}).fillna("").to_numpy(),
        "birth_date": _iso(pd.Series(birth)).to_numpy(),
        "unit": first["region"].to_numpy(),
        "education": first["highest_education"].map(EDUCATION).fillna("").to_numpy(),
        "active": "true",
    }).sort_values("employee_id").reset_index(drop=True)


def programs_and_offerings(courses: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Modules as distance-learning programs (JP = median presentation length in days) and
    presentations as offerings (start from the code, end after the presentation length)."""
    c = _with_start(courses)
    length = pd.to_numeric(c["module_presentation_length"], errors="raise")
    programs = pd.DataFrame({
        "program_id": sorted(c["code_module"].unique()),
    })
    jp = length.groupby(c["code_module"]).median().round().astype(int)
    programs["title"] = "OULAD module " + programs["program_id"]
    domain = programs["program_id"].map(DOMAIN)
    programs["competencies"] = np.where(domain.notna(), domain.fillna("") + ":1", "")
    programs["form"] = "non_klasikal"
    programs["delivery"] = "distance_learning"
    programs["jp"] = programs["program_id"].map(jp).astype(str)
    programs["provider"] = "Open University"
    offerings = pd.DataFrame({
        "offering_id": [offering_id(m, p)
                        for m, p in zip(c["code_module"], c["code_presentation"])],
        "program_id": c["code_module"].to_numpy(),
        "start_date": _iso(c["_start"]).to_numpy(),
        "end_date": _iso(c["_start"] + pd.to_timedelta(length, unit="D")).to_numpy(),
        "location": "online",
    }).sort_values("offering_id").reset_index(drop=True)
    return programs, offerings


def enrollments(info: pd.DataFrame, registration: pd.DataFrame,
                jp: pd.Series) -> pd.DataFrame:
    """Registrations with their outcome; the date is ``date_registration`` after the start
    (the start itself when OULAD has no registration date). A pass earns the module's JP.

    What the student states at registration rides along: ``studied_credits`` (all modules
    studied in the period, also outside this data) as the declared study load in JP, and
    ``num_of_prev_attempts`` (attempts at the module, also before 2013) as prior attempts."""
    keys = ["code_module", "code_presentation", "id_student"]
    reg = registration[keys + ["date_registration"]]  # never date_unregistration
    e = _with_start(info.merge(reg, on=keys, how="left", validate="one_to_one"))
    offset = pd.to_timedelta(_days(e["date_registration"].fillna("")).fillna(0), unit="D")
    result = e["final_result"]
    return pd.DataFrame({
        "employee_id": e["id_student"].to_numpy(),
        "program_id": e["code_module"].to_numpy(),
        "offering_id": [offering_id(m, p)
                        for m, p in zip(e["code_module"], e["code_presentation"])],
        "date": _iso(e["_start"] + offset).to_numpy(),
        "status": result.map(STATUS).fillna("").to_numpy(),
        "jp_earned": np.where(result.isin(["Pass", "Distinction"]),
                              e["code_module"].map(jp).fillna("").to_numpy(), ""),
        "post_test_score": result.map(POST_TEST_SCORE).map(
            lambda v: "" if pd.isna(v) else f"{v:g}").to_numpy(),
        "source": "self",
        "study_load_jp": (_days(e["studied_credits"]) * JP_PER_CREDIT).round(1).map(
            lambda v: "" if pd.isna(v) else f"{v:g}").to_numpy(),
        "prior_attempts": _days(e["num_of_prev_attempts"]).map(
            lambda v: "" if pd.isna(v) else f"{int(v)}").to_numpy(),
    }).sort_values(["date", "employee_id", "program_id"]).reset_index(drop=True)


def progress_checks(info: pd.DataFrame, assessments: pd.DataFrame,
                    submissions: pd.DataFrame) -> pd.DataFrame:
    """One check per registration and dated non-exam assessment: submitted by its due date,
    with the score then known, and the day it was handed in (also when late or ahead; a
    result banked from an earlier presentation is handed in the day before the start).
    Exams are final results, not progress, and are left out."""
    a = assessments[(assessments["assessment_type"] != "Exam") & (assessments["date"] != "")]
    a = _with_start(a)
    a = a.assign(_due=a["_start"] + pd.to_timedelta(_days(a["date"]), unit="D"),
                 _due_day=_days(a["date"]))
    regs = info[["code_module", "code_presentation", "id_student"]]
    dated = a[["code_module", "code_presentation", "id_assessment", "_start", "_due", "_due_day"]]
    checks = regs.merge(dated, on=["code_module", "code_presentation"])
    sub = submissions.assign(_submitted=_days(submissions["date_submitted"]),
                             _score=_days(submissions["score"]))
    checks = checks.merge(sub[["id_student", "id_assessment", "_submitted", "_score"]],
                          on=["id_student", "id_assessment"], how="left", validate="one_to_one")
    handed_in = checks["_start"] + pd.to_timedelta(checks["_submitted"], unit="D")
    on_time = checks["_submitted"].notna() & (checks["_submitted"] <= checks["_due_day"])
    score = checks["_score"].where(on_time)
    return pd.DataFrame({
        "employee_id": checks["id_student"].to_numpy(),
        "offering_id": [offering_id(m, p) for m, p in
                        zip(checks["code_module"], checks["code_presentation"])],
        "milestone": checks["id_assessment"].to_numpy(),
        "check_date": _iso(checks["_due"]).to_numpy(),
        "submitted": np.where(on_time, "true", "false"),
        "score": score.map(lambda v: "" if pd.isna(v) else f"{v:g}").to_numpy(),
        "submitted_on": _iso(handed_in).to_numpy(),
    }).sort_values(["offering_id", "milestone", "employee_id"]).reset_index(drop=True)


def canonical_tables(raw: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    """Every canonical table the OULAD files fill, as text frames ready to write."""
    info = raw["studentInfo"]
    people = employees(info)
    units = pd.DataFrame({"unit": sorted(people["unit"].unique())})
    programs, offerings = programs_and_offerings(raw["courses"])
    return {
        "units": units,
        "employees": people,
        "competencies": COMPETENCIES,
        "programs": programs,
        "offerings": offerings,
        "enrollments": enrollments(info, raw["studentRegistration"],
                                   programs.set_index("program_id")["jp"]),
        "progress_checks": progress_checks(info, raw["assessments"], raw["studentAssessment"]),
    }


def write_canonical(raw: dict[str, pd.DataFrame], out: Path) -> dict[str, Path]:
    """Write ``<table>.csv`` files for the importer into ``out``; returns them by table."""
    out.mkdir(parents=True, exist_ok=True)
    paths = {}
    for name, frame in canonical_tables(raw).items():
        paths[name] = out / f"{name}.csv"
        frame.to_csv(paths[name], index=False)
    return paths
