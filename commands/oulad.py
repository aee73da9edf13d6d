"""``asn-reco oulad``: predict withdrawal on the OULAD data set through the product's engine."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

console = Console()


def oulad(
    data: Annotated[Path, typer.Option("--data", exists=True, file_okay=False,
                                       help="Folder holding the OULAD CSV files.")],
    out: Annotated[Path, typer.Option("--out", dir_okay=False,
                                      help="Where to write the predictions (CSV).")],
    workspace: Annotated[Path | None, typer.Option(
        help="Workspace for the imported OULAD data (default: a temporary folder, removed "
             "afterwards; never the user's data folder).")] = None,
    protocol: Annotated[str, typer.Option(
        help="walk-forward: each 2014 presentation from models retrained on the presentations "
             "that had ended before it (as the product is used); fixed: one model trained on "
             "2013 (the published protocol).")] = "walk-forward",
) -> None:
    """Write P(withdraw) for the 2014 presentations, learned from earlier ones.

    Columns: code_module, code_presentation, id_student, p_withdraw_prestart (known before the
    start), p_withdraw_early (plus progress by the first assessment's deadline) and
    p_withdraw_day30, p_withdraw_day60, p_withdraw_day90 (progress by that day).
    """
    from service.oulad import PROTOCOLS, run_oulad

    if protocol not in PROTOCOLS:
        console.print(f"[red]unknown --protocol {protocol!r}[/]: use one of {', '.join(PROTOCOLS)}")
        raise typer.Exit(2)

    def progress(step: str, _share: float) -> None:
        console.print(step)

    try:
        if workspace is None:
            with tempfile.TemporaryDirectory(prefix="asn-reco-oulad-") as tmp:
                preds = run_oulad(data, Path(tmp), protocol=protocol, progress=progress)
        else:
            preds = run_oulad(data, workspace, protocol=protocol, progress=progress)
    except (FileNotFoundError, ValueError) as exc:
        console.print(f"[red]cannot run OULAD:[/] {exc}")
        raise typer.Exit(2) from None
    out.parent.mkdir(parents=True, exist_ok=True)
    preds.to_csv(out, index=False)
    console.print(f"wrote {len(preds)} predictions to {out}")


def register(app: typer.Typer) -> None:
    app.command("oulad")(oulad)
