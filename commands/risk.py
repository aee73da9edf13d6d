"""``asn-reco risk report``: the low-participation risk-group report from the champion model."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

console = Console()
risk = typer.Typer(help="Groups at risk of low training participation.", no_args_is_help=True)
FORMATS = ("xlsx", "csv", "json")


@risk.command("report")
def report(
    fmt: Annotated[str, typer.Option("--format", help="xlsx, csv or json")] = "xlsx",
    out: Annotated[Path | None, typer.Option(help="file to write")] = None,
    as_of: Annotated[str | None, typer.Option(help="quarter, e.g. 2025Q3 (default: "
                                              "the champion's)")] = None,
    threshold: Annotated[int, typer.Option(min=10, help="fewest people shown")] = 10,
    language: Annotated[str, typer.Option(help="id or en (xlsx)")] = "id",
    trend_quarters: Annotated[int, typer.Option(min=0, max=20)] = 8,
) -> None:
    """Write the risk-group report (champion model from MLflow, data from the database)."""
    from model.quarters import parse_quarter

    if fmt not in FORMATS:
        raise typer.BadParameter(f"--format must be one of {', '.join(FORMATS)}")
    if language not in ("id", "en"):
        raise typer.BadParameter("--language must be id or en")
    if as_of is not None:
        try:
            parse_quarter(as_of)
        except ValueError as exc:
            raise typer.BadParameter(str(exc)) from None
        as_of = as_of.upper()
    from model.registry import client_for, load_version
    from service.model_inputs import load_model_frames
    from service.risk import analyse, write_report
    from service.settings import get_settings
    from service.storage.engine import get_engine, init_db

    settings = get_settings()
    engine = get_engine()
    init_db(engine)
    console.print("loading the champion model", style="dim")
    try:
        recommender, info = load_version(client_for(settings.tracking_uri,
                                                    settings.artifact_root), "champion")
    except Exception as exc:  # no registry, no champion, or a corrupt artifact: say which
        console.print(f"[red]cannot load the champion model: {exc}[/red]")
        raise typer.Exit(1) from None
    console.print("reading the data", style="dim")
    frames = load_model_frames(engine)
    ctx = recommender.context(frames, as_of)
    console.print(f"discovering groups at {ctx.snap.as_of}"
                  + (f"; trend over {trend_quarters} past quarters, each past year predicted by "
                     "a model trained before it" if trend_quarters else ""), style="dim")
    analysis = analyse(recommender, ctx, frames, trend_quarters=trend_quarters)
    path = out or Path(f"risk-groups-{ctx.snap.as_of}.{fmt}")
    write_report(analysis, path, fmt, threshold, language)
    console.print(f"{len(analysis.groups)} groups found at {ctx.snap.as_of}; report: {path}")


def register(app: typer.Typer) -> None:
    app.add_typer(risk, name="risk")
