"""Moodle's activity completion report (``report/progress``, "Download in CSV/Excel format").

Moodle writes one file per course, named ``progress.<course short name>.csv``. Its header row
starts with an empty cell (the learners' names), then the identity fields the site shows
(``ID number``, ``Email address``, ...), then two cells per activity: the activity's name and
its expected completion date (``2024-03-12 00:00:00``, empty when none is set). Each learner's
row has their name, their identity fields and, per activity, the state (``Completed``, ``Not
completed``, ``Completed (achieved pass grade)``, ``Completed (did not achieve pass grade)``) and
the date it was reached. The "Excel" download is the same in UTF-16 with tabs.

The reader takes the NIP from the identity field ``NIP``, ``ID number`` (Moodle's ``idnumber``,
``Nomor ID`` in Indonesian) or ``Username``, in that order; the learners' names are never read.
The course short name (from the file name, or a ``course`` cell) must be an offering id.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from service.ingest.headers import header_key
from service.ingest.readers import FileRejected, Limits, decode_text, detect_delimiter
from service.ingest.report import ImportReport

IDENTITY = ("nip", "idnumber", "nomorid", "username", "namapengguna")
EMAIL = ("emailaddress", "email", "alamatemail")
# State words, English and the Indonesian language pack, as lower-case text.
DONE = ("completed", "completed (achieved pass grade)", "completed (did not achieve pass grade)",
        "selesai", "selesai (lulus)", "selesai (tidak lulus)", "sudah selesai")
NOT_DONE = ("not completed", "belum selesai", "tidak selesai", "")
_OVERRIDE = re.compile(r"\s*\(set by .*\)$|\s*\(diatur oleh .*\)$", re.IGNORECASE)


@dataclass
class Progress:
    """One learner's state on one activity of the report."""

    employee_id: str
    milestone: str  # the activity's name
    due: date | None  # its expected completion date
    done: bool
    on: date | None  # when the state was reached
    row: int


def course_of(path: Path) -> str:
    """The course short name in Moodle's file name (``progress.off-2024-07.csv``)."""
    stem = path.stem
    return stem.split(".", 1)[1] if stem.lower().startswith("progress.") else stem


def _day(text: str) -> date | None:
    text = text.strip()
    if not text:
        return None
    for fmt in ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d"):
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ValueError(text)


def looks_like_report(header: list[str]) -> bool:
    """Moodle's report: an empty first header cell and an identity field after it."""
    return bool(header) and not header[0].strip() and any(
        header_key(h) in IDENTITY for h in header[1:6])


def read_rows(path: Path, limits: Limits, encoding: str | None) -> list[list[str]]:
    """All rows of a report file as text cells (UTF-16 with tabs is read too)."""
    data = path.read_bytes()
    if len(data) > limits.max_bytes:
        raise FileRejected(f"file is {len(data):,} bytes, over the limit of "
                           f"{limits.max_bytes:,} (ASN_IMPORT_MAX_BYTES)")
    if not encoding and data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        encoding = "utf-16"
    text = decode_text(data, encoding).replace("\x00", "")
    rows = list(csv.reader(io.StringIO(text), delimiter=detect_delimiter(text)))
    if len(rows) > limits.max_rows + 1:
        raise FileRejected(f"file has more than {limits.max_rows:,} rows (ASN_IMPORT_MAX_ROWS)")
    return rows


def read_report(rows: list[list[str]], label: str, report: ImportReport) -> list[Progress]:
    """The learners' progress in a report; unknown state words and bad dates are problems."""
    header = [h.strip() for h in rows[0]]
    keys = [header_key(h) for h in header]
    id_col = next((keys.index(k) for k in IDENTITY if k in keys), None)
    if id_col is None:
        report.add(label, "no NIP column: show 'ID number' (or NIP, Username) as an identity "
                   "field in Moodle before downloading", 1)
        return []
    first_activity = max(i for i, k in enumerate(keys[:id_col + 6])
                         if k in IDENTITY or k in EMAIL) + 1
    activities = []
    for c in range(first_activity, len(header) - 1, 2):
        try:
            due = _day(header[c + 1])
        except ValueError:
            report.add(label, "expected completion date is not a date (YYYY-MM-DD hh:mm:ss)",
                       1, header[c] or f"column {c + 2}", header[c + 1])
            continue
        activities.append((c, header[c], due))
    if not activities:
        report.add(label, "the report lists no activity (name and expected date pairs)", 1)
    out: list[Progress] = []
    for n, cells in enumerate(rows[1:], start=2):
        if not any(x.strip() for x in cells):
            continue
        cells = cells + [""] * (len(header) - len(cells))
        nip = cells[id_col].strip()
        if not nip:
            report.add(label, "learner has no NIP in the identity field", n, header[id_col])
            continue
        for c, name, due in activities:
            state = _OVERRIDE.sub("", cells[c].strip()).lower()
            if state not in DONE and state not in NOT_DONE:
                report.add(label, "completion state not recognised; expected Completed, Not "
                           "completed or Completed (achieved / did not achieve pass grade)",
                           n, name, cells[c])
                continue
            try:
                on = _day(cells[c + 1])
            except ValueError:
                report.add(label, "completion date is not a date (YYYY-MM-DD hh:mm:ss)", n,
                           f"{name} (date)", cells[c + 1])
                continue
            done = state in DONE
            out.append(Progress(nip, name, due, done, on if done else None, n))
    return out
