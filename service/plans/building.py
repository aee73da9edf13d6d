"""From the served recommender to a solved quarter plan: candidates, solve, baselines, reasons.

Works on the recommender and its point-in-time ``Context`` (pseudonymous person keys only); the
database and employee ids stay in ``service.plans.drafts`` and ``service.plans.sheets``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

import numpy as np
import pandas as pd

from model import quarters as qt
from model.candidates import candidate_pairs
from model.planning import (
    PlanConfig, PlanInputError, PlanResult, compare_plans, greedy_by_score, popular_first,
    solve_plan,
)
from model.reasons import SIGNALS, word_reasons

PERSON = "person_key"
Progress = Callable[[str, float], None]
Pair = tuple[str, str]
CANDIDATE_COLUMNS = [PERSON, "offering_id", "program_id", "unit", "cost_idr", "jp", "relevance",
                     "p_complete", "expected_benefit", "jp_shortfall", "mandatory", "popularity",
                     "start_date"]
OFFERING_COLUMNS = ["offering_id", "program_id", "seats", "start_date"]
NO_UNIT = "(tanpa unit)"


@dataclass
class PlanOutcome:
    """A solved plan with the baselines it was compared with in the same run."""

    plan: PlanResult
    baselines: dict[str, PlanResult]
    comparison: pd.DataFrame


def quarter_offerings(ctx: Any, quarter: str) -> pd.DataFrame:
    """The offerings starting in ``quarter`` whose program is in the catalogue.

    Missing seat counts become 0 (HR must state the seats of a planned offering).

    Raises:
        PlanInputError: when nothing is scheduled in the quarter.
    """
    off = ctx.snap.offerings
    mine = off[(off["quarter"] == quarter) & off["program_id"].isin(ctx.snap.programs.index)]
    if mine.empty:
        scheduled = sorted(off["quarter"].dropna().unique(), key=qt.parse_quarter)
        latest = scheduled[-1] if scheduled else "none"
        raise PlanInputError(f"no offerings start in {quarter}; import that quarter's schedule "
                             f"first (latest quarter with offerings: {latest})")
    out = mine[OFFERING_COLUMNS].copy()
    out["offering_id"] = out["offering_id"].astype(str)
    out["program_id"] = out["program_id"].astype(str)
    out["seats"] = pd.to_numeric(out["seats"], errors="coerce").fillna(0).astype(int)
    out["start_date"] = pd.to_datetime(out["start_date"], errors="coerce").dt.date
    return out.reset_index(drop=True)


def _popularity(ctx: Any, quarters: int = 4) -> pd.Series:
    """Enrollments per program in the last ``quarters`` quarters before the snapshot."""
    hist = ctx.snap.history
    recent = qt.quarter_range(qt.shift(ctx.snap.as_of, -quarters), qt.shift(ctx.snap.as_of, -1))
    return hist[hist["quarter"].isin(recent)].groupby("program_id").size().astype(float)


def _locked_rows(recommender: Any, ctx: Any, locked: set[Pair], offers: pd.DataFrame,
                 have: pd.DataFrame) -> pd.DataFrame:
    """Scored (person, program) rows for locked pairs outside each person's top programs."""
    program_of = offers.set_index("offering_id")["program_id"]
    wanted = pd.DataFrame([(p, program_of.get(o)) for p, o in locked if o in program_of.index],
                          columns=[PERSON, "program_id"]).drop_duplicates()
    if wanted.empty:
        return have.iloc[0:0]
    known = set(zip(have[PERSON], have["program_id"]))
    wanted = wanted[[pair not in known for pair in zip(wanted[PERSON], wanted["program_id"])]]
    eligible = []
    for program, group in wanted.groupby("program_id"):
        eligible.append(candidate_pairs(ctx.snap, list(group[PERSON]), [program]))
    pairs = pd.concat(eligible, ignore_index=True) if eligible else wanted.iloc[0:0]
    if pairs.empty:
        return have.iloc[0:0]
    scored = recommender.score_pairs(ctx, pairs)
    return scored[[c for c in have.columns if c in scored.columns]]


