"""``asn-reco cf-recommend``: top-k collaborative-filtering recommendations from a CSV of history."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

REQUIRED = ("user_id", "item_id")


def register(app: typer.Typer) -> None:
    """Add ``cf-recommend`` to the app."""
    app.command("cf-recommend")(cf_recommend)


def cf_recommend(
    interactions: Annotated[
        Path,
        typer.Option(
            "--interactions",
            help="CSV with user_id,item_id and optionally weight (e.g. rating or count) and "
            "timestamp (not used: the engine ignores order).",
            exists=True,
            dir_okay=False,
            readable=True,
        ),
    ],
    out: Annotated[Path, typer.Option("--out", help="CSV to write: user_id,item_id,rank,score.")],
    k: Annotated[int, typer.Option("--k", min=1, help="Items to recommend per user.")] = 10,
    method: Annotated[
        str, typer.Option("--method", help="auto (EASE up to 8,000 items, else kNN), ease, knn, popular.")
    ] = "auto",
    l2: Annotated[
        str, typer.Option("--l2", help="EASE ridge strength, or 'auto' to choose it on held-out data.")
    ] = "auto",
    neighbours: Annotated[int, typer.Option("--neighbours", min=1, help="kNN neighbours per item.")] = 100,
    shrink: Annotated[float, typer.Option("--shrink", min=0.0, help="kNN similarity shrinkage.")] = 10.0,
) -> None:
    """Recommend to each user the k items they have not had yet, from everyone's history.

    Ids are kept exactly as written in the input. Without a weight column each (user, item)
    pair counts once (duplicates dropped); with one, the weights of duplicates are summed.
    """
    import pandas as pd
    from rich.console import Console

    from model.collaborative import METHODS, fit_recommend

    if method not in METHODS:
        raise typer.BadParameter(f"must be one of {', '.join(METHODS)}; got {method!r}", param_hint="--method")
    l2_value = _parse_l2(l2)
    console = Console(stderr=True)
    with console.status(f"reading {interactions}") as status:
        frame = _read_interactions(interactions, pd)
        weight_col = "weight" if "weight" in frame.columns else None
        status.update(
            f"{len(frame):,} rows, {frame.user_id.nunique():,} users, {frame.item_id.nunique():,} items"
        )
        try:
            recs = fit_recommend(
                frame, k=k, weight_col=weight_col, method=method, l2=l2_value,
                neighbours=neighbours, shrink=shrink, on_progress=status.update,
            )
        except (ValueError, MemoryError) as exc:
            raise typer.BadParameter(str(exc), param_hint="--interactions") from exc
        out.parent.mkdir(parents=True, exist_ok=True)
        status.update(f"writing {out}")
        recs.to_csv(out, index=False, float_format="%.6g")
    console.print(
        f"wrote {len(recs):,} recommendations for {recs.user_id.nunique():,} users to {out}"
    )


def _parse_l2(text: str) -> float | str:
    if text == "auto":
        return text
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not value > 0:
        raise typer.BadParameter(f"must be a positive number or 'auto'; got {text!r}", param_hint="--l2")
    return value


def _read_interactions(path: Path, pd):
    """The CSV with ids as text (kept as given) and a numeric weight, or a clear error."""
    try:
        header = pd.read_csv(path, nrows=0).columns
    except (pd.errors.EmptyDataError, pd.errors.ParserError, UnicodeDecodeError) as exc:
        raise typer.BadParameter(f"{path} is not a readable CSV: {exc}", param_hint="--interactions")
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        raise typer.BadParameter(
            f"{path} is missing column(s) {', '.join(missing)}; it has {', '.join(map(str, header))}",
            param_hint="--interactions",
        )
    try:
        frame = pd.read_csv(path, dtype={"user_id": str, "item_id": str}, keep_default_na=False)
    except (pd.errors.ParserError, UnicodeDecodeError) as exc:
        raise typer.BadParameter(f"{path} is not a readable CSV: {exc}", param_hint="--interactions")
    if frame.empty:
        raise typer.BadParameter(f"{path} has no rows", param_hint="--interactions")
    for col in REQUIRED:
        blank = frame[col].str.strip() == ""
        if blank.any():
            raise typer.BadParameter(
                f"{path}: column {col} is empty on {int(blank.sum())} row(s), first at line "
                f"{int(blank.to_numpy().argmax()) + 2}",
                param_hint="--interactions",
            )
    if "weight" in frame.columns:
        weight = pd.to_numeric(frame["weight"], errors="coerce")
        bad = weight.isna() | (weight < 0)
        if bad.any():
            raise typer.BadParameter(
                f"{path}: column weight must be a non-negative number; {int(bad.sum())} row(s) "
                f"are not, first at line {int(bad.to_numpy().argmax()) + 2}",
                param_hint="--interactions",
            )
        frame["weight"] = weight
    return frame
