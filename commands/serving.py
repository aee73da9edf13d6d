"""Commands to run the API: ``serve`` (uvicorn) and ``create-user``."""

from __future__ import annotations

import copy
import os
from typing import Annotated

import typer
from rich.console import Console

console = Console()
ROLES = ("admin", "analyst", "unit_head")


def _prepare():
    """Migrate the database and create the secrets once, before any worker starts."""
    from service.auth.tokens import secret_from_file
    from service.pseudonym import load_key
    from service.storage.engine import get_engine, init_db

    engine = get_engine()
    init_db(engine)
    load_key()
    secret_from_file("jwt_secret")
    return engine


def _log_config() -> dict:
    from uvicorn.config import LOGGING_CONFIG

    config = copy.deepcopy(LOGGING_CONFIG)
    # Our loggers (route templates, never paths or queries) use uvicorn's default handler.
    for name in ("asn_reco", "service"):
        config["loggers"][name] = {"handlers": ["default"], "level": "INFO", "propagate": False}
    return config


def serve(
    host: Annotated[str, typer.Option(help="Address to listen on")] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=1, max=65535)] = 8000,
    workers: Annotated[int, typer.Option(min=1, max=64, help="Worker processes (each loads the model)")] = 1,
    http: Annotated[str, typer.Option(help="HTTP implementation: auto, h11 or httptools")] = "httptools",
    keep_alive: Annotated[int, typer.Option(
        min=1, max=3600, help="Seconds an idle keep-alive connection stays open; keep it longer "
        "than the idle timeout of the clients or proxy in front (nginx: 60 s), or a request sent "
        "as the server closes the connection fails")] = 75,
) -> None:
    """Start the API with uvicorn; on the first run, print the admin's one-time password."""
    import uvicorn

    from service.auth.users import FIRST_ADMIN, ensure_first_admin

    # MLflow retries an unreachable tracking server for minutes by default; the service would not
    # even answer /health/live meanwhile. Fail fast and let the poll thread try again later.
    os.environ.setdefault("MLFLOW_HTTP_REQUEST_MAX_RETRIES", "1")
    if http not in ("auto", "h11", "httptools"):
        raise typer.BadParameter("choose auto, h11 or httptools", param_hint="--http")
    password = ensure_first_admin(_prepare())
    if password:
        console.print(f"[bold]first run:[/] created user [bold]{FIRST_ADMIN}[/] with the one-time "
                      f"password [bold]{password}[/]\nit is not shown again; create other users "
                      f"with asn-reco create-user")
    shown = "localhost" if host in ("127.0.0.1", "0.0.0.0") else host
    console.print(f"serving on http://{shown}:{port}/api/v1 (docs: http://{shown}:{port}/docs)")
    # access_log=False: uvicorn's access log prints raw paths, which hold NIPs; ours logs templates.
    uvicorn.run("service.api.app:create_app", factory=True, host=host, port=port,
                workers=workers, http=http, access_log=False, log_config=_log_config(),
                timeout_keep_alive=keep_alive, server_header=False)


def create_user_command(
    username: Annotated[str, typer.Argument(help="3-64 letters, digits, '.', '_' or '-'")],
    role: Annotated[str, typer.Option(help="admin, analyst or unit_head")],
    unit: Annotated[str | None, typer.Option(help="The unit a unit_head may see")] = None,
    generate: Annotated[bool, typer.Option("--generate", help="Generate a password and print it once")] = False,
) -> None:
    """Create a user (the password is asked for, or generated with --generate)."""
    from service.auth.passwords import new_password
    from service.auth.users import UserError, create_user

    if role not in ROLES:
        raise typer.BadParameter(f"choose one of {', '.join(ROLES)}", param_hint="--role")
    password = new_password() if generate else typer.prompt("password", hide_input=True,
                                                             confirmation_prompt=True)
    try:
        user = create_user(_prepare(), username, password, role, unit)
    except UserError as exc:
        console.print(f"[red]cannot create the user:[/] {exc}")
        raise typer.Exit(2) from None
    console.print(f"created {user.username} ({user.role}{', ' + user.unit if user.unit else ''})")
    if generate:
        console.print(f"one-time password: [bold]{password}[/]")


def register(app: typer.Typer) -> None:
    app.command("serve")(serve)
    app.command("create-user")(create_user_command)
