"""The ``lms`` import profile: e-learning completions and progress as the LMS exports them.

Two kinds of file, recognised by their form, fill ``enrollments`` and ``progress_checks``:

- **xAPI statements** (``.json``, ``.jsonl``; see ``service.ingest.xapi``). The training is the
  activity whose IRI ends in an offering id (``https://lms.binjaikota.go.id/xapi/course/OFF-12``);
  a statement about an activity inside it (its ``context.contextActivities`` parent or grouping
  is the course) is about a milestone, named by the last segment of that activity's IRI. The raw
  statements are kept in ``lms_statements`` by statement id, so importing the same export again
  changes nothing and a later export holding only new statements is read together with the
  earlier ones. Of a learner's statements on a course the latest outcome decides the status
  (``completed``/``passed`` -> completed, ``failed`` -> attended (not completed), ``withdrew``/
  ``dropped`` -> dropped); without one, any activity means attended and ``registered`` means
  registered. ``voided`` statements cancel the statement they name.
- **Moodle's activity completion report** (``progress.<course short name>.csv``; see
  ``service.ingest.moodle``): every learner listed is enrolled; each activity is a milestone,
  due on its expected completion date.

A milestone's due date is the expected date Moodle gives, else the one the database already
holds for that milestone of that offering (the cohort's most common), else the day it was handed
in (reported). When the due date is known and has passed by the export's last statement, a
learner of the offering who handed nothing in gets the milestone as not submitted.

An enrollment the database already has for the learner and offering (HR's nomination) is
updated in place, keeping its date and source; a new one is dated by the learner's first
statement (or the offering's start for Moodle) with source ``lms``. The LMS never moves an HR
enrollment back (a completed one stays completed). Statements about activities that are no
known offering, and verbs the product does not read, are skipped and listed in the mappings.
Files named after a canonical table (``offerings.csv``) may come in the same batch.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta, timezone
from pathlib import Path

import pandas as pd
import sqlalchemy as sa

from model.tables import TABLES
from service.ingest import moodle, xapi
from service.ingest.importer import Batch, ParsedFile, Progress, list_files, read_beside
from service.ingest.readers import SUFFIXES, FileRejected, Limits, decode_text
from service.ingest.report import FileSummary, ImportReport, Mapping
from service.ingest.values import normalise_frame
from service.storage.schema import CANONICAL, lms_statements

WIB = timezone(timedelta(hours=7))  # Binjai's local time: dates are the day it was there
OUTCOME = {"completed": "completed", "passed": "completed", "failed": "attended",
           "withdrew": "dropped", "dropped": "dropped", "unregistered": "dropped"}
ENGAGED = ("launched", "initialized", "attempted", "attended", "progressed", "resumed",
           "experienced", "interacted", "suspended", "terminated", "answered", "submitted",
           "submit", "scored")
HANDED_IN = ("completed", "passed", "failed", "submitted", "submit", "scored")
VERBS = (*OUTCOME, *ENGAGED, "registered", "voided")
RANK = {"nominated": 0, "registered": 1, "attended": 2, "no_show": 2, "dropped": 3,
        "completed": 4}
MAX_SKIPPED_SHOWN = 20
BEFORE = "(statements imported before)"
FIELDS = {"employee_id": "actor.account.name", "offering_id": "object.id", "date": "timestamp",
          "status": "verb.id", "post_test_score": "result.score.scaled",
          "milestone": "object.id", "check_date": "timestamp", "submitted_on": "timestamp",
          "submitted": "verb.id", "score": "result.score.scaled"}


@dataclass
class _Known:
    """What the database (and the batch's canonical files) already say about offerings."""

    offerings: dict[str, dict] = field(default_factory=dict)  # id -> program_id, start_date
    by_key: dict[str, str] = field(default_factory=dict)  # lower-case / Moodle short name -> id
    jp: dict[str, float] = field(default_factory=dict)  # program_id -> JP
    enrollments: dict[tuple[str, str], dict] = field(default_factory=dict)
    due: dict[tuple[str, str], date] = field(default_factory=dict)  # (offering, milestone)

    def offering(self, text: str) -> str | None:
        key = text.strip().lower()
        return self.by_key.get(key) or self.by_key.get(_moodle_short(key))


def _moodle_short(text: str) -> str:
    """A name as Moodle writes a course short name into a file name."""
    return "".join(c if c.isascii() and (c.isalnum() or c == "-") else "_" for c in text.lower())


def _known(conn: sa.Connection, parsed: list[ParsedFile]) -> _Known:
    k = _Known()
    off = CANONICAL["offerings"]
    for oid, pid, start in conn.execute(sa.select(off.c.offering_id, off.c.program_id,
                                                  off.c.start_date)):
        k.offerings[oid] = {"program_id": pid, "start_date": start}
    prog = CANONICAL["programs"]
    k.jp = {pid: jp for pid, jp in conn.execute(sa.select(prog.c.program_id, prog.c.jp))}
    for p in parsed:
        if p.table == "offerings" and {"offering_id", "program_id"} <= set(p.frame.columns):
            starts = p.frame.get("start_date", pd.Series("", index=p.frame.index))
            for oid, pid, start in zip(p.frame["offering_id"], p.frame["program_id"], starts):
                k.offerings[oid] = {"program_id": pid,
                                    "start_date": pd.to_datetime(start or None, errors="coerce")}
        if p.table == "programs" and {"program_id", "jp"} <= set(p.frame.columns):
            k.jp.update({pid: pd.to_numeric(jp, errors="coerce")
                         for pid, jp in zip(p.frame["program_id"], p.frame["jp"])})
    for oid in k.offerings:
        k.by_key.setdefault(oid.lower(), oid)
        k.by_key.setdefault(_moodle_short(oid), oid)
    return k


def _load_state(conn: sa.Connection, k: _Known, offerings: set[str]) -> None:
    """Existing enrollments and milestone due dates of the offerings the batch touches."""
    enr, chk = CANONICAL["enrollments"], CANONICAL["progress_checks"]
    ids = sorted(offerings)
    for i in range(0, len(ids), 500):
        part = ids[i:i + 500]
        for row in conn.execute(sa.select(enr.c.employee_id, enr.c.offering_id, enr.c.program_id,
                                          enr.c.date, enr.c.status, enr.c.source,
                                          enr.c.jp_earned, enr.c.post_test_score)
                                .where(enr.c.offering_id.in_(part))):
            k.enrollments[(row.employee_id, row.offering_id)] = row._asdict()
        dues: dict[tuple[str, str], Counter] = defaultdict(Counter)
        for oid, milestone, due in conn.execute(sa.select(chk.c.offering_id, chk.c.milestone,
                                                          chk.c.check_date)
                                                .where(chk.c.offering_id.in_(part))):
            if due is not None:
                dues[(oid, milestone)][pd.Timestamp(due).date()] += 1
        k.due.update({key: c.most_common(1)[0][0] for key, c in dues.items()})


@dataclass
class _Pair:
    """One learner on one offering, as the LMS files tell it."""

    label: str
    row: int
    statements: list[xapi.Statement] = field(default_factory=list)
    moodle_status: str | None = None
    first_day: date | None = None


def _text(value: object) -> str:
    return "" if value is None or pd.isna(value) else f"{value:g}"


def _day(statement: xapi.Statement) -> date:
    return statement.at.astimezone(WIB).date()


def _pairs_of(conn: sa.Connection, ids: set[str]) -> set[tuple[str, str]]:
    """The (learner, offering) pairs of stored statements with these ids."""
    t, out, ids_ = lms_statements, set(), sorted(ids)
    for i in range(0, len(ids_), 500):
        out |= {(p, o) for p, o in conn.execute(sa.select(t.c.employee_id, t.c.offering_id)
                                                .where(t.c.statement_id.in_(ids_[i:i + 500])))}
    return out


def _stored(conn: sa.Connection, pairs: set[tuple[str, str]]) -> list[xapi.Statement]:
    """Statements imported before for the learners and offerings of this batch."""
    t = lms_statements
    out: list[xapi.Statement] = []
    people = sorted({p for p, _ in pairs})
    for i in range(0, len(people), 500):
        for r in conn.execute(sa.select(t).where(t.c.employee_id.in_(people[i:i + 500]))):
            if (r.employee_id, r.offering_id) in pairs:
                at = pd.Timestamp(r.at)
                at = (at.tz_localize("UTC") if at.tzinfo is None else at).to_pydatetime()
                out.append(xapi.Statement(r.statement_id, r.employee_id, r.verb, r.activity_id,
                                          at, 0, r.score_scaled, offering=r.offering_id,
                                          milestone=r.milestone))
    return out


class _Reader:
    """The LMS files of a batch as read: statements, Moodle reports, what was skipped."""

    def __init__(self, report: ImportReport, limits: Limits, encoding: str | None):
        self.report, self.limits, self.encoding = report, limits, encoding
        self.statements: list[tuple[str, xapi.Statement]] = []
        self.progress: list[tuple[str, str, list[moodle.Progress]]] = []
        self.skipped: Counter = Counter()
        self.verbs: Counter = Counter()

    def read_xapi(self, file: Path) -> None:
        label = str(file)
        data = file.read_bytes()
        if len(data) > self.limits.max_bytes:
            self.report.add(label, f"file is {len(data):,} bytes, over the limit of "
                            f"{self.limits.max_bytes:,} (ASN_IMPORT_MAX_BYTES)")
            return
        try:
            text = decode_text(data, self.encoding)
        except FileRejected as exc:
            self.report.add(label, exc.rule, exc.row)
            return
        found = xapi.read_statements(text, label, file.suffix.lower() == ".jsonl", self.report)
        if len(found) > self.limits.max_rows:
            self.report.add(label, f"file has more than {self.limits.max_rows:,} statements "
                            "(ASN_IMPORT_MAX_ROWS)")
            return
        self.statements += [(label, s) for s in found]

    def read_report(self, file: Path, rows: list[list[str]], course: str) -> None:
        self.progress.append((str(file), course, moodle.read_report(rows, str(file), self.report)))


def _link(k: _Known, reader: _Reader, label: str, st: xapi.Statement) -> bool:
    """Set the statement's offering and milestone; False when it belongs to no offering."""
    own = k.offering(xapi.last_segment(st.activity_id))
    if own:
        st.offering, st.milestone = own, None
        return True
    for parent in st.parents:
        oid = k.offering(xapi.last_segment(parent))
        if oid:
            st.offering, st.milestone = oid, xapi.last_segment(st.activity_id)
            return True
    reader.skipped[(label, st.parents[0] if st.parents else st.activity_id)] += 1
    return False


def _status(statements: list[xapi.Statement]) -> str:
    course = sorted((s for s in statements if s.milestone is None), key=lambda s: s.at)
    outcomes = [OUTCOME[s.verb] for s in course if s.verb in OUTCOME]
    if outcomes:
        return outcomes[-1]
    if any(s.verb in ENGAGED for s in course) or any(s.milestone for s in statements):
        return "attended"
    return "registered"


def _course_score(statements: list[xapi.Statement]) -> str:
    scored = sorted((s for s in statements if s.milestone is None and s.score_scaled is not None
                     and s.verb in OUTCOME), key=lambda s: s.at)
    return f"{scored[-1].score_scaled * 100:.6g}" if scored else ""


def _enrollments(k: _Known, pairs: dict[tuple[str, str], _Pair], report: ImportReport
                 ) -> dict[str, list[dict]]:
    """Enrollment rows per source file."""
    out: dict[str, list[dict]] = defaultdict(list)
    kept = 0
    for (person, oid), pair in pairs.items():
        xstatus = _status(pair.statements) if pair.statements else None
        status = max((s for s in (xstatus, pair.moodle_status) if s), key=RANK.__getitem__)
        existing = k.enrollments.get((person, oid))
        offering = k.offerings[oid]
        row = {"_row": pair.row, "employee_id": person, "offering_id": oid,
               "program_id": offering["program_id"]}
        if existing:
            row["date"] = pd.Timestamp(existing["date"]).date().isoformat()
            row["program_id"] = existing["program_id"]
            row["source"] = existing["source"] or ""
            old = existing["status"]
            guard = existing["source"] != "lms" or not pair.statements
            if old in RANK and guard and RANK[old] > RANK[status]:
                status, kept = old, kept + 1
        else:
            start = offering.get("start_date")
            first = min((_day(s) for s in pair.statements), default=None) or pair.first_day
            if first is None and start is not None and not pd.isna(start):
                first = pd.Timestamp(start).date()
            row["date"] = first.isoformat() if first else ""
            row["source"] = "lms"
        jp = k.jp.get(row["program_id"])
        row["status"] = status
        # What the LMS does not say (JP earned short of completion, a score it lacks) stays as
        # the database has it.
        before = existing or {}
        row["jp_earned"] = (f"{jp:g}" if status == "completed" and jp is not None
                            and not pd.isna(jp) else _text(before.get("jp_earned")))
        row["post_test_score"] = (_course_score(pair.statements)
                                  or _text(before.get("post_test_score")))
        out[pair.label].append(row)
    if kept:
        report.mappings.append(Mapping("(lms)", "status", "(HR's status further along)",
                                       "kept", kept))
    return out


def _checks(k: _Known, pairs: dict[tuple[str, str], _Pair], reader: _Reader,
            report: ImportReport) -> dict[str, list[dict]]:
    """Progress check rows, per source (a file, a file's activity, or a derived list).

    Each source's rows point at distinct rows of its file: a Moodle report's activities are one
    source each (a learner's row holds them all), and rows derived from what the database
    already holds (statements imported before, due work not handed in) are listed apart.
    """
    out: dict[str, list[dict]] = defaultdict(list)
    seen: set[tuple[str, str, str]] = set()
    own_due = own_missing = 0
    latest = max((s.at for _, s in reader.statements), default=None)
    milestones: dict[str, set[str]] = defaultdict(set)

    def add(source: str, row: int | None, person: str, oid: str, ms: str, due: date,
            on: date | None, score: str, submitted: bool) -> None:
        rows = out[source]
        rows.append({"_row": row if row else len(rows) + 1, "employee_id": person,
                     "offering_id": oid, "milestone": ms, "check_date": due.isoformat(),
                     "submitted": "true" if submitted else "false",
                     "submitted_on": on.isoformat() if on else "", "score": score})
        seen.add((person, oid, ms))

    for (person, oid), pair in pairs.items():
        by_ms: dict[str, list[xapi.Statement]] = defaultdict(list)
        for s in pair.statements:
            if s.milestone:
                by_ms[s.milestone].append(s)
                milestones[oid].add(s.milestone)
        for ms, sts in by_ms.items():
            handed = sorted((s for s in sts if s.verb in HANDED_IN), key=lambda s: s.at)
            if not handed:
                continue
            on = _day(handed[0])
            due = k.due.get((oid, ms))
            if due is None:
                due, own_due = on, own_due + 1
            scored = [s for s in handed if s.score_scaled is not None]
            score = f"{scored[-1].score_scaled * 100:.6g}" if scored else ""
            first = handed[0]
            source = pair.label if first.row else BEFORE
            add(source, first.row, person, oid, ms, due, on, score, on <= due)
    for (person, oid), pair in pairs.items():  # due, known, passed by the export, not handed in
        if not pair.statements or latest is None:
            continue
        for ms in sorted(milestones[oid]):
            due = k.due.get((oid, ms))
            if (person, oid, ms) in seen or due is None or due >= latest.astimezone(WIB).date():
                continue
            add(f"{pair.label} (due, not handed in: {ms})", pair.row, person, oid, ms, due,
                None, "", False)
            own_missing += 1
    for label, course, progress in reader.progress:
        oid = k.offering(course)
        for p in progress:
            if oid is None or (p.employee_id, oid, p.milestone) in seen:
                continue
            due = p.due
            if due is None and p.on is None:
                continue  # neither due nor done: nothing to say yet
            if due is None:
                due, own_due = p.on, own_due + 1
            add(f"{label} [{p.milestone}]", p.row, p.employee_id, oid, p.milestone, due, p.on,
                "", p.done and p.on <= due)
    if own_due:
        report.mappings.append(Mapping("(lms)", "check_date", "(no due date known)",
                                       "due date = the day it was handed in", own_due))
    if own_missing:
        report.mappings.append(Mapping("(lms)", "submitted", "(due, nothing handed in)",
                                       "not submitted", own_missing))
    return out


def _parsed(table: str, rows_by_file: dict[str, list[dict]]) -> list[ParsedFile]:
    spec = TABLES[table]
    out = []
    for label, rows in rows_by_file.items():
        frame = pd.DataFrame(rows).drop_duplicates(list(spec.key))
        frame.index = frame.pop("_row").to_numpy()
        frame = frame[[c for c in spec.names if c in frame.columns]].astype(str)
        headers = {c: FIELDS.get(c, c) for c in frame.columns}
        summary = FileSummary(label, table, len(frame))
        out.append(ParsedFile(label, table, normalise_frame(frame, spec), headers, summary))
    return out


def _statement_write(new: list[xapi.Statement]):
    def write(conn: sa.Connection) -> None:
        ids = [s.statement_id for s in new]
        have: set[str] = set()
        for i in range(0, len(ids), 500):
            have |= {sid for (sid,) in conn.execute(
                sa.select(lms_statements.c.statement_id)
                .where(lms_statements.c.statement_id.in_(ids[i:i + 500])))}
        rows = [{"statement_id": s.statement_id, "employee_id": s.employee_id,
                 "activity_id": s.activity_id, "verb": s.verb, "at": s.at,
                 "score_scaled": s.score_scaled, "offering_id": s.offering,
                 "milestone": s.milestone} for s in new if s.statement_id not in have]
        if rows:
            conn.execute(sa.insert(lms_statements), rows)
    return write


def _fold(conn: sa.Connection, k: _Known, reader: _Reader, report: ImportReport
          ) -> tuple[dict[tuple[str, str], _Pair], list[xapi.Statement]]:
    """Learner-offering pairs from the statements (with those stored) and the reports."""
    linked: list[tuple[str, xapi.Statement]] = []
    voids: dict[str, xapi.Statement] = {}  # voided statement id -> the voiding statement
    for label, st in reader.statements:
        if st.verb == "voided":
            voids[st.activity_id] = st
            continue
        if st.verb not in VERBS:
            reader.verbs[(label, st.verb)] += 1
            continue
        if _link(k, reader, label, st):
            linked.append((label, st))
    _load_state(conn, k, {st.offering for _, st in linked}
                | {k.offering(c) for _, c, _ in reader.progress if k.offering(c)})
    pairs: dict[tuple[str, str], _Pair] = {}
    touched = {(st.employee_id, st.offering) for _, st in linked}
    touched |= _pairs_of(conn, set(voids))  # a voided statement re-decides its learner's status
    stored = {s.statement_id: s for s in _stored(conn, touched)} if touched else {}
    voids.update({s.activity_id: s for s in stored.values() if s.verb == "voided"})
    new: list[xapi.Statement] = []
    targets = {st.statement_id: st for _, st in linked} | stored
    for target_id, void in voids.items():  # kept, so a later import cannot bring it back
        target = targets.get(target_id)
        if target is not None and void.statement_id not in stored:
            void.employee_id, void.offering, void.milestone = (target.employee_id,
                                                               target.offering, target.milestone)
            void.activity_id = target_id
            new.append(void)
    for label, st in sorted(linked, key=lambda t: (t[0], t[1].row)):
        if st.statement_id in voids:
            continue
        pair = pairs.setdefault((st.employee_id, st.offering), _Pair(label, st.row))
        if st.statement_id not in stored:
            new.append(st)
            pair.statements.append(st)
    for st in sorted(stored.values(), key=lambda s: (s.employee_id, s.offering or "", s.at)):
        if st.verb == "voided" or st.statement_id in voids:
            continue
        key = (st.employee_id, st.offering)
        if key not in pairs:  # only a voiding statement came for it this time
            pairs[key] = _Pair(BEFORE, sum(p.label == BEFORE for p in pairs.values()) + 1)
        pairs[key].statements.append(st)
    for label, course, progress in reader.progress:
        oid = k.offering(course)
        if oid is None:
            report.add(label, f"course {course!r} (from the file name) is not an offering id; "
                       "use the offering id as the course short name, or import the offerings "
                       "first")
            continue
        for p in progress:
            pair = pairs.setdefault((p.employee_id, oid), _Pair(label, p.row))
            status = "attended" if p.done else "registered"
            if pair.moodle_status is None or RANK[status] > RANK[pair.moodle_status]:
                pair.moodle_status = status
            if p.on and (pair.first_day is None or p.on < pair.first_day):
                pair.first_day = p.on
    return pairs, new


def read_lms(paths: Iterable[str | Path], conn: sa.Connection, limits: Limits,
             encoding: str | None, report: ImportReport,
             notify: Progress | None = None) -> Batch:
    """The LMS profile (see the module doc); canonical files named after a table also pass."""
    batch = Batch()
    reader = _Reader(report, limits, encoding)
    files = list_files(paths, report, (*SUFFIXES, *xapi.XAPI_SUFFIXES))
    for i, file in enumerate(files):
        if notify:
            notify("reading", i, len(files))
        if file.suffix.lower() in xapi.XAPI_SUFFIXES:
            reader.read_xapi(file)
            continue
        if file.suffix.lower() == ".csv":
            try:
                rows = moodle.read_rows(file, limits, encoding)
            except FileRejected as exc:
                report.add(str(file), exc.rule, exc.row, exc.column, exc.value)
                continue
            if rows and moodle.looks_like_report(rows[0]):
                reader.read_report(file, rows, moodle.course_of(file))
                continue
        read_beside(file, batch, limits, encoding, report, "an LMS file this profile knows "
                    "(xAPI statements as .json/.jsonl, Moodle's activity completion report)")
    k = _known(conn, batch.parsed)
    pairs, new = _fold(conn, k, reader, report)
    for (label, verb), n in sorted(reader.verbs.items()):
        report.mappings.append(Mapping(label, "verb.id", verb, "ignored (not read)", n))
    for (label, activity), n in sorted(reader.skipped.items(), key=lambda t: -t[1]
                                       )[:MAX_SKIPPED_SHOWN]:
        report.mappings.append(Mapping(label, "object.id", activity,
                                       "skipped: no such offering", n))
    if len(reader.skipped) > MAX_SKIPPED_SHOWN:
        rest = sum(n for _, n in sorted(reader.skipped.items(),
                                        key=lambda t: -t[1])[MAX_SKIPPED_SHOWN:])
        report.mappings.append(Mapping("(lms)", "object.id", "(other activities)",
                                       "skipped: no such offering", rest))
    batch.parsed += _parsed("enrollments", _enrollments(k, pairs, report))
    batch.parsed += _parsed("progress_checks", _checks(k, pairs, reader, report))
    if new and report.ok:
        batch.extra_writes.append(_statement_write(new))
    return batch
