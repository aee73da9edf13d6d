"""Model lifecycle commands: ``retrain``, ``rollback``, ``models``, ``model-card``, ``mlflow-ui``."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from commands.progress import fraction_progress

console = Console()
LOOPBACK = ("127.0.0.1", "localhost", "::1")
EXIT_REJECTED = 3


def _check_quarter(value: str) -> str:
    from model.quarters import parse_quarter

    try:
        year, q = parse_quarter(value)
    except ValueError as exc:
        raise typer.BadParameter(str(exc)) from None
    return f"{year}Q{q}"


def retrain(
    quarter: Annotated[str, typer.Option("--quarter", callback=_check_quarter,
                                         help="Last quarter of data to train on (e.g. 2026Q4); the model serves the next one.")],
    force: Annotated[bool, typer.Option("--force", help="Promote even if data checks, drift, fairness or metric gates object (recorded with who and when).")] = False,
    tolerance_ndcg: Annotated[float, typer.Option(min=0.0, max=1.0, help="Allowed NDCG@10 loss against the champion.")] = 0.02,
    tolerance_auc: Annotated[float, typer.Option(min=0.0, max=1.0, help="Allowed engagement ROC-AUC loss.")] = 0.02,
    tolerance_brier: Annotated[float, typer.Option(min=0.0, max=1.0, help="Allowed engagement Brier score increase.")] = 0.01,
    psi_block: Annotated[float, typer.Option(min=0.0, help="PSI at which drift blocks promotion.")] = 0.25,
    fairness_blocks: Annotated[bool, typer.Option(help="Let four-fifths or calibration flags block promotion (default: flag for review only).")] = False,
    actor: Annotated[str | None, typer.Option(help="Who runs this (recorded when forcing; default: the OS user).")] = None,
) -> None:
    """Retrain on the data up to QUARTER, compare with the champion and promote if the gates pass.

    Exit codes: 0 promoted or already done, 3 rejected by the gates, 2 bad data or input.
    """
    from model.gates import DataValidationError, GateConfig
    from service.retraining import RetrainError
    from service.retraining import retrain as run_retrain
    from service.storage.engine import get_engine, init_db

    gates = GateConfig(tolerance_ndcg=tolerance_ndcg, tolerance_roc_auc=tolerance_auc,
                       tolerance_brier=tolerance_brier, psi_block=psi_block,
                       psi_warn=min(GateConfig.psi_warn, psi_block), fairness_blocks=fairness_blocks)
    engine = get_engine()
    init_db(engine)
    try:
        with fraction_progress(console, f"retraining {quarter}") as update:
            result = run_retrain(engine, quarter, force=force, gate_config=gates,
                                 progress=update, actor=actor)
    except (DataValidationError, RetrainError, ValueError) as exc:
        console.print(f"[red]cannot retrain:[/] {exc}")
        raise typer.Exit(2) from None
    table = Table(title=f"Gates of the challenger for {quarter} (serving from {result.serving_from})")
    for col in ("gate", "result", "detail"):
        table.add_column(col)
    for name, g in result.gates.get("gates", {}).items():
        mark = "[green]pass" if g["passed"] else "[red]FAIL" if g["blocking"] else "[yellow]warn"
        table.add_row(name, mark, g["detail"])
    if result.gates:
        console.print(table)
    colour = {"promoted": "green", "rejected": "red"}.get(result.status, "cyan")
    console.print(f"[{colour}]{result.status}[/]: {result.message}")
    if result.needs_review:
        console.print("[yellow]fairness flags: a human should review the model card[/]")
    if result.status == "rejected":
        raise typer.Exit(EXIT_REJECTED)


def rollback(
    actor: Annotated[str | None, typer.Option(help="Who rolls back (recorded; default: the OS user).")] = None,
) -> None:
    """Make the previous version the champion again (the rolled-back one becomes `previous`)."""
    from service.retraining import rollback as run_rollback

    try:
        champion, rolled = run_rollback(actor)
    except ValueError as exc:
        console.print(f"[red]cannot roll back:[/] {exc}")
        raise typer.Exit(2) from None
    console.print(f"champion is now version {champion}; version {rolled} is `previous` "
                  f"(run rollback again to undo)")


def _fmt(v) -> str:
    return "" if v is None else f"{v:.3f}" if isinstance(v, float) else str(v)


NARROW = ("version", "aliases", "quarter", "status", "ndcg@10", "roc_auc", "brier")
WIDE = NARROW + ("serving", "drift", "failed gates", "forced by")


def version_table(rows: list[dict], wide: bool = False) -> tuple[Table, list[str]]:
    """The versions as a table (``NARROW`` columns fit 80 characters; ``WIDE`` adds serving,
    drift, failed gates and forced-by) and, for the narrow one, a note per version with failed
    gates or a forced promotion."""
    table = Table(title="Model versions (metrics on the held-out quarter)")
    for col in WIDE if wide else NARROW:
        table.add_column(col, no_wrap=col in ("version", "quarter", "status"))
    notes = []
    for r in rows:
        failed = ", ".join(k for k, v in r["gates"].items() if v == "fail")
        cells = [r["version"], ", ".join(r["aliases"]), r["quarter"], r["status"],
                 _fmt(r["ndcg@10"]), _fmt(r["roc_auc"]), _fmt(r["brier"])]
        if wide:
            cells += [r["serving_from"], r["drift"], failed, r["forced_by"]]
        else:
            if failed:
                notes.append(f"version {r['version']}: failed gates {failed}")
            if r["forced_by"]:
                notes.append(f"version {r['version']}: promoted by force by {r['forced_by']}")
        table.add_row(*[c if c is not None else "" for c in cells])
    return table, notes


def models(wide: Annotated[bool, typer.Option(
        "--wide", help="Also the serving quarter, drift, failed gates and who forced a "
                       "promotion, as columns (needs a wide terminal).")] = False) -> None:
    """List the registered versions: quarter, status, metrics, gates and aliases."""
    from service.retraining import version_rows

    rows = version_rows()
    if not rows:
        console.print("no model versions yet: run `asn-reco retrain --quarter ...`")
        return
    table, notes = version_table(rows, wide)
    console.print(table)
    for note in notes:
        console.print(note)
    if not wide:
        console.print("[dim]--wide adds the serving quarter, drift and gates as columns[/]")


def model_card(
    version: Annotated[str, typer.Argument(help="A version number or alias.")] = "champion",
    html: Annotated[bool, typer.Option("--html", help="HTML instead of Markdown.")] = False,
    out: Annotated[Path | None, typer.Option(help="Write to this file instead of the screen.")] = None,
) -> None:
    """Print (or save) a version's model card."""
    import mlflow

    from service.retraining import model_card as fetch

    try:
        text = fetch(version, "html" if html else "md")
    except (mlflow.exceptions.MlflowException, OSError) as exc:
        console.print(f"[red]no model card for {version}:[/] {str(exc).splitlines()[0]}")
        raise typer.Exit(2) from None
    if out:
        out.write_text(text, encoding="utf-8")
        console.print(f"wrote {out}")
    else:
        typer.echo(text)


