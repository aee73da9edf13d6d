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

# Each module defines ``register(app)``; listed here so the order of --help is stable.
_COMMAND_MODULES = (
    "commands.storage",
    "commands.synthetic_data",
    "commands.training",
    "commands.cf",
    "commands.planning",
    "commands.risk",
    "commands.demo",
)

for _name in _COMMAND_MODULES:
    try:
        _module = importlib.import_module(_name)
    except ModuleNotFoundError as exc:  # a module not written yet
        if exc.name != _name:
            raise
        continue
    _module.register(app)
