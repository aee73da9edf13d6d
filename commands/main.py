"""Entry point of ``asn-reco``: collects the commands of each command module."""

from __future__ import annotations

import importlib

import typer

app = typer.Typer(
    name="asn-reco",
    help="Training recommender for the civil servants (ASN) of Kota Binjai.",
    no_args_is_help=True,
    add_completion=False,
)



@app.callback()
def main() -> None:
    """Training recommender for the civil servants (ASN) of Kota Binjai."""
    import logging

    # MLflow and Alembic narrate their start-up at INFO; the commands report what matters.
    for name in ("mlflow", "alembic"):
        logging.getLogger(name).setLevel(logging.WARNING)


# Each module defines ``register(app)``; listed here so the order of --help is stable.
_COMMAND_MODULES = (
    "commands.storage",
    "commands.synthetic_data",
    "commands.training",
    "commands.cf",
    "commands.planning",
    "commands.akpk",
    "commands.risk",
    "commands.demo",
    "commands.serving",
    "commands.oulad",
    "commands.models",
    "commands.batch",
    "commands.backup",
)

for _name in _COMMAND_MODULES:
    importlib.import_module(_name).register(app)


@app.command("info")
def info() -> None:
    """Show the version and where this workspace keeps its data."""
    from importlib.metadata import version

    from service.settings import get_settings

    s = get_settings()
    typer.echo(f"asn-reco {version('asn-reco')}")
    typer.echo(f"data folder : {s.data_dir}")
    typer.echo(f"database    : {s.db_url}")
    typer.echo(f"MLflow      : {s.tracking_uri}")
