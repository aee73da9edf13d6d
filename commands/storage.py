"""Commands for the database and data files: init-db, db-check, import, export."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, TaskProgressColumn, TextColumn, TimeElapsedColumn
from rich.table import Table as RichTable

# Problems printed before "... and N more" (the report returned by the API holds them all).
SHOWN_PROBLEMS = 200
SHOWN_MAPPINGS = 40
PROGRESS_AFTER_SECONDS = 1.0


class _DelayedProgress:
    """A Rich progress bar that appears only once an import has run for a second."""

    def __init__(self, console: Console):
        self.console, self.started = console, time.perf_counter()
        self.bar: Progress | None = None
        self.tasks: dict[str, int] = {}

    def __call__(self, stage: str, done: int, total: int) -> None:
        if self.bar is None:
            if time.perf_counter() - self.started < PROGRESS_AFTER_SECONDS:
                return
            self.bar = Progress(TextColumn("{task.description}"), BarColumn(),
                                TaskProgressColumn(), TimeElapsedColumn(),
                                console=self.console, transient=True)
            self.bar.start()
        if stage not in self.tasks:
            self.tasks[stage] = self.bar.add_task(stage, total=max(total, 1))
        self.bar.update(self.tasks[stage], completed=done, total=max(total, 1))

    def stop(self) -> None:
        if self.bar is not None:
            self.bar.stop()


def _engine(console: Console):
    from sqlalchemy.exc import SQLAlchemyError

    from service.storage.engine import get_engine, init_db

    try:
        engine = get_engine()
        init_db(engine)
    except SQLAlchemyError as exc:
        # Only the error class and the driver's first line: the URL may hold a password.
        first = str(exc.orig if getattr(exc, "orig", None) else exc).splitlines()[0]
        console.print(f"[red]cannot open the database:[/] {type(exc).__name__}: {first}")
        raise typer.Exit(2) from None
    return engine


def _few(names: list[str], shown: int = 6) -> str:
    """A list of names, cut after ``shown`` with how many more (SIASN exports have ~80)."""
    if len(names) <= shown:
        return ", ".join(names)
    return ", ".join(names[:shown]) + f" (+{len(names) - shown} more)"


def _print_report(console: Console, report) -> None:
    summary = RichTable(title="Files", show_lines=False)
    for header in ("file", "table", "rows", "new", "changed", "ignored columns"):
        summary.add_column(header)
    for f in report.files:
        new = str(f.inserted) if report.ok else "-"
        changed = "-" if not report.ok else "?" if f.updated is None else str(f.updated)
        summary.add_row(f.file, f.table, str(f.rows), new, changed, _few(f.ignored_columns))
    if report.files:
        console.print(summary)
    if report.mappings:
        mapped = RichTable(title=f"{len(report.mappings)} value mapping(s) applied")
        for header in ("file", "column", "value in the file", "read as", "rows"):
            mapped.add_column(header, overflow="fold")
        for m in report.mappings[:SHOWN_MAPPINGS]:
            mapped.add_row(m.file, m.column, m.source, m.canonical, str(m.rows))
        console.print(mapped)
        if len(report.mappings) > SHOWN_MAPPINGS:
            console.print(f"… and {len(report.mappings) - SHOWN_MAPPINGS} more mappings "
                          "(all of them in --report-json)")
    if report.problems:
        problems = RichTable(title=f"{len(report.problems)} problem(s): nothing was written")
        for header in ("file", "row", "column", "value", "rule"):
            problems.add_column(header, overflow="fold")
        for p in report.problems[:SHOWN_PROBLEMS]:
            problems.add_row(p.file, "" if p.row is None else str(p.row), p.column or "",
                             p.value or "", p.rule)
        console.print(problems)
        if len(report.problems) > SHOWN_PROBLEMS:
            console.print(f"… and {len(report.problems) - SHOWN_PROBLEMS} more problems")
    elif report.dry_run:
        console.print("[green]valid[/]: dry run, nothing written")
    else:
        console.print(f"[green]imported[/] in {report.seconds:.1f} s")


def init_db_command() -> None:
    """Create the database or migrate it to the newest schema."""
    console = Console()
    engine = _engine(console)
    from service.storage.engine import current_revision

    console.print(f"database at schema revision {current_revision(engine)}")


def db_check_command() -> None:
    """Check the database's integrity and references, and count the rows of every table."""
    from service.storage.integrity import check_db

    console = Console()
    result = check_db(_engine(console))
    table = RichTable(title=f"schema revision {result.revision}")
    table.add_column("table")
    table.add_column("rows", justify="right")
    for name, count in result.counts.items():
        table.add_row(name, f"{count:,}")
    console.print(table)
    for problem in result.problems:
        console.print(f"[red]problem:[/] {problem}")
    if not result.ok:
        raise typer.Exit(1)
    console.print("[green]ok[/]")


def import_command(
    paths: Annotated[list[Path], typer.Argument(help="CSV/XLSX files named after their table, "
                                                     "or folders of them")],
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Validate only; write nothing")] = False,
    encoding: Annotated[str | None, typer.Option(help="Encoding of non-UTF-8 CSV, e.g. cp1252")] = None,
    profile: Annotated[str, typer.Option(
        help="How the files are laid out: canonical (named after their table), siasn (SIASN's "
             "exports as they are, with canonical files beside them) or lms (xAPI statements, "
             "Moodle completion CSV)")] = "canonical",
    report_json: Annotated[Path | None, typer.Option(
        "--report-json", help="Also write the whole report (every problem and mapping) as JSON")] = None,
) -> None:
    """Validate data files and, when all are valid, import them (upsert on natural keys)."""
    from service.ingest.importer import PROFILES, import_paths

    if profile not in PROFILES:
        raise typer.BadParameter(f"must be one of {', '.join(PROFILES)}, got {profile!r}",
                                 param_hint="--profile")
    console = Console()
    engine = _engine(console)
    progress = _DelayedProgress(console)
    try:
        report = import_paths(paths, engine, dry_run=dry_run, encoding=encoding, progress=progress,
                              profile=profile)
    finally:
        progress.stop()
    _print_report(console, report)
    if report_json is not None:
        report_json.write_text(json.dumps(report.to_dict(), ensure_ascii=False, indent=1))
        console.print(f"report written to {report_json}")
    if not report.ok:
        raise typer.Exit(1)


def export_command(
    table: Annotated[str, typer.Argument(help="Canonical table, e.g. employees")],
    fmt: Annotated[str, typer.Option("--format", help="csv or xlsx")] = "csv",
    out: Annotated[Path | None, typer.Option("--out", help="Output file (default TABLE.FORMAT)")] = None,
) -> None:
    """Export one table to CSV or XLSX with spreadsheet formulas neutralised."""
    from service.storage.export import export_table

    console = Console()
    engine = _engine(console)
    target = out or Path(f"{table}.{fmt}")
    try:
        rows = export_table(engine, table, fmt.lower(), target)
    except ValueError as exc:
        console.print(f"[red]error:[/] {exc}")
        raise typer.Exit(2) from None
    console.print(f"wrote {rows:,} rows to {target}")


def register(app: typer.Typer) -> None:
    """Add the storage commands to ``app``."""
    app.command("init-db")(init_db_command)
    app.command("db-check")(db_check_command)
    app.command("import")(import_command)
    app.command("export")(export_command)
