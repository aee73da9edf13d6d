"""``asn-reco demo``: the main job on the embedded defaults, from nothing to a running service.

On first run it generates the demo data (6,000 employees, 5 years), imports it into the SQLite
database, trains and registers a model in the local MLflow store, then serves the API (printing
the URL and, the first time, the admin's one-time password); later runs reuse what exists.
"""

from __future__ import annotations

from typing import Annotated

import typer
from rich.console import Console

console = Console()


def demo(
    employees: Annotated[int, typer.Option(min=50, help="Demo population size on first run.")] = 6000,
    years: Annotated[int, typer.Option(min=2, max=10)] = 5,
    seed: Annotated[int, typer.Option()] = 7,
    retrain: Annotated[bool, typer.Option(help="Train again even when a champion exists.")] = False,
    serve: Annotated[bool, typer.Option(help="End by serving the API and the dashboard.")] = True,
    host: Annotated[str, typer.Option(help="Address to serve on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=1, max=65535)] = 8000,
) -> None:
    """Prepare the embedded workspace (data, database, model), then serve it."""
    import sqlalchemy as sa

    from commands.progress import fraction_progress
    from model import registry
    from service.ingest.importer import import_paths
    from service.settings import get_settings
    from service.storage.engine import get_engine, init_db
    from service.training import train_and_register

    settings = get_settings()
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    engine = get_engine()
    init_db(engine)
    console.print(f"workspace: {settings.data_dir}")

    with engine.connect() as conn:
        n_emp = conn.execute(sa.text("SELECT COUNT(*) FROM employees")).scalar_one()
    if n_emp == 0:
        raw = settings.raw_dir / "demo"
        if not (raw / "employees.csv").exists():
            from synthetic import generate, write_world

            console.print(f"generating demo data: {employees} employees, {years} years (seed {seed})")
            world = generate(n_employees=employees, years=years, seed=seed)
            write_world(world, raw, settings.truth_dir)
        console.print(f"importing {raw}")
        report = import_paths([raw], engine)
        if not report.ok:
            console.print(f"[red]the demo data did not import:[/] {len(report.problems)} problems")
            raise typer.Exit(1)
        with engine.connect() as conn:
            n_emp = conn.execute(sa.text("SELECT COUNT(*) FROM employees")).scalar_one()
    console.print(f"database: {n_emp} employees")

    client = registry.client_for(settings.tracking_uri, settings.artifact_root)
    try:
        champion = registry.version_info(client, registry.CHAMPION)
    except Exception:  # no registered model or no champion yet
        champion = None
    if champion is None or retrain:
        with fraction_progress(console, "training") as update:
            outcome = train_and_register(engine, progress=update)
        console.print(f"trained version {outcome.version} for {outcome.as_of}; "
                      f"NDCG@10 {outcome.metrics.get('model.ndcg_at_10', float('nan')):.3f}")
    else:
        console.print(f"champion: version {champion.version} (as of {champion.tags.get('as_of')})")
    console.print(f"MLflow store: {settings.tracking_uri}")
    if serve:
        from commands.serving import serve as serve_api

        console.print("on later runs the admin password is not shown again "
                      "(asn-reco create-user makes more users)")
        serve_api(host=host, port=port, workers=1, http="httptools")


def register(app: typer.Typer) -> None:
    app.command("demo")(demo)
