"""Validated import of CSV/XLSX files: read, normalise, validate everything, then upsert.

Nothing is written unless every file is valid; all tables are written in one transaction, in
dependency order, upserting on natural keys (re-importing the same files changes nothing).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import sqlalchemy as sa

from model.tables import TABLES
from service.ingest import references
from service.ingest.headers import map_headers, table_for_stem
from service.ingest.readers import SUFFIXES, FileRejected, Limits, read_table_file
from service.ingest.report import HEADER_ROW, FileSummary, ImportReport
from service.ingest.validation import Failure, validate_frame
from service.ingest.values import normalise_frame
from service.settings import get_settings
from service.storage.frames import to_canonical
from service.storage.schema import CANONICAL
from service.storage.upsert import upsert_frame

# progress(stage, done, total): stage is "reading", "validating" or "writing".
Progress = Callable[[str, int, int], None]


@dataclass
class _Parsed:
    label: str
    table: str
    frame: pd.DataFrame  # canonical column names, normalised text, index = file rows
    headers: dict[str, str]  # canonical column -> header as written in the file
    summary: FileSummary


def default_limits() -> Limits:
    """The file limits from the settings."""
    s = get_settings()
    return Limits(max_bytes=s.import_max_bytes, max_rows=s.import_max_rows)


def collect_files(paths: Iterable[str | Path], report: ImportReport) -> list[tuple[Path, str]]:
    """The (file, table) pairs named by files and folders; problems go to ``report``."""
    found: list[tuple[Path, str]] = []
    for given in paths:
        path = Path(given)
        if path.is_dir():
            children = sorted(p for p in path.iterdir()
                              if p.is_file() and p.suffix.lower() in SUFFIXES)
            if not children:
                report.add(str(path), "folder holds no .csv or .xlsx file")
            candidates = children
        elif path.is_file():
            candidates = [path]
        else:
            report.add(str(path), "no such file or folder")
            continue
        for file in candidates:
            if file.suffix.lower() not in SUFFIXES:
                report.add(str(file), "only .csv and .xlsx files can be imported")
                continue
            table = table_for_stem(file.stem)
            if table is None:
                report.add(str(file), f"file name does not name a table; name it after one of: "
                           f"{', '.join(TABLES)} (e.g. employees.csv)")
                continue
            found.append((file, table))
    seen: dict[str, Path] = {}
    for file, table in found:
        if table in seen:
            report.add(str(file), f"two files for table {table} (also {seen[table]}); "
                       "import them one after the other")
        seen.setdefault(table, file)
    return found


def _parse(file: Path, table: str, limits: Limits, encoding: str | None,
           report: ImportReport) -> _Parsed | None:
    label = str(file)
    try:
        raw = read_table_file(file, table, limits, encoding)
    except FileRejected as exc:
        report.add(label, exc.rule, exc.row, exc.column, exc.value)
        return None
    mapping, ignored, clashes = map_headers(table, list(raw.frame.columns))
    for header, earlier, column in clashes:
        report.add(label, f"column {header!r} and {earlier!r} both mean {column}",
                   HEADER_ROW, header)
    spec = TABLES[table]
    present = set(mapping.values())
    derivable = {"program_id"} if table == "enrollments" and "offering_id" in present else set()
    for column in spec.required:
        if column not in present and column not in derivable:
            report.add(label, "required column is missing", HEADER_ROW, column)
    frame = raw.frame[list(mapping)].rename(columns=mapping)
    summary = FileSummary(label, table, len(frame), raw.sheet, ignored)
    return _Parsed(label, table, normalise_frame(frame, spec),
                   {c: h for h, c in mapping.items()}, summary)


def _add_failures(report: ImportReport, parsed: _Parsed, failures: list[Failure]) -> None:
    for f in failures:
        header = parsed.headers.get(f.column, f.column)
        column = header if header == f.column else f"{header} ({f.column})"
        report.add(parsed.label, f.rule, f.row, column, f.value)


def _validate(conn: sa.Connection, parsed: dict[str, _Parsed], report: ImportReport,
              rejected: set[str]) -> None:
    frames = {name: p.frame for name, p in parsed.items()}
    if "enrollments" in parsed:
        programs_of = references.offering_programs(conn, frames.get("offerings"))
        _add_failures(report, parsed["enrollments"],
                      references.derive_program_ids(frames["enrollments"], programs_of))
    known = references.known_keys(conn, references.referenced_targets(list(parsed)), frames)
    for name, p in parsed.items():
        failures = validate_frame(p.frame, TABLES[name])
        # A table whose file could not be read would make every reference to it look unknown.
        trusted = {t: v for t, v in known.items() if t.split(".")[0] not in rejected}
        failures += references.reference_failures(name, p.frame, trusted)
        if name == "employees":
            failures += references.nip_failures(p.frame)
        _add_failures(report, p, sorted(failures, key=lambda f: (f.row, f.column)))


def _count_new(conn: sa.Connection, name: str, frame: pd.DataFrame) -> int:
    spec, table = TABLES[name], CANONICAL[name]
    key = list(spec.key)
    existing = pd.DataFrame(conn.execute(sa.select(*[table.c[k] for k in key])).fetchall(),
                            columns=key)
    if existing.empty:
        return len(frame)
    existing = to_canonical(existing.astype(object), spec)
    merged = frame[key].merge(existing.drop_duplicates(), how="left", on=key, indicator=True)
    return int((merged["_merge"] == "left_only").sum())


def import_paths(
    paths: Iterable[str | Path],
    engine: sa.Engine,
    dry_run: bool = False,
    *,
    encoding: str | None = None,
    limits: Limits | None = None,
    progress: Progress | None = None,
) -> ImportReport:
    """Validate files (or folders of them) and, when all are valid, upsert them in one go.

    Args:
        paths: CSV/XLSX files named after their table, or folders holding such files.
        engine: an engine on a migrated database (see ``init_db``).
        dry_run: validate and count, but write nothing.
        encoding: the text encoding of CSV files when not UTF-8 (e.g. ``cp1252``).
        limits: file size and row limits (default: from the settings).
        progress: called as work advances (see ``Progress``).

    Returns:
        The report; ``report.ok`` is False and nothing was written when any problem was found.
    """
    started = time.perf_counter()
    report = ImportReport(dry_run=dry_run)
    limits = limits or default_limits()
    notify = progress or (lambda stage, done, total: None)
    files = collect_files(paths, report)
    parsed: dict[str, _Parsed] = {}
    rejected: set[str] = set()
    for i, (file, table) in enumerate(files):
        notify("reading", i, len(files))
        p = _parse(file, table, limits, encoding, report)
        if p is None:
            rejected.add(table)
        else:
            report.files.append(p.summary)
            parsed.setdefault(table, p)
    notify("validating", 0, 1)
    parsed = {name: parsed[name] for name in TABLES if name in parsed}
    if parsed:
        with engine.connect() as conn:
            _validate(conn, parsed, report, rejected)
    if not report.ok or not parsed:
        report.seconds = time.perf_counter() - started
        return report
    typed = {name: to_canonical(p.frame, TABLES[name]) for name, p in parsed.items()}
    total = sum(len(f) for f in typed.values())
    with engine.begin() as conn:
        for name, frame in typed.items():
            parsed[name].summary.inserted = _count_new(conn, name, frame)
        if not dry_run:
            done = 0

            def advance(n: int) -> None:
                nonlocal done
                done += n
                notify("writing", done, total)

            for name, frame in typed.items():
                changed = upsert_frame(conn, name, frame, on_batch=advance)
                if changed >= 0:
                    parsed[name].summary.updated = max(changed - parsed[name].summary.inserted, 0)
    report.written = not dry_run
    report.seconds = time.perf_counter() - started
    return report
