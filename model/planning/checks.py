"""Independent check of a plan against every hard constraint of its configuration."""

from __future__ import annotations

import pandas as pd

from model.planning.inputs import (
    COST, LOCKED, MANDATORY, OFFERING, PERSON, PROGRAM, SEATS, TOL_IDR, UNIT, PlanConfig,
    excluded_mask, validate_candidates, validate_offerings,
)
from model.planning.result import PlanResult



def _pairs(frame: pd.DataFrame, n: int) -> list[tuple[str, str]]:
    return list(frame[[PERSON, OFFERING]].head(n).itertuples(index=False, name=None))


def _mandatory_crowded_out(lines: pd.DataFrame, cands: pd.DataFrame, seats: pd.Series,
                           config: PlanConfig) -> list[str]:
    """Mandatory lines left out that would fit once the optional, unlocked lines are removed.

    This is the seat-by-seat meaning of "mandatory first, as far as seats and budget allow";
    a plan with the most mandatory lines possible never fails it.
    """
    kept = lines[lines[MANDATORY] | lines[LOCKED]]
    covered = set(zip(lines[PERSON], lines[PROGRAM]))
    budget_left = config.budget_idr - kept[COST].sum()
    seats_left = seats - kept.groupby(OFFERING).size().reindex(seats.index, fill_value=0)
    per_person = kept.groupby(PERSON).size()
    out = []
    waiting = cands[cands[MANDATORY] & ~excluded_mask(cands, config)]
    for row in waiting.itertuples(index=False):
        person, program = getattr(row, PERSON), getattr(row, PROGRAM)
        offering = getattr(row, OFFERING)
        if (person, program) in covered:
            continue
        if (seats_left[offering] >= 1 and getattr(row, COST) <= budget_left + TOL_IDR
                and per_person.get(person, 0) < config.max_per_person):
            out.append(f"mandatory line ({person}, {offering}) is left out although it fits "
                       f"without the optional lines")
    return out


def check_plan(plan: PlanResult | pd.DataFrame, candidates: pd.DataFrame,
               offerings: pd.DataFrame, config: PlanConfig) -> list[str]:
    """Every constraint the plan violates, as readable sentences; empty when the plan is valid.

    Checks the budget, seats, ``max_per_person``, one offering per program per person, locked
    lines in, excluded people/programs/offerings out, mandatory first (no mandatory line left out
    that would fit once optional unlocked lines are removed) and the unit shares. Costs, units
    and flags come from ``candidates``, not from the plan.

    Args:
        plan: a PlanResult or its assignments frame (needs person_key and offering_id).
        candidates: all candidate lines, before pruning.
        offerings: offering_id, program_id, seats, start_date.
        config: the settings the plan was made for.
    """
    assignments = plan.assignments if isinstance(plan, PlanResult) else plan
    offers = validate_offerings(offerings)
    cands = validate_candidates(candidates, offers, config)
    seats = offers.set_index(OFFERING)[SEATS]
    pairs = assignments[[PERSON, OFFERING]].astype(str)
    problems: list[str] = []
    dup = pairs.duplicated()
    if dup.any():
        problems.append(f"{int(dup.sum())} line(s) appear twice, e.g. "
                        f"{list(pairs[dup].head(3).itertuples(index=False, name=None))}")
    lines = pairs.drop_duplicates().merge(cands, on=[PERSON, OFFERING], how="left",
                                          indicator=True)
    stray = lines["_merge"] == "left_only"
    if stray.any():
        problems.append(f"{int(stray.sum())} line(s) are not candidates, e.g. "
                        f"{_pairs(lines[stray], 3)}")
    lines = lines[~stray].drop(columns="_merge")
    lines[MANDATORY] = lines[MANDATORY].astype(bool)
    lines[LOCKED] = lines[LOCKED].astype(bool)

    spent = lines[COST].sum()
    if spent > config.budget_idr + TOL_IDR:
        problems.append(f"cost {spent:,.0f} IDR exceeds the budget of {config.budget_idr:,.0f} IDR")
    taken = lines.groupby(OFFERING).size()
    for offering, n in taken[taken > seats.reindex(taken.index)].items():
        problems.append(f"offering {offering} has {n} lines for {seats[offering]} seats")
    per_person = lines.groupby(PERSON).size()
    for person, n in per_person[per_person > config.max_per_person].items():
        problems.append(f"person {person} has {n} lines, over max_per_person="
                        f"{config.max_per_person}")
    per_program = lines.groupby([PERSON, PROGRAM]).size()
    for (person, program), n in per_program[per_program > 1].items():
        problems.append(f"person {person} is in {n} offerings of program {program}")
    missing = sorted(config.locked - set(zip(lines[PERSON], lines[OFFERING])))
    if missing:
        problems.append(f"locked line(s) missing from the plan: {missing[:5]}")
    banned = lines[excluded_mask(lines, config)]
    if len(banned):
        problems.append(f"excluded line(s) in the plan: {_pairs(banned, 5)}")
    if config.mandatory_first:
        problems += _mandatory_crowded_out(lines, cands, seats, config)
    for unit, share in config.min_unit_share.items():
        mine = lines[lines[UNIT] == unit]
        if config.unit_share_of == "budget":
            if mine[COST].sum() < share * config.budget_idr - TOL_IDR:
                problems.append(f"unit {unit} gets {mine[COST].sum():,.0f} IDR, below its share "
                                f"{share:.1%} of {config.budget_idr:,.0f} IDR")
        elif len(mine) < share * len(lines) - 1e-9:
            problems.append(f"unit {unit} gets {len(mine)} of {len(lines)} seats, below its "
                            f"share {share:.1%}")
    return problems
