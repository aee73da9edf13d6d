"""``asn-reco plan``: the quarter's training plan under a budget, saved as a draft and a file."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from commands.progress import fraction_progress

console = Console()
SHOWN = {"lines": "lines", "expected_completions": "expected completions",
         "expected_reach_jp_duty": "employees reaching the JP duty",
         "expected_jp": "expected JP earned", "cost_idr": "cost (IDR)",
         "cost_per_expected_jp": "cost per JP earned (IDR)", "units_served": "units served",
         "seat_gini_units": "Gini of seats across units", "mandatory_lines": "mandatory lines",
         "violations": "constraint violations"}


def _fail(message: str) -> typer.Exit:
    console.print(f"[red]cannot plan:[/] {message}")
    return typer.Exit(2)


def _shares(values: list[str]) -> dict[str, float]:
    out = {}
    for value in values:
        unit, sep, share = value.rpartition("=")
        try:
            out[unit.strip()] = float(share)
        except ValueError:
            sep = ""
        if not sep or not unit.strip():
            raise _fail(f"--min-unit-share expects UNIT=SHARE (e.g. 'Dinas Kesehatan=0.05'), "
                        f"got {value!r}")
    return out


def _locks(values: list[str]) -> list[tuple[str, str]]:
    out = []
    for value in values:
        employee, sep, offering = value.partition(":")
        if not sep or not employee.strip() or not offering.strip():
            raise _fail("--lock expects EMPLOYEE_ID:OFFERING_ID")
        out.append((employee.strip(), offering.strip()))
    return out


def _cell(value) -> str:
    if isinstance(value, float):
        return f"{value:,.0f}" if abs(value) >= 1000 else f"{value:,.3f}"
    return str(value)


def _comparison(table) -> Table:
    out = Table(title="Plan against the baselines (same candidates, same constraints)")
    out.add_column("measure")
    for name in table.index:
        out.add_column(name, justify="right")
    for column, label in SHOWN.items():
        out.add_row(label, *(_cell(table.loc[name, column]) for name in table.index))
    return out


def plan(
    budget: Annotated[float, typer.Option(help="Budget of the quarter in rupiah.")],
    quarter: Annotated[str | None, typer.Option(help="Quarter to plan, e.g. 2026Q4 (default: the champion's as-of quarter, the one after the latest with enrollments).")] = None,
    out: Annotated[Path | None, typer.Option(help="Plan file for approval: .csv or .xlsx.")] = None,
    max_per_person: Annotated[int, typer.Option(min=1, max=10)] = 1,
    jp_weight: Annotated[float, typer.Option(min=0.0, help="Weight of closing the JP duty.")] = 0.5,
    min_unit_share: Annotated[list[str], typer.Option(help="UNIT=SHARE of the budget, repeatable.")] = [],
    lock: Annotated[list[str], typer.Option(help="EMPLOYEE_ID:OFFERING_ID that must be in the plan, repeatable.")] = [],
    exclude_employee: Annotated[list[str], typer.Option(help="EMPLOYEE_ID never planned, repeatable.")] = [],
    exclude_program: Annotated[list[str], typer.Option(help="PROGRAM_ID never planned, repeatable.")] = [],
    time_limit: Annotated[float, typer.Option(min=1.0, max=3600.0, help="Solver seconds.")] = 60.0,
    top_k: Annotated[int, typer.Option(min=1, max=50, help="Programs per person considered.")] = 10,
    language: Annotated[str, typer.Option(help="Language of the reasons: id or en.")] = "id",
) -> None:
    """Plan the quarter's training under a budget, compare with greedy and popular-first, save a draft."""
    from model.planning import PlanConfig, PlanInfeasibleError, PlanInputError, PlanTimeoutError
    from model.quarters import parse_quarter
    from service.plans.creation import champion_context, create_plan
    from service.plans.sheets import plan_sheet, write_sheet
    from service.pseudonym import load_key
    from service.storage.engine import get_engine, init_db

    if language not in ("id", "en"):
        raise _fail(f"--language must be id or en, got {language!r}")
    if out is not None and out.suffix.lower() not in (".csv", ".xlsx"):
        raise _fail(f"--out must end in .csv or .xlsx, got {out.name!r}")
    if quarter is not None:
        try:
            year, q = parse_quarter(quarter)
        except ValueError as exc:
            raise _fail(str(exc)) from None
        quarter = f"{year}Q{q}"
    lock_ids = _locks(lock)
    try:
        config = PlanConfig(budget_idr=budget, max_per_person=max_per_person, jp_weight=jp_weight,
                            min_unit_share=_shares(min_unit_share),
                            excluded_programs=frozenset(exclude_program),
                            time_limit_s=time_limit)
    except PlanInputError as exc:
        raise _fail(str(exc)) from None
    engine = get_engine()
    init_db(engine)
    try:
        with fraction_progress(console, "planning") as update:
            update("loading the champion and the data", 0.0)
            recommender, ctx, version = champion_context(engine, quarter)
            made = create_plan(engine, load_key(), recommender, ctx, config, actor="cli",
                               model_version=version, quarter=quarter, lock_ids=lock_ids,
                               exclude_ids=list(exclude_employee), top_k=top_k,
                               progress=lambda m, f: update(m, 0.1 + 0.9 * f))
    except (PlanInputError, PlanInfeasibleError, PlanTimeoutError, ValueError) as exc:
        raise _fail(str(exc)) from None
    except LookupError as exc:  # no registered model or no champion alias
        raise _fail(str(exc)) from None
    result = made.outcome.plan
    console.print(f"quarter {made.quarter}, model version {version}: "
                  f"{len(made.candidates):,} candidate lines, "
                  f"{made.candidates['person_key'].nunique():,} employees, "
                  f"{len(made.offerings)} offerings ({int(made.offerings['seats'].sum()):,} seats)")
    console.print(_comparison(made.outcome.comparison))
    if result.status == "optimal":
        console.print(f"optimal plan (gap {result.gap:.2%}) in {result.solve_time_s:.1f} s")
    else:
        console.print(f"[yellow]time limit of {time_limit:.0f} s reached:[/] best plan found, "
                      f"optimality gap {result.gap:.2%}")
    console.print(f"draft plan {made.plan_id}: {len(made.lines)} lines, "
                  f"{made.lines['cost_idr'].sum():,.0f} of {budget:,.0f} IDR")
    if out is not None:
        titles = ctx.snap.programs["title"] if "title" in ctx.snap.programs else None
        write_sheet(plan_sheet(made.lines, titles, language), out)
        console.print(f"wrote {out}")


def register(app: typer.Typer) -> None:
    app.command("plan")(plan)
