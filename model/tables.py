"""Canonical tables of the product: column names, kinds, accepted values and natural keys.

This is the single contract between files (import/export), storage, the synthetic generator
and the models. Column names are constants here and nowhere else.

Kinds: ``str``, ``int``, ``float``, ``date`` (ISO ``YYYY-MM-DD``), ``bool``, ``list`` (values
separated by ``;``) and ``targets`` (``CODE:LEVEL`` pairs separated by ``;``).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from model import glossary as g


@dataclass(frozen=True)
class Column:
    """One column of a canonical table."""

    name: str
    kind: str
    required: bool = False
    choices: tuple = ()
    low: float | None = None
    high: float | None = None
    doc: str = ""


@dataclass(frozen=True)
class Table:
    """A canonical table: its columns (the first is always required) and natural key."""

    name: str
    columns: tuple[Column, ...]
    key: tuple[str, ...]
    doc: str = ""
    references: dict[str, str] = field(default_factory=dict)  # column -> "table.column"

    @property
    def names(self) -> list[str]:
        return [c.name for c in self.columns]

    @property
    def required(self) -> list[str]:
        return [c.name for c in self.columns if c.required]

    def column(self, name: str) -> Column:
        for c in self.columns:
            if c.name == name:
                return c
        raise KeyError(f"{self.name} has no column {name!r}")


def _c(name: str, kind: str = "str", **kw) -> Column:
    return Column(name=name, kind=kind, **kw)


UNITS = Table(
    "units",
    (
        _c("unit", required=True, doc="OPD name, e.g. Dinas Kesehatan"),
        _c("sector", choices=g.UNIT_SECTORS),
        _c("unit_kind", choices=("sekretariat", "dinas", "badan", "inspektorat", "rsud",
                                 "satuan", "kecamatan", "kelurahan", "kantor")),
        _c("parent_unit", doc="the kecamatan of a kelurahan office"),
        _c("head_employee_id", doc="employee_id of the head of unit"),
    ),
    key=("unit",),
)

EMPLOYEES = Table(
    "employees",
    (
        _c("employee_id", required=True, doc="NIP (PNS/CPNS), NI-PPPK (PPPK) or any HR key"),
        _c("name"),
        _c("sex", choices=g.SEXES),
        _c("birth_date", "date"),
        _c("employment_type", choices=g.EMPLOYMENT_TYPES),
        _c("grade", choices=g.PNS_GRADES + g.PPPK_GRADES, doc="golongan"),
        _c("job_kind", choices=g.JOB_KINDS),
        _c("position", doc="jabatan"),
        _c("unit"),
        _c("education", choices=("SD", "SMP", "SMA", "D1", "D2", "D3", "D4", "S1", "S2", "S3")),
        _c("appointment_date", "date", doc="TMT CPNS (or TMT PPPK)"),
        _c("digital_access", choices=("good", "limited", "poor"),
           doc="connectivity/device access for e-learning, when HR records it"),
        _c("active", "bool"),
    ),
    key=("employee_id",),
    references={"unit": "units.unit"},
)

COMPETENCIES = Table(
    "competencies",
    (
        _c("code", required=True),
        _c("name_id"),
        _c("name_en"),
        _c("type", choices=g.COMPETENCY_TYPES),
        _c("sector", choices=g.UNIT_SECTORS, doc="for technical competencies of one sector"),
    ),
    key=("code",),
)

COMPETENCY_ASSESSMENTS = Table(
    "competency_assessments",
    (
        _c("employee_id", required=True),
        _c("competency_code", required=True),
        _c("assessed_level", "int", low=1, high=5),
        _c("required_level", "int", low=1, high=5),
        _c("assessed_on", "date", required=True),
    ),
    key=("employee_id", "competency_code", "assessed_on"),
    references={"employee_id": "employees.employee_id", "competency_code": "competencies.code"},
)

PERFORMANCE_REVIEWS = Table(
    "performance_reviews",
    (
        _c("employee_id", required=True),
        _c("period", required=True, doc="YYYY or YYYY-S1/YYYY-S2"),
        _c("skp_rating", choices=g.SKP_RATINGS),
        _c("skp_score", "float", low=0, high=120),
        _c("work_result_rating", choices=g.SKP_EXPECTATIONS,
           doc="SKP 2022 rating of work results (hasil kerja) against the expectation"),
        _c("behaviour_rating", choices=g.SKP_EXPECTATIONS,
           doc="SKP 2022 rating of work behaviour (perilaku kerja, BerAKHLAK)"),
        _c("quadrant", "int", low=1, high=9,
           doc="SKP 2022 performance quadrant (kuadran kinerja) as exported, 1-9"),
    ),
    key=("employee_id", "period"),
    references={"employee_id": "employees.employee_id"},
)

PROGRAMS = Table(
    "programs",
    (
        _c("program_id", required=True),
        _c("title"),
        _c("category", choices=g.PROGRAM_CATEGORIES),
        _c("competencies", "targets", doc="covered competencies with target level: MK01:3;DL02:2"),
        _c("form", choices=g.FORMS),
        _c("delivery", choices=tuple(g.DELIVERIES)),
        _c("jp", "int", low=0, high=1000),
        _c("cost_idr", "int", low=0),
        _c("provider"),
        _c("eligible_job_kinds", "list", choices=g.JOB_KINDS),
        _c("min_grade", choices=g.PNS_GRADES + g.PPPK_GRADES),
        _c("max_grade", choices=g.PNS_GRADES + g.PPPK_GRADES),
        _c("max_age", "int", low=18, high=70),
        _c("eligible_employment_types", "list", choices=g.EMPLOYMENT_TYPES),
        _c("eligible_units", "list"),
        _c("eligible_sectors", "list", choices=g.UNIT_SECTORS),
        _c("mandatory", "bool"),
    ),
    key=("program_id",),
)

OFFERINGS = Table(
    "offerings",
    (
        _c("offering_id", required=True),
        _c("program_id", required=True),
        _c("start_date", "date"),
        _c("end_date", "date"),
        _c("seats", "int", low=0, high=100000),
        _c("location"),
    ),
    key=("offering_id",),
    references={"program_id": "programs.program_id"},
)

ENROLLMENTS = Table(
    "enrollments",
    (
        _c("employee_id", required=True),
        _c("program_id", required=True, doc="may be derived from offering_id"),
        _c("offering_id"),
        _c("date", "date", required=True, doc="date of the nomination or registration"),
        _c("status", choices=g.ENROLLMENT_STATUSES),
        _c("jp_earned", "float", low=0, high=1000),
        _c("post_test_score", "float", low=0, high=100),
        _c("source", choices=g.ENROLLMENT_SOURCES),
        _c("study_load_jp", "float", low=0, high=10000,
           doc="the person's whole study load for the period as declared at registration, this "
               "training included (other trainings, outside study such as a degree under izin "
               "belajar), in JP"),
        _c("prior_attempts", "int", low=0, high=100,
           doc="earlier attempts at the same program before this registration, as the provider "
               "records them (may predate the history held here)"),
    ),
    key=("employee_id", "program_id", "date"),
    references={
        "employee_id": "employees.employee_id",
        "program_id": "programs.program_id",
        "offering_id": "offerings.offering_id",
    },
)

DECISIONS = Table(
    "decisions",
    (
        _c("decision_id", required=True),
        _c("employee_id", required=True),
        _c("program_id", required=True),
        _c("offering_id"),
        _c("decision", required=True, choices=g.DECISIONS),
        _c("reason_code", choices=g.REJECT_REASONS, doc="why a suggestion was rejected"),
        _c("reason"),
        _c("decided_by"),
        _c("decided_at", "date"),
        _c("model_version"),
    ),
    key=("decision_id",),
    references={"employee_id": "employees.employee_id", "program_id": "programs.program_id"},
)

PROGRESS_CHECKS = Table(
    "progress_checks",
    (
        _c("employee_id", required=True),
        _c("offering_id", required=True),
        _c("milestone", required=True, doc="assignment, quiz or module of the training"),
        _c("check_date", "date", required=True, doc="the milestone's due date"),
        _c("submitted", "bool", doc="submitted by the due date"),
        _c("score", "float", low=0, high=100, doc="score of what was submitted by then"),
        _c("submitted_on", "date", doc="the day the work was handed in (also when late or "
                                       "ahead of its due date)"),
    ),
    key=("employee_id", "offering_id", "milestone"),
    doc="early progress in a running training, as the LMS records it at each milestone",
    references={"employee_id": "employees.employee_id", "offering_id": "offerings.offering_id"},
)

TRAINING_RECORDS = Table(
    "training_records",
    (
        _c("employee_id", required=True),
        _c("title", required=True, doc="course or training name as recorded (nama kursus/diklat)"),
        _c("start_date", "date", required=True),
        _c("end_date", "date"),
        _c("kind", choices=g.TRAINING_RECORD_KINDS),
        _c("provider", doc="institution that ran it (instansi penyelenggara)"),
        _c("jp", "float", low=0, high=1000, doc="hours (jam pelajaran) it counts toward the duty"),
        _c("certificate_number", doc="nomor sertifikat / STTPP"),
        _c("source", choices=g.TRAINING_RECORD_SOURCES),
        _c("program_id", doc="the catalogue program it is (matched or confirmed), if any"),
        _c("match_status", choices=g.TRAINING_MATCH_STATUSES),
        _c("match_score", "float", low=0, high=1, doc="the matcher's confidence in program_id"),
    ),
    key=("employee_id", "title", "start_date"),
    doc="training completed outside the catalogue's enrollments; counts toward the JP duty",
    references={"employee_id": "employees.employee_id", "program_id": "programs.program_id"},
)

# In dependency order: a table only references tables before it.
TABLES: dict[str, Table] = {
    t.name: t
    for t in (UNITS, EMPLOYEES, COMPETENCIES, COMPETENCY_ASSESSMENTS, PERFORMANCE_REVIEWS,
              PROGRAMS, OFFERINGS, ENROLLMENTS, DECISIONS, PROGRESS_CHECKS, TRAINING_RECORDS)
}


def parse_targets(cell: str | None) -> dict[str, int]:
    """Parse ``CODE:LEVEL;CODE:LEVEL`` into a dict; raise ValueError on a malformed pair."""
    out: dict[str, int] = {}
    if cell is None or str(cell).strip() == "":
        return out
    for part in str(cell).split(";"):
        part = part.strip()
        if not part:
            continue
        code, sep, level = part.partition(":")
        if not sep or not code.strip() or not level.strip().isdigit():
            raise ValueError(f"expected CODE:LEVEL, got {part!r}")
        lvl = int(level)
        if not 1 <= lvl <= 5:
            raise ValueError(f"level must be 1-5, got {lvl} in {part!r}")
        out[code.strip()] = lvl
    return out


def parse_list(cell: str | None) -> list[str]:
    """Parse a ``;``-separated list cell; empty means no restriction."""
    if cell is None or str(cell).strip() == "":
        return []
    return [v.strip() for v in str(cell).split(";") if v.strip()]
