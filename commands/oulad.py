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
) -> None:
    """Train on the 2013 presentations and write P(withdraw) for the 2014 ones.

    Columns: code_module, code_presentation, id_student, p_withdraw_prestart (known before the
    start) and p_withdraw_early (plus progress by the first assessment's deadline).
    """
    from service.oulad import run_oulad

    try:
        if workspace is None:
            with tempfile.TemporaryDirectory(prefix="asn-reco-oulad-") as tmp:
                preds = run_oulad(data, Path(tmp))
        else:
            preds = run_oulad(data, workspace)
    except (FileNotFoundError, ValueError) as exc:
        console.print(f"[red]cannot run OULAD:[/] {exc}")
        raise typer.Exit(2) from None
    out.parent.mkdir(parents=True, exist_ok=True)
    preds.to_csv(out, index=False)
    console.print(f"wrote {len(preds)} predictions to {out}")


def register(app: typer.Typer) -> None:
    app.command("oulad")(oulad)
