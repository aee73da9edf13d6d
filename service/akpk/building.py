"""The year's plan behind the AKPK: candidates over the year's quarters, the exact plan, needs.

The year's offerings (every quarter of ``year`` from the model's as-of quarter on that has a
schedule) are planned together by the quarter planner's MILP (``model.planning.solve_plan``):
one budget row for the year, the seats of every offering, ``max_per_person`` lines per person
in the year and one offering per program per person. The 20 JP duty is the planner's JP goal
(``jp_weight``) with the year's shortfall; the balance of forms is measured and reported, not
constrained (see ``docs/akpk.md``). Only PNS and CPNS are planned: the AKPK is the PNS duty of
PP 11/2017 art. 205-207 (PPPK follow Peraturan LAN 15/2020).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pandas as pd

from model.development_needs import line_competencies, performance_gaps, priorities
from model.planning import PlanConfig, PlanInputError
from model.snapshot import PERSON
from service.plans.building import (
    PlanOutcome, build_candidates, make_plan, plain_reasons, plan_reasons,
)

PLANNED_TYPES = ("PNS", "CPNS")
MIN_YEAR, MAX_YEAR = 2000, 2100


@dataclass
class AkpkPlan:
    """A solved year plan and its lines with the AKPK's columns (see ``akpk_lines``)."""

    year: int
    quarters: list[str]
    budget_idr: float
    outcome: PlanOutcome
    lines: pd.DataFrame
    people: pd.DataFrame      # the PNS/CPNS considered: index person_key; unit, jp_duty, perf gap
    model_version: str | None = None


def check_year(year: int, as_of: str) -> int:
    """The year as an int; PlanInputError when it is not a coming year for the model."""
    if not isinstance(year, int) or not MIN_YEAR <= year <= MAX_YEAR:
        raise PlanInputError(f"year must be a whole number between {MIN_YEAR} and {MAX_YEAR}, "
                             f"got {year!r}")
    if year < int(as_of[:4]):
        raise PlanInputError(f"the AKPK plans a coming year: {year} is before the model's "
                             f"as-of quarter {as_of}")
    return year


def year_quarters(ctx: Any, year: int) -> list[str]:
    """The quarters of ``year`` from the context's quarter on that have offerings."""
    as_of = ctx.snap.as_of
    check_year(year, as_of)
    off = ctx.snap.offerings
    scheduled = set(off.loc[off["program_id"].isin(ctx.snap.programs.index), "quarter"].dropna())
    quarters = [q for q in (f"{year}Q{i}" for i in range(1, 5)) if q >= as_of and q in scheduled]
    if not quarters:
        latest = max(scheduled) if scheduled else "none"
        raise PlanInputError(f"no offerings are scheduled in {year} from {as_of} on; import "
                             f"that year's schedule first (latest quarter with offerings: "
                             f"{latest})")
    return quarters


def _planned_people(ctx: Any, year: int) -> pd.DataFrame:
    people = ctx.snap.people
    mine = people[people["employment_type"].isin(PLANNED_TYPES).fillna(False)
                  & people["active"].fillna(False).astype(bool)]
    out = mine[["unit", "employment_type", "job_kind", "jp_duty", "skp_rating_last"]].copy()
    # A coming year starts with the whole duty missing; the current year with what is left.
    if year > int(ctx.snap.as_of[:4]):
        out["jp_shortfall"] = out["jp_duty"].astype(float)
    else:
        out["jp_shortfall"] = ctx.people["jp_missing"].reindex(out.index).fillna(
            out["jp_duty"]).astype(float)
    return out.join(performance_gaps(mine))


