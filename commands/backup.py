"""Commands for backups: backup (online, consistent) and restore (verified, atomic)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console


def backup_command(
    out: Annotated[Path | None, typer.Option("--out", help="Folder for the archive "
                                             "(default DATA_DIR/backups)")] = None,
) -> None:
    """Back up the database, the MLflow store and secrets.json into one .tar.gz."""
    from service.backup import PERSONAL_DATA_WARNING, BackupError, create_backup

    console = Console()
    try:
        result = create_backup(out)
    except BackupError as exc:
        console.print(f"[red]backup failed:[/] {exc}")
        raise typer.Exit(2) from None
    for warning in result.warnings:
        console.print(f"[yellow]note:[/] {warning}")
    size = result.archive.stat().st_size
    console.print(f"wrote {result.archive} ({size:,} bytes, {len(result.members)} files, "
                  f"{sum(result.counts.values()):,} database rows)")
    console.print(f"[yellow]warning:[/] {PERSONAL_DATA_WARNING}")


def restore_command(
    archive: Annotated[Path, typer.Argument(help="A .tar.gz written by `asn-reco backup`")],
    force: Annotated[bool, typer.Option("--force", help="Replace the database, MLflow store "
                                        "and secrets of a non-empty data folder")] = False,
) -> None:
    """Verify a backup and restore it into the data folder (stop the API first)."""
    from service.backup import BackupError, restore_backup

    console = Console()
    try:
        manifest = restore_backup(archive, force=force)
    except BackupError as exc:
        console.print(f"[red]restore refused:[/] {exc}")
        raise typer.Exit(1) from None
    rows = sum(manifest["counts"].values())
    console.print(f"[green]restored[/] the backup of {manifest['created_at']}: "
                  f"{len(manifest['members'])} files verified, {rows:,} database rows")


def register(app: typer.Typer) -> None:
    """Add the backup commands to ``app``."""
    app.command("backup")(backup_command)
    app.command("restore")(restore_command)
