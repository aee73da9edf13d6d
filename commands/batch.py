"""Batch command: ``score-all`` ranks every active employee into Parquet parts (local or Dask)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import (BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn,
                           TimeRemainingColumn)

console = Console()
ENGINES = ("local", "dask")


def _check_quarter(value: str | None) -> str | None:
    from model.quarters import parse_quarter

    if value is None:
        return None
    try:
        year, q = parse_quarter(value)
    except ValueError as exc:
        raise typer.BadParameter(str(exc)) from None
    return f"{year}Q{q}"


def _check_engine(value: str) -> str:
    if value not in ENGINES:
        raise typer.BadParameter(f"choose {' or '.join(ENGINES)}, not {value!r}")
    return value


def score_all(
    out: Annotated[Path, typer.Option("--out", help="Folder for the Parquet parts (new or empty).")],
    as_of: Annotated[str | None, typer.Option(
        "--as-of", callback=_check_quarter,
        help="Quarter to score (the point-in-time view), e.g. 2026Q1; default: the quarter after "
             "the latest one with enrollments, as `train` uses.")] = None,
    k: Annotated[int, typer.Option(min=1, max=50, help="Programs per employee.")] = 10,
    chunk_size: Annotated[int, typer.Option("--chunk-size", min=1, max=1_000_000,
                                            help="Employees per chunk (one part file each).")] = 5000,
    engine: Annotated[str, typer.Option(callback=_check_engine, help="local or dask.")] = "local",
    scheduler: Annotated[str | None, typer.Option(help="Dask scheduler address, e.g. tcp://10.0.0.5:8786 (default: start a LocalCluster).")] = None,
    workers: Annotated[int, typer.Option(min=1, max=256, help="Workers of the LocalCluster.")] = 2,
    reasons: Annotated[bool, typer.Option("--reasons/--no-reasons", help="Word the reasons (slower).")] = False,
    with_ids: Annotated[bool, typer.Option("--with-ids", help="Write employee_id instead of the pseudonymous person_key.")] = False,
    version: Annotated[str, typer.Option("--model", help="Registered version or alias to score with.")] = "champion",
) -> None:
    """Rank every active employee in chunks and write each chunk's top-k to a Parquet part."""
    from service.batch_scoring import check_out_dir
    from service.batch_scoring import score_all as run

    if scheduler and engine != "dask":
        raise typer.BadParameter("a scheduler address needs --engine dask", param_hint="--scheduler")
    try:
        check_out_dir(out)
    except ValueError as exc:
        raise typer.BadParameter(str(exc), param_hint="--out") from None
    try:
        inputs = _load(as_of, version, with_ids)
    except Exception as exc:  # no champion, a bad checksum, an empty database
        console.print(f"[red]cannot score:[/] {type(exc).__name__}: {exc}")
        raise typer.Exit(2) from None
    bar = Progress(TextColumn("[bold]scoring {task.fields[as_of]}"), BarColumn(),
                   MofNCompleteColumn(), TextColumn("employees"), TimeElapsedColumn(),
                   TimeRemainingColumn(), console=console, transient=True)
    with bar:
        task = bar.add_task("score", total=None, as_of=inputs.as_of)
        summary = run(inputs.recommender, inputs.ctx, out, k=k, chunk_size=chunk_size,
                      engine=engine, scheduler=scheduler, workers=workers, reasons=reasons,
                      employee_ids=inputs.employee_ids, model_version=inputs.version,
                      progress=lambda done, total: bar.update(task, completed=done, total=total))
    rate = summary.persons / summary.seconds if summary.seconds else 0.0
    console.print(f"scored {summary.persons:,} employees as of {inputs.as_of} with model version "
                  f"{summary.model_version} ({summary.engine}, {summary.workers} worker(s)): "
                  f"{summary.rows:,} rows in {summary.parts} part(s) under {out} "
                  f"in {summary.seconds:.1f} s ({rate:,.0f} employees/s)")


def _load(as_of: str | None, version: str, with_ids: bool):
    from service.batch_scoring import load_scoring_inputs
    from service.storage.engine import get_engine, init_db

    engine = get_engine()
    init_db(engine)
    try:
        return load_scoring_inputs(engine, as_of, version, with_ids)
    finally:
        engine.dispose()


def register(app: typer.Typer) -> None:
    app.command("score-all")(score_all)
