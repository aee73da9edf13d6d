"""Ranking a whole population in chunks of people: the pure part of ``asn-reco score-all``.

``rank_chunk`` is ``Recommender.recommend(ctx, persons=chunk)`` with the output columns of a
part file. Candidates are found for the chunk's people only, while features are computed on the
full context, so population statistics (popularity in a unit, a program's completion record) are
the same whatever the chunking (tested: many chunks give the rows of one).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from model.candidates import offered_programs
from model.recommender import Context, Recommender

RESULT_COLUMNS = ("person_key", "program_id", "title", "rank", "score", "relevance",
                  "p_complete", "mandatory", "form", "jp", "cost_idr")
REASON_COLUMNS = ("reasons_id", "reasons_en")


def active_persons(ctx: Context) -> list[str]:
    """Person keys of the context's active employees, sorted (the order of the output parts)."""
    people = ctx.snap.people
    return sorted(people.index[people["active"].to_numpy(dtype=bool)])


def chunked(items: list[str], size: int) -> list[list[str]]:
    """``items`` cut into consecutive lists of at most ``size``."""
    if size < 1:
        raise ValueError(f"chunk size must be at least 1, got {size}")
    return [items[i:i + size] for i in range(0, len(items), size)]


def catalogue(ctx: Context) -> list[str]:
    """Programs ranked at the context's quarter: those offered then, else the whole catalogue
    (the default of ``recommend``)."""
    return offered_programs(ctx.snap, ctx.snap.as_of) or list(ctx.snap.programs.index)


def rank_chunk(recommender: Recommender, ctx: Context, persons: list[str], k: int = 10,
               reasons: bool = False) -> pd.DataFrame:
    """Top-``k`` programs of each of ``persons``, best first (``RESULT_COLUMNS``, plus
    ``REASON_COLUMNS`` when ``reasons``)."""
    columns = list(RESULT_COLUMNS) + (list(REASON_COLUMNS) if reasons else [])
    top = recommender.recommend(ctx, persons=persons, k=k, reasons=reasons)
    if top.empty:
        return pd.DataFrame(columns=columns)
    top = top.reset_index(drop=True)
    top["rank"] = top["rank"].astype(np.int64)
    return top[columns]