def year_candidates(recommender: Any, ctx: Any, year: int, top_k: int = 10,
                    people: pd.DataFrame | None = None) -> tuple[pd.DataFrame, pd.DataFrame,
                                                                 list[str]]:
    """Candidate lines and offerings of the year's quarters, PNS and CPNS only.

    Returns:
        (candidates, offerings with a ``quarter`` column, quarters planned).
    """
    quarters = year_quarters(ctx, year)
    people = _planned_people(ctx, year) if people is None else people
    cands, offers = [], []
    for quarter in quarters:
        c, o = build_candidates(recommender, ctx, quarter, top_k)
        cands.append(c)
        offers.append(o.assign(quarter=quarter))
    candidates = pd.concat(cands, ignore_index=True)
    candidates = candidates[candidates[PERSON].isin(people.index)].reset_index(drop=True)
    candidates["jp_shortfall"] = candidates[PERSON].map(people["jp_shortfall"]).to_numpy()
    return candidates, pd.concat(offers, ignore_index=True), quarters


def akpk_lines(ctx: Any, assignments: pd.DataFrame, offerings: pd.DataFrame,
               people: pd.DataFrame, reasons: pd.DataFrame,
               employee_of: dict[str, str]) -> pd.DataFrame:
    """The plan's lines with everything an AKPK row shows.

    Raises:
        ValueError: when a person key has no employee in the database.
    """
    programs = ctx.snap.programs
    lines = assignments.merge(offerings[["offering_id", "quarter", "start_date"]],
                              on="offering_id", how="left")
    lines = lines.merge(reasons[[PERSON, "program_id", "reason_id", "reason_en"]],
                        on=[PERSON, "program_id"], how="left")
    for column, source in (("title", "title"), ("form", "form"), ("route", "delivery"),
                           ("provider", "provider")):
        values = programs[source] if source in programs else pd.Series(dtype=object)
        lines[column] = lines["program_id"].map(values).astype(object)
    for column in ("employment_type", "job_kind", "jp_shortfall", "skp_rating_last",
                   "perf_gap", "perf_gap_parts"):
        lines[column] = lines[PERSON].map(people[column]).to_numpy()
    lines = pd.concat([lines, line_competencies(ctx.snap, lines)], axis=1)
    lines["priority"] = priorities(lines)
    lines["employee_id"] = lines[PERSON].map(employee_of)
    if lines["employee_id"].isna().any():
        raise ValueError(f"{int(lines['employee_id'].isna().sum())} AKPK line(s) name a person "
                         "who is no longer in the employees table")
    lines["start_date"] = pd.to_datetime(lines["start_date"], errors="coerce").dt.date
    return lines.sort_values(["unit", "employee_id", "quarter", "priority"],
                             kind="stable").reset_index(drop=True)


def build_akpk(recommender: Any, ctx: Any, config: PlanConfig, year: int,
               employee_of: dict[str, str], *, top_k: int = 10, model_version: str | None = None,
               baselines: bool = True, worded: bool = True) -> AkpkPlan:
    """Plan ``year`` under ``config`` (its budget is the year's) and set out the AKPK lines.

    Args:
        employee_of: person_key -> employee_id (``service.plans.sheets.employee_ids``).
        baselines: also solve greedy-by-score and popular-first on the same candidates.
        worded: reasons from the recommender (else worded from the line's own values).

    Raises:
        PlanInputError: a year before the model's or without offerings; bad candidates.
        PlanInfeasibleError, PlanTimeoutError: from the solver.
    """
    people = _planned_people(ctx, year)
    candidates, offerings, quarters = year_candidates(recommender, ctx, year, top_k, people)
    outcome = make_plan(candidates, offerings, config, baselines=baselines)
    chosen = outcome.plan.assignments
    if worded:
        reasons = plan_reasons(recommender, ctx, chosen)
    else:
        reasons = plain_reasons(chosen.assign(jp_shortfall=chosen[PERSON].map(
            people["jp_shortfall"]).to_numpy()))
    lines = akpk_lines(ctx, chosen, offerings, people, reasons, employee_of)
    return AkpkPlan(year, quarters, float(config.budget_idr), outcome, lines, people,
                    model_version)


def for_unit(plan: AkpkPlan, unit: str) -> AkpkPlan:
    """The same plan cut to one OPD's lines and people (what a unit head receives)."""
    return AkpkPlan(plan.year, plan.quarters, plan.budget_idr, plan.outcome,
                    plan.lines[plan.lines["unit"] == unit].reset_index(drop=True),
                    plan.people[plan.people["unit"] == unit], plan.model_version)
