"""Ranking a whole population in chunks of people: the pure part of ``asn-reco score-all``.

``rank_chunk`` gives the same rows as ``Recommender.recommend(ctx, persons=chunk, reasons=...)``
(tested), but finds the chunk's candidates from the chunk's own rows: ``recommend`` computes
eligibility over the whole population for every call, which makes chunked scoring quadratic in
the population. Features are still computed on the full context, so population statistics
(popularity in a unit, a program's completion record) are the same whatever the chunking.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd
from threadpoolctl import threadpool_limits

from model.candidates import candidate_pairs, offered_programs
from model.reasons import SIGNALS, word_reasons
from model.recommender import Context, Recommender
from model.snapshot import PERSON, Snapshot

RESULT_COLUMNS = (PERSON, "program_id", "title", "rank", "score", "relevance", "p_complete",
                  "mandatory", "form", "jp", "cost_idr")
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


def people_view(snap: Snapshot, persons: list[str]) -> Snapshot:
    """The snapshot restricted to ``persons`` (for eligibility only: population statistics of
    features need the full snapshot)."""
    pos = snap.person_pos(persons)
    pos = pos[pos >= 0]
    return replace(snap, people=snap.people.iloc[pos], assessed=snap.assessed[pos],
                   required=snap.required[pos])


def catalogue(snap: Snapshot, quarter: str | None = None) -> list[str]:
    """Programs ranked for ``quarter`` (default the snapshot's): those offered then, else all."""
    return offered_programs(snap, quarter or snap.as_of) or list(snap.programs.index)


def rank_chunk(recommender: Recommender, ctx: Context, persons: list[str], k: int = 10,
               reasons: bool = False, programs: list[str] | None = None) -> pd.DataFrame:
    """Top-``k`` programs of each of ``persons``, best first (``RESULT_COLUMNS``, plus
    ``REASON_COLUMNS`` when ``reasons``).

    Args:
        programs: the catalogue to rank (default ``catalogue(ctx.snap)``); pass it once per run.
    """
    with threadpool_limits(recommender.config.threads):
        return _rank_chunk(recommender, ctx, persons, k, reasons, programs)


def _rank_chunk(recommender: Recommender, ctx: Context, persons: list[str], k: int,
                reasons: bool, programs: list[str] | None) -> pd.DataFrame:
    snap = ctx.snap
    programs = catalogue(snap) if programs is None else programs
    columns = list(RESULT_COLUMNS) + (list(REASON_COLUMNS) if reasons else [])
    pairs = candidate_pairs(people_view(snap, persons), None, programs)
    if pairs.empty:
        return pd.DataFrame(columns=columns)
    scored = recommender.score_pairs(ctx, pairs)
    # The order of Recommender._recommend: mandatory first (when configured), then score.
    first = scored["mandatory"] if recommender.config.mandatory_first else 0.0
    scored["_key"] = first * 10.0 + scored["score"]
    scored = scored.sort_values([PERSON, "_key", "program_id"], ascending=[True, False, True])
    scored["rank"] = scored.groupby(PERSON).cumcount() + 1
    top = scored[scored["rank"] <= k].reset_index(drop=True)
    if reasons:
        contrib = recommender.ranker_.contributions(top, SIGNALS)
        top["reasons_id"], top["reasons_en"] = word_reasons(top, contrib, snap.competencies,
                                                            snap.comp_codes)
    top["title"] = top["program_id"].map(snap.programs["title"])
    top["rank"] = top["rank"].astype(np.int64)
    return top[columns]