def build_candidates(recommender: Any, ctx: Any, quarter: str, top_k: int = 10,
                     locked: set[Pair] | frozenset[Pair] = frozenset(),
                     progress: Progress | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Candidate lines and offerings of a quarter, in the columns of ``model.planning.inputs``.

    Each eligible person's ``top_k`` programs offered in the quarter (mandatory first, then by
    expected benefit = relevance x P(complete)), each expanded to the program's offerings;
    locked (person_key, offering_id) pairs are added when the person is eligible.

    Returns:
        (candidates, offerings).
    """
    say = progress or (lambda _m, _f: None)
    offers = quarter_offerings(ctx, quarter)
    say("ranking programs", 0.05)
    recs = recommender.recommend(ctx, k=top_k, quarter=quarter, reasons=False)
    recs = recs[[PERSON, "program_id", "relevance", "p_complete", "score", "mandatory", "jp",
                 "cost_idr"]]
    if locked:
        extra = _locked_rows(recommender, ctx, set(locked), offers, recs)
        recs = pd.concat([recs, extra], ignore_index=True)
    say("expanding to offerings", 0.9)
    lines = recs.merge(offers, on="program_id", how="inner")
    people = ctx.snap.people
    lines["unit"] = lines[PERSON].map(people["unit"]).fillna(NO_UNIT).astype(str)
    lines["jp_shortfall"] = lines[PERSON].map(ctx.people["jp_missing"]).fillna(0.0).clip(0)
    lines["expected_benefit"] = lines["score"].clip(lower=0)
    lines["relevance"] = lines["relevance"].clip(lower=0)
    lines["mandatory"] = lines["mandatory"].fillna(0).astype(float) >= 1
    lines["popularity"] = lines["program_id"].map(_popularity(ctx)).fillna(0.0)
    lines["cost_idr"] = pd.to_numeric(lines["cost_idr"], errors="coerce").fillna(0.0)
    lines["jp"] = pd.to_numeric(lines["jp"], errors="coerce").fillna(0.0)
    lines[PERSON] = lines[PERSON].astype(str)
    say("candidates ready", 1.0)
    return lines[CANDIDATE_COLUMNS].reset_index(drop=True), offers


def make_plan(candidates: pd.DataFrame, offerings: pd.DataFrame, config: PlanConfig,
              baselines: bool = True) -> PlanOutcome:
    """Solve the plan and, in the same run, the greedy-by-score and popular-first baselines."""
    plan = solve_plan(candidates, offerings, config)
    others = ({"greedy_by_score": greedy_by_score(candidates, offerings, config),
               "popular_first": popular_first(candidates, offerings, config)}
              if baselines else {})
    table = compare_plans({"milp": plan, **others}, candidates, config, offerings)
    return PlanOutcome(plan, others, table)


def plan_reasons(recommender: Any, ctx: Any, pairs: pd.DataFrame) -> pd.DataFrame:
    """Reasons (Indonesian and English, ``; ``-joined) of given (person_key, program_id) pairs.

    The same wording as the recommendations: the signals that raised each pair's score.
    """
    pairs = pairs[[PERSON, "program_id"]].drop_duplicates().reset_index(drop=True)
    if pairs.empty:
        return pairs.assign(reason_id=[], reason_en=[])
    scored = recommender.score_pairs(ctx, pairs).reset_index(drop=True)
    contrib = recommender.ranker_.contributions(scored, SIGNALS, scored["relevance"].to_numpy())
    rid, ren = word_reasons(scored, contrib, ctx.snap.competencies, ctx.snap.comp_codes)
    return pairs.assign(reason_id=["; ".join(r) for r in rid],
                        reason_en=["; ".join(r) for r in ren])


def plain_reasons(lines: pd.DataFrame) -> pd.DataFrame:
    """Reasons worded from the line's own values, for lines the model was not asked about."""
    short = lines["jp_shortfall"].to_numpy(dtype=float)
    jp = lines["jp"].to_numpy(dtype=float)
    mand = lines["mandatory"].to_numpy(dtype=bool)
    rid = np.where(mand, "Wajib untuk Anda (pelatihan mandatori)",
                   np.where(short > 0, [f"Masih kurang {s:.0f} JP; program ini {j:.0f} JP"
                                        for s, j in zip(short, jp)],
                            "Sesuai kebutuhan kompetensi menurut model"))
    ren = np.where(mand, "Mandatory for you",
                   np.where(short > 0, [f"Still {s:.0f} JP short; this program gives {j:.0f} JP"
                                        for s, j in zip(short, jp)],
                            "Matches competency needs according to the model"))
    return lines[[PERSON, "program_id"]].assign(reason_id=rid, reason_en=ren)
