"""Validated import of CSV/XLSX files: read, normalise, validate everything, then upsert.

Nothing is written unless every file is valid; all tables are written in one transaction, in
dependency order, upserting on natural keys (re-importing the same files changes nothing).

Files come in through a *profile*: ``canonical`` (files named after the product's tables, the
default), ``siasn`` (SIASN's exports as they are, ``service.ingest.siasn``) or ``lms``
(e-learning completions, ``service.ingest.lms``). A profile turns its files into
:class:`ParsedFile` frames in the canonical columns, indexed by the row the user sees in the
source file, so every check below names the source file, row and column.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import sqlalchemy as sa

from model.tables import TABLES
from service.ingest import references
from service.ingest.headers import map_headers, table_for_stem
from service.ingest.record_matching import match_records
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
# Written in the import's transaction after the canonical tables (e.g. raw LMS statements).
ExtraWrite = Callable[[sa.Connection], None]
PROFILES = ("canonical", "siasn", "lms")


@dataclass
class ParsedFile:
    """One source file's rows for one canonical table, ready for validation."""

    label: str
    table: str
    frame: pd.DataFrame  # canonical column names, normalised text, index = file rows
    headers: dict[str, str]  # canonical column -> header (or field) as written in the file
    summary: FileSummary


@dataclass
class Batch:
    """What a profile read: parsed files, tables it could not read, and extra writes."""

    parsed: list[ParsedFile] = field(default_factory=list)
    rejected: set[str] = field(default_factory=set)
    extra_writes: list[ExtraWrite] = field(default_factory=list)


def default_limits() -> Limits:
    """The file limits from the settings."""
    s = get_settings()
    return Limits(max_bytes=s.import_max_bytes, max_rows=s.import_max_rows)


def describe_suffixes(suffixes: tuple[str, ...], word: str) -> str:
    """``.csv, .json and .xlsx`` (with ``word`` = "and") for a problem message."""
    return f" {word} ".join(", ".join(suffixes).rsplit(", ", 1))


def list_files(paths: Iterable[str | Path], report: ImportReport,
               suffixes: tuple[str, ...] = SUFFIXES) -> list[Path]:
    """The files named by ``paths`` (folders give their files with one of ``suffixes``)."""
    out: list[Path] = []
    for given in paths:
        path = Path(given)
        if path.is_dir():
            children = sorted(p for p in path.iterdir()
                              if p.is_file() and p.suffix.lower() in suffixes)
            if not children:
                report.add(str(path), f"folder holds no {describe_suffixes(suffixes, 'or')} file")
            out += children
        elif path.is_file():
            if path.suffix.lower() in suffixes:
                out.append(path)
            else:
                report.add(str(path), f"only {describe_suffixes(suffixes, 'and')} files can be imported")
        else:
            report.add(str(path), "no such file or folder")
    return out


def read_beside(file: Path, batch: Batch, limits: Limits, encoding: str | None,
                report: ImportReport, profile_files: str) -> None:
    """A file a profile does not know: read as a canonical file when named after a table.

    ``profile_files`` says what the profile reads, for the problem when it is neither.
    """
    table = table_for_stem(file.stem)
    if table is None:
        report.add(str(file), f"not {profile_files} and not named after a table")
        return
    p = parse_file(file, table, limits, encoding, report)
    if p is None:
        batch.rejected.add(table)
    else:
        batch.parsed.append(p)


def collect_files(paths: Iterable[str | Path], report: ImportReport) -> list[tuple[Path, str]]:
    """The (file, table) pairs named by files and folders; problems go to ``report``."""
    found: list[tuple[Path, str]] = []
    for file in list_files(paths, report):
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


def parse_file(file: Path, table: str, limits: Limits, encoding: str | None,
               report: ImportReport) -> ParsedFile | None:
    """Read one canonical-profile file for ``table``; problems go to ``report``."""
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
    return ParsedFile(label, table, normalise_frame(frame, spec),
                      {c: h for h, c in mapping.items()}, summary)


def _add_failures(report: ImportReport, parsed: ParsedFile, failures: list[Failure]) -> None:
    for f in failures:
        header = parsed.headers.get(f.column, f.column)
        column = header if header == f.column else f"{header} ({f.column})"
        report.add(parsed.label, f.rule, f.row, column, f.value)


def _combined(parsed: list[ParsedFile]) -> dict[str, pd.DataFrame]:
    """Each table's rows across its files (the frames of one table share their columns)."""
    out: dict[str, pd.DataFrame] = {}
    for name in TABLES:
        frames = [p.frame for p in parsed if p.table == name]
        if frames:
            out[name] = frames[0] if len(frames) == 1 else pd.concat(frames).fillna("")
    return out


def _cross_file_conflicts(parsed: list[ParsedFile], report: ImportReport) -> None:
    """A key given in two files of one table must not be given two values for one column.

    A second file may add columns to the rows of the first (SIASN's Export Data ASN and a
    canonical ``employees.csv`` holding digital access); it may not contradict them.
    """
    for name in TABLES:
        files = [p for p in parsed if p.table == name]
        key = list(TABLES[name].key)
        if len(files) < 2 or not all(set(key) <= set(p.frame.columns) for p in files):
            continue
        first: dict[tuple, tuple[ParsedFile, int]] = {}
        for p in files:
            for row, values in zip(p.frame.index, p.frame[key].itertuples(index=False)):
                k = tuple(values)
                if k not in first:
                    first[k] = (p, int(row))
                    continue
                earlier, at = first[k]
                if earlier is p:
                    continue  # within one file, validation reports the duplicate
                for column in p.frame.columns.intersection(earlier.frame.columns).difference(key):
                    mine, theirs = p.frame.at[row, column], earlier.frame.at[at, column]
                    if mine != "" and theirs != "" and mine != theirs:
                        report.add(p.label, f"{earlier.label} row {at} gives {theirs!r} for the "
                                   "same row", int(row), p.headers.get(column, column), mine)