def ui_command(tracking_uri: str, artifact_root: Path, host: str, port: int) -> list[str]:
    """The ``mlflow server`` command line for a local store (artifacts kept in the workspace)."""
    root = artifact_root.resolve().as_uri()
    return [sys.executable, "-m", "mlflow", "server", "--backend-store-uri", tracking_uri,
            "--default-artifact-root", root, "--artifacts-destination", root,
            "--host", host, "--port", str(port)]


def mlflow_ui(
    host: Annotated[str, typer.Option(help="Address to listen on (loopback by default).")] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=1, max=65535)] = 5000,
    allow_remote: Annotated[bool, typer.Option(help="Allow a non-loopback --host (the UI has no login).")] = False,
    print_only: Annotated[bool, typer.Option(help="Print the command instead of running it.")] = False,
) -> None:
    """Run the MLflow UI on this workspace's store and artifacts."""
    from service.settings import get_settings

    s = get_settings()
    if s.tracking_uri.startswith(("http://", "https://", "databricks")):
        console.print(f"the tracking store is a server already: open {s.tracking_uri}")
        return
    if host not in LOOPBACK and not allow_remote:
        console.print(f"[red]refusing to listen on {host}:[/] the MLflow UI has no login; "
                      "pass --allow-remote if this is intended")
        raise typer.Exit(2)
    s.mlflow_dir.mkdir(parents=True, exist_ok=True)
    s.artifact_root.mkdir(parents=True, exist_ok=True)
    argv = ui_command(s.tracking_uri, s.artifact_root, host, port)
    if print_only:
        typer.echo(" ".join(argv))
        return
    console.print(f"MLflow UI on http://{host}:{port} (Ctrl+C to stop)")
    try:  # run from the store's folder so nothing lands in the caller's directory
        subprocess.run(argv, cwd=s.mlflow_dir, check=False, env=os.environ.copy())
    except KeyboardInterrupt:
        pass


def register(app: typer.Typer) -> None:
    app.command("retrain")(retrain)
    app.command("rollback")(rollback)
    app.command("models")(models)
    app.command("model-card")(model_card)
    app.command("mlflow-ui")(mlflow_ui)
