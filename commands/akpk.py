"""``asn-reco akpk``: the yearly AKPK workbook from the year's optimal training plan."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from commands.progress import fraction_progress

console = Console()


def _fail(message: str) -> typer.Exit:
    console.print(f"[red]cannot build the AKPK:[/] {message}")
    return typer.Exit(2)


def _budget(text: str) -> float:
    """Rupiah from ``60000000``, ``60.000.000`` (Indonesian) or ``60,000,000``."""
    cleaned = text.strip().removeprefix("Rp").removeprefix("IDR").strip()
    cleaned = cleaned.replace(".", "").replace(",", "").replace("_", "").replace(" ", "")
    if not cleaned.isdigit():
        raise _fail(f"--budget must be a whole number of rupiah (e.g. 750000000 or "
                    f"750.000.000), got {text!r}")
    return float(cleaned)


def _year(text: str) -> int:
    if not text.strip().isdigit() or len(text.strip()) != 4:
        raise _fail(f"--year must be a year such as 2027, got {text!r}")
    return int(text)


def akpk(
    year: Annotated[str, typer.Option(help="Year of the AKPK, e.g. 2027.")],
    budget: Annotated[str, typer.Option(help="The year's training budget in rupiah, e.g. 750000000 or 750.000.000.")],
    out: Annotated[Path, typer.Option(help="The workbook to write (.xlsx).")] = Path("akpk.xlsx"),
    max_per_person: Annotated[int, typer.Option(min=1, max=12, help="Trainings per PNS in the year.")] = 3,
    jp_weight: Annotated[float, typer.Option(min=0.0, help="Weight of closing the 20 JP duty.")] = 0.5,
    time_limit: Annotated[float, typer.Option(min=1.0, max=3600.0, help="Solver seconds.")] = 120.0,
    top_k: Annotated[int, typer.Option(min=1, max=50, help="Programs per PNS per quarter considered.")] = 10,
) -> None:
    """Plan the year's training under the budget (exact MILP) and write the AKPK workbook."""
    from model.planning import PlanConfig, PlanInfeasibleError, PlanInputError, PlanTimeoutError
    from service.akpk.building import build_akpk, check_year
    from service.akpk.workbook import akpk_workbook
    from service.plans.creation import champion_context
    from service.plans.sheets import employee_ids
    from service.pseudonym import load_key
    from service.storage.engine import get_engine, init_db

    planned_year, budget_idr = _year(year), _budget(budget)
    if out.suffix.lower() != ".xlsx":
        raise _fail(f"--out must end in .xlsx, got {out.name!r}")
    try:
        check_year(planned_year, "2000Q1")
        config = PlanConfig(budget_idr=budget_idr, max_per_person=max_per_person,
                            jp_weight=jp_weight, time_limit_s=time_limit)
    except PlanInputError as exc:
        raise _fail(str(exc)) from None
    engine = get_engine()
    init_db(engine)
    try:
        with fraction_progress(console, "AKPK") as update:
            update("loading the champion and the data", 0.0)
            recommender, ctx, version = champion_context(engine)
            update("planning the year", 0.3)
            plan = build_akpk(recommender, ctx, config, planned_year,
                              employee_ids(engine, load_key()), top_k=top_k,
                              model_version=version)
            update("writing the workbook", 0.9)
            data = akpk_workbook(plan)
    except (PlanInputError, PlanInfeasibleError, PlanTimeoutError, ValueError,
            LookupError) as exc:
        raise _fail(str(exc)) from None
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(data)
    table = plan.outcome.comparison
    result = plan.outcome.plan
    spent = float(plan.lines["cost_idr"].sum())
    console.print(f"AKPK {planned_year}, quarters {', '.join(plan.quarters)}, model version "
                  f"{version}: {len(plan.lines):,} lines for "
                  f"{plan.lines['person_key'].nunique():,} PNS in "
                  f"{plan.lines['unit'].nunique()} OPD; {spent:,.0f} of {budget_idr:,.0f} IDR")
    console.print(f"plan {result.status} (gap {result.gap:.2%}); objective "
                  + ", ".join(f"{name} {table.loc[name, 'objective']:.3f}"
                              for name in table.index))
    console.print(f"wrote {out}")


def register(app: typer.Typer) -> None:
    app.command("akpk")(akpk)