def _validate(conn: sa.Connection, parsed: list[ParsedFile], report: ImportReport,
              rejected: set[str]) -> None:
    frames = _combined(parsed)
    if "enrollments" in frames:
        programs_of = references.offering_programs(conn, frames.get("offerings"))
        for p in parsed:
            if p.table == "enrollments":
                _add_failures(report, p, references.derive_program_ids(p.frame, programs_of))
        frames = _combined(parsed)
    tables = sorted({p.table for p in parsed})
    known = references.known_keys(conn, references.referenced_targets(tables), frames)
    # A table whose file could not be read would make every reference to it look unknown.
    trusted = {t: v for t, v in known.items() if t.split(".")[0] not in rejected}
    for p in parsed:
        failures = validate_frame(p.frame, TABLES[p.table])
        failures += references.reference_failures(p.table, p.frame, trusted)
        if p.table == "employees":
            failures += references.nip_failures(p.frame)
        _add_failures(report, p, sorted(failures, key=lambda f: (f.row, f.column)))
    if len(parsed) > len(tables):
        _cross_file_conflicts(parsed, report)


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


def read_canonical(paths: Iterable[str | Path], conn: sa.Connection | None, limits: Limits,
                   encoding: str | None, report: ImportReport,
                   notify: Progress | None = None) -> Batch:
    """The canonical profile: files named after their table (one file per table)."""
    batch = Batch()
    files = collect_files(paths, report)
    taken: set[str] = set()
    for i, (file, table) in enumerate(files):
        if notify:
            notify("reading", i, len(files))
        p = parse_file(file, table, limits, encoding, report)
        if p is None:
            batch.rejected.add(table)
        elif table not in taken:
            batch.parsed.append(p)
            taken.add(table)
    return batch


def _read_profile(profile: str, paths: list[str | Path], conn: sa.Connection, limits: Limits,
                  encoding: str | None, report: ImportReport, notify: Progress) -> Batch:
    if profile == "canonical":
        return read_canonical(paths, conn, limits, encoding, report, notify)
    if profile == "siasn":
        from service.ingest.siasn import read_siasn

        return read_siasn(paths, conn, limits, encoding, report, notify)
    if profile == "lms":
        from service.ingest.lms import read_lms

        return read_lms(paths, conn, limits, encoding, report, notify)
    raise ValueError(f"unknown import profile {profile!r}; use one of: {', '.join(PROFILES)}")


def import_paths(
    paths: Iterable[str | Path],
    engine: sa.Engine,
    dry_run: bool = False,
    *,
    encoding: str | None = None,
    limits: Limits | None = None,
    progress: Progress | None = None,
    profile: str = "canonical",
) -> ImportReport:
    """Validate files (or folders of them) and, when all are valid, upsert them in one go.

    Args:
        paths: files (or folders of files) in the form the profile reads.
        engine: an engine on a migrated database (see ``init_db``).
        dry_run: validate and count, but write nothing.
        encoding: the text encoding of CSV files when not UTF-8 (e.g. ``cp1252``).
        limits: file size and row limits (default: from the settings).
        progress: called as work advances (see ``Progress``).
        profile: how to read the files: ``canonical``, ``siasn`` or ``lms`` (see module doc).

    Returns:
        The report; ``report.ok`` is False and nothing was written when any problem was found.
    """
    if profile not in PROFILES:
        raise ValueError(f"unknown import profile {profile!r}; use one of: {', '.join(PROFILES)}")
    started = time.perf_counter()
    report = ImportReport(dry_run=dry_run, profile=profile)
    limits = limits or default_limits()
    notify = progress or (lambda stage, done, total: None)
    with engine.connect() as conn:
        batch = _read_profile(profile, list(paths), conn, limits, encoding, report, notify)
        notify("validating", 0, 1)
        order = {name: i for i, name in enumerate(TABLES)}
        parsed = sorted(batch.parsed, key=lambda p: order[p.table])
        report.files.extend(p.summary for p in parsed)
        match_records(conn, parsed, report)
        if parsed:
            _validate(conn, parsed, report, batch.rejected)
    if not report.ok or not (parsed or batch.extra_writes):
        report.seconds = time.perf_counter() - started
        return report
    combined = _combined(parsed)
    total = sum(len(p.frame) for p in parsed)
    with engine.begin() as conn:
        for name, frame in combined.items():
            spec = TABLES[name]
            first = next(p for p in parsed if p.table == name)
            first.summary.inserted = _count_new(conn, name,
                                                to_canonical(frame.drop_duplicates(spec.key), spec))
        if not dry_run:
            done = 0

            def advance(n: int) -> None:
                nonlocal done
                done += n
                notify("writing", done, total)

            # File by file: each writes only its own columns, so a second file of a table adds
            # columns to the rows of the first without blanking what it does not hold.
            for p in parsed:
                changed = upsert_frame(conn, p.table, to_canonical(p.frame, TABLES[p.table]),
                                       on_batch=advance)
                if changed >= 0:
                    p.summary.updated = max(changed - p.summary.inserted, 0)
            for write in batch.extra_writes:
                write(conn)
    report.written = not dry_run
    report.seconds = time.perf_counter() - started
    return report
