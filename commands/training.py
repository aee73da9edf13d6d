"""Commands to train and evaluate the recommender: ``train`` and ``evaluate``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from commands.progress import fraction_progress

console = Console()


def _engine():
    from service.storage.engine import get_engine, init_db

    engine = get_engine()
    init_db(engine)
    return engine


def _check_quarter(value: str | None) -> str | None:
    from model.quarters import parse_quarter

    if value is None:
        return None
    try:
        parse_quarter(value)
    except ValueError as exc:
        raise typer.BadParameter(str(exc)) from None
    return value.upper()


def _ranking_table(result: dict) -> Table:
    k = result["k"]
    table = Table(title=f"Ranking on {result['as_of']} (trained on earlier quarters)")
    cols = [f"ndcg@{k}", f"recall@{k}", f"precision@{k}", f"map@{k}", "coverage", "eligibility"]
    table.add_column("ranker")
    for c in cols:
        table.add_column(c, justify="right")
    for name, m in result["ranking"].items():
        table.add_row(name, *(f"{m[c]:.3f}" for c in cols))
    return table


def _engagement_table(result: dict) -> Table:
    table = Table(title="Engagement")
    for c in ("model", "roc_auc", "pr_auc", "brier", "ece", "n"):
        table.add_column(c, justify="right")
    eng = result["engagement"]
    rows = {"P(complete)": eng.get("completion", {}), "P(reach duty)": eng.get("duty", {})}
    rows.update({f"  baseline: {k}": v for k, v in eng.get("completion_baselines", {}).items()})
    for name, m in rows.items():
        if "roc_auc" in m:
            table.add_row(name, *(f"{m[c]:.3f}" for c in ("roc_auc", "pr_auc", "brier", "ece")),
                          str(m["n"]))
        elif m:
            table.add_row(name, m.get("note", ""), "", "", "", "")
    return table


def train(
    as_of: Annotated[str | None, typer.Option("--as-of", callback=_check_quarter,
                                              help="Serve from this quarter (default: after the latest complete one).")] = None,
    promote: Annotated[bool, typer.Option(help="Make the new version the champion.")] = True,
) -> None:
    """Train on the database's history, evaluate on the latest complete quarter, register in MLflow."""
    from service.training import train_and_register

    engine = _engine()
    try:
        with fraction_progress(console, "training") as update:
            outcome = train_and_register(engine, as_of=as_of, promote=promote, progress=update)
    except ValueError as exc:
        console.print(f"[red]cannot train:[/] {exc}")
        raise typer.Exit(2) from None
    console.print(_ranking_table(outcome.evaluation))
    console.print(_engagement_table(outcome.evaluation))
    state = "promoted to champion" if outcome.promoted else "registered (not promoted)"
    console.print(f"model version {outcome.version} for {outcome.as_of}: {state}")


def evaluate(
    as_of: Annotated[str, typer.Option("--as-of", callback=_check_quarter,
                                       help="Test quarter; the model learns from the quarters before it.")],
    json_out: Annotated[Path | None, typer.Option("--json", help="Write the full result as JSON.")] = None,
    k: Annotated[int, typer.Option(min=1, max=50)] = 10,
    truth: Annotated[Path | None, typer.Option(help="Synthetic truth folder for the oracle row (default: the workspace's, when present).")] = None,
    log: Annotated[bool, typer.Option(help="Log the run to MLflow.")] = True,
) -> None:
    """Time-split evaluation against baselines (and the oracle on synthetic data)."""
    from model.evaluation import evaluate as run_evaluation
    from service.model_inputs import load_model_frames
    from service.settings import get_settings
    from service.training import flat_metrics

    settings = get_settings()
    engine = _engine()
    frames = load_model_frames(engine)
    oracle = _oracle(engine, truth or settings.truth_dir)
    try:
        with fraction_progress(console, "evaluating") as update:
            result = run_evaluation(frames, as_of, k=k, oracle=oracle, progress=update)
    except ValueError as exc:
        console.print(f"[red]cannot evaluate:[/] {exc}")
        raise typer.Exit(2) from None
    console.print(_ranking_table(result))
    console.print(_engagement_table(result))
    s = result["summary"]
    if s["ndcg_lift_over_best_baseline"] is not None:
        console.print(f"NDCG@{k} lift over the best baseline: {s['ndcg_lift_over_best_baseline']:+.1%}")
    if s["share_of_oracle"] is not None:
        console.print(f"share of the oracle's NDCG@{k}: {s['share_of_oracle']:.1%}")
    if json_out:
        json_out.write_text(json.dumps(result, indent=2, default=str), encoding="utf-8")
        console.print(f"wrote {json_out}")
    if log:
        from model.registry import log_evaluation

        log_evaluation(result, flat_metrics(result), settings.tracking_uri, settings.artifact_root)


def _oracle(engine, truth_dir: Path):
    """The synthetic oracle keyed by pseudonyms, when a truth folder exists (evaluation only)."""
    if not truth_dir or not Path(truth_dir).exists():
        return None
    from commands.oracle_harness import oracle_for

    return oracle_for(engine, Path(truth_dir))


def register(app: typer.Typer) -> None:
    app.command("train")(train)
    app.command("evaluate")(evaluate)
