"""``asn-reco demo-data``: write a synthetic Kota Binjai and its hidden truth."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Annotated, Optional

import typer

MAX_EMPLOYEES = 1_000_000
MAX_YEARS = 20
FORMATS = ("canonical", "siasn")


def register(app: typer.Typer) -> None:
    """Add ``demo-data`` to the app."""
    app.command("demo-data")(demo_data)


def demo_data(
    employees: Annotated[int, typer.Option(help="people on the payroll over the window")] = 6000,
    years: Annotated[int, typer.Option(help="years of history (4 quarters each)")] = 5,
    seed: Annotated[int, typer.Option(help="random seed; the same seed gives the same files")] = 7,
    out: Annotated[Path, typer.Option(help="folder for the canonical CSV files")] = Path(
        "data/raw/demo"),
    truth_out: Annotated[Optional[Path], typer.Option(
        help="folder for the hidden truth (default: the settings' truth folder)")] = None,
    end_quarter: Annotated[Optional[str], typer.Option(
        help="last simulated quarter, e.g. 2026Q3 (default: last complete quarter)")] = None,
    xlsx: Annotated[bool, typer.Option("--xlsx", help="also write <table>.xlsx")] = False,
    fmt: Annotated[str, typer.Option(
        "--format", help="canonical (one file per table) or siasn (SIASN's exports for people, "
                         "SKP and training history, canonical files for the rest; import with "
                         "--profile siasn)")] = "canonical",
) -> None:
    """Generate synthetic canonical files and the hidden truth (for demos and evaluation)."""
    from model.quarters import parse_quarter
    from service.settings import get_settings

    if not 100 <= employees <= MAX_EMPLOYEES:
        raise typer.BadParameter(f"must be between 100 and {MAX_EMPLOYEES:,}, got {employees}",
                                 param_hint="--employees")
    if not 1 <= years <= MAX_YEARS:
        raise typer.BadParameter(f"must be between 1 and {MAX_YEARS}, got {years}",
                                 param_hint="--years")
    if end_quarter is not None:
        try:
            parse_quarter(end_quarter)
        except ValueError as exc:
            raise typer.BadParameter(str(exc), param_hint="--end-quarter") from None
    if fmt not in FORMATS:
        raise typer.BadParameter(f"must be one of {', '.join(FORMATS)}, got {fmt!r}",
                                 param_hint="--format")
    if fmt == "siasn" and xlsx:
        raise typer.BadParameter("SIASN exports are written as CSV only", param_hint="--xlsx")
    truth = truth_out or get_settings().truth_dir
    if out.resolve() == truth.resolve():
        raise typer.BadParameter("the truth must go to a different folder than --out",
                                 param_hint="--truth-out")

    from synthetic import generate, write_world
    from synthetic.files import write_truth
    from synthetic.siasn_files import write_siasn

    started = time.perf_counter()
    world = generate(employees, years, seed, end_quarter=end_quarter)
    try:
        if fmt == "siasn":
            written = write_siasn(world, out)
            write_truth(world, truth)
        else:
            written = write_world(world, out, truth, xlsx=xlsx)
    except (ValueError, OSError) as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(1) from None
    q = world.meta["quarters"]
    typer.echo(f"wrote {len(world.tables)} tables for {q[0]}..{q[-1]} to {out} "
               f"in {time.perf_counter() - started:.1f} s")
    if fmt == "siasn":
        typer.echo(f"SIASN format: {', '.join(p.name for p in written)}; import with "
                   f"`asn-reco import --profile siasn {out}`")
    for name, frame in world.tables.items():
        typer.echo(f"  {name:<24}{len(frame):>10,} rows")
    typer.echo(f"hidden truth: {truth} (only the evaluation harness may read it)")
