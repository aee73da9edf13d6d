"""Inputs of the training plan: the configuration, column checks and candidate preparation.

``candidates`` has one row per eligible (person_key, offering_id) pair:

- ``person_key``: pseudonymous person key (never the NIP).
- ``offering_id``, ``program_id``: the offering and its program (must match ``offerings``).
- ``unit``: the person's OPD.
- ``cost_idr``: cost of the seat in rupiah, >= 0.
- ``jp``: lesson hours the offering gives on completion, >= 0.
- ``relevance``: recommender score, >= 0 (needed only when ``expected_benefit`` is absent).
- ``p_complete``: probability the person completes the offering, in [0, 1].
- ``expected_benefit``: relevance x p_complete; computed when absent.
- ``jp_shortfall``: JP still missing toward the person's yearly duty, >= 0.
- ``mandatory`` (optional, default False): the program is a duty for the person (e.g. Latsar
  for CPNS); must be the same on every offering of one program for one person.
- ``popularity`` (optional, default 0): program popularity, used by ``popular_first``.
- ``reason`` (optional, default ""): the human-readable reason shown next to the line.

``offerings`` has ``offering_id``, ``program_id``, ``seats`` (int >= 0) and ``start_date``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

import numpy as np
import pandas as pd

from model.glossary import DEFAULT_JP_DUTY

PERSON, OFFERING, PROGRAM, UNIT = "person_key", "offering_id", "program_id", "unit"
COST, JP, RELEVANCE, P_COMPLETE = "cost_idr", "jp", "relevance", "p_complete"
BENEFIT, SHORTFALL, MANDATORY = "expected_benefit", "jp_shortfall", "mandatory"
POPULARITY, REASON, LOCKED, SCORE, SEATS = "popularity", "reason", "locked", "score", "seats"

# Rupiah amounts closer than this are equal (a unit's share below half a rupiah needs nothing).
TOL_IDR = 0.5
CANDIDATE_REQUIRED = (PERSON, OFFERING, PROGRAM, UNIT, COST, JP, P_COMPLETE, SHORTFALL)
OFFERING_REQUIRED = (OFFERING, PROGRAM, SEATS, "start_date")
ASSIGNMENT_COLUMNS = [PERSON, OFFERING, PROGRAM, UNIT, COST, JP, BENEFIT, REASON, LOCKED,
                      P_COMPLETE, MANDATORY, SCORE]

Pair = tuple[str, str]


class PlanInputError(ValueError):
    """The candidates, offerings or configuration are malformed."""


class PlanInfeasibleError(ValueError):
    """No plan satisfies the hard constraints (locks, budget, seats, unit shares)."""


@dataclass(frozen=True)
class PlanConfig:
    """Settings of one quarter's training plan.

    Attributes:
        budget_idr: total budget in rupiah.
        max_per_person: trainings per person in the quarter.
        jp_weight: weight of the JP-duty term; each line adds
            ``jp_weight * min(jp, jp_shortfall) / jp_duty * p_complete`` to its benefit. The cap
            is per line: with ``max_per_person > 1`` two lines may both claim one shortfall.
        jp_duty: yearly JP duty used to normalise the JP term.
        mandatory_first: mandatory candidates are placed before optional ones, lexicographically:
            the plan first maximises the number of mandatory (person, program) pairs covered under
            budget, seats, per-person limits and locks, then maximises the objective with that
            number held. Mandatory duties take precedence over ``min_unit_share``.
        min_unit_share: unit -> minimum share, of ``budget_idr`` (``unit_share_of="budget"``) or
            of the plan's assigned seats (``"seats"``).
        unit_share_of: what ``min_unit_share`` is a share of.
        locked: (person_key, offering_id) pairs that must be in the plan.
        excluded_people, excluded_programs, excluded_offerings: never in the plan.
        time_limit_s: wall-clock limit of the solver (both lexicographic stages together).
        mip_rel_gap: relative optimality gap at which the solver stops.
        top_k_per_person: keep each person's k best candidates by score before solving (locked
            and mandatory candidates are always kept); 0 keeps all.
    """

    budget_idr: float
    max_per_person: int = 1
    jp_weight: float = 0.5
    jp_duty: float = DEFAULT_JP_DUTY
    mandatory_first: bool = True
    min_unit_share: dict[str, float] = field(default_factory=dict)
    unit_share_of: Literal["budget", "seats"] = "budget"
    locked: frozenset[Pair] = frozenset()
    excluded_people: frozenset[str] = frozenset()
    excluded_programs: frozenset[str] = frozenset()
    excluded_offerings: frozenset[str] = frozenset()
    time_limit_s: float = 60.0
    mip_rel_gap: float = 1e-4
    top_k_per_person: int = 10

    def __post_init__(self) -> None:
        problems = []
        if not np.isfinite(self.budget_idr) or self.budget_idr < 0:
            problems.append(f"budget_idr must be a finite number >= 0, got {self.budget_idr}")
        if int(self.max_per_person) != self.max_per_person or self.max_per_person < 1:
            problems.append(f"max_per_person must be an integer >= 1, got {self.max_per_person}")
        if not self.jp_weight >= 0:
            problems.append(f"jp_weight must be >= 0, got {self.jp_weight}")
        if not self.jp_duty > 0:
            problems.append(f"jp_duty must be > 0, got {self.jp_duty}")
        if self.unit_share_of not in ("budget", "seats"):
            problems.append(
                f"unit_share_of must be 'budget' or 'seats', got {self.unit_share_of!r}")
        bad = {u: s for u, s in self.min_unit_share.items() if not 0 <= s <= 1}
        if bad:
            problems.append(f"min_unit_share values must be in [0, 1], got {bad}")
        if sum(self.min_unit_share.values()) > 1 + 1e-9:
            total = sum(self.min_unit_share.values())
            problems.append(f"min_unit_share adds up to {total:.3f} > 1")
        if not self.time_limit_s > 0:
            problems.append(f"time_limit_s must be > 0, got {self.time_limit_s}")
        if not 0 <= self.mip_rel_gap < 1:
            problems.append(f"mip_rel_gap must be in [0, 1), got {self.mip_rel_gap}")
        if self.top_k_per_person < 0:
            problems.append(f"top_k_per_person must be >= 0, got {self.top_k_per_person}")
        if problems:
            raise PlanInputError("invalid PlanConfig: " + "; ".join(problems))
        for name in ("locked", "excluded_people", "excluded_programs", "excluded_offerings"):
            object.__setattr__(self, name, frozenset(getattr(self, name)))


def _require(frame: pd.DataFrame, columns: tuple[str, ...], what: str) -> None:
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise PlanInputError(f"{what} lacks column(s) {missing}; has {list(frame.columns)}")


def _numeric(frame: pd.DataFrame, column: str, what: str, low: float = 0.0,
             high: float = np.inf) -> pd.Series:
    values = pd.to_numeric(frame[column], errors="coerce")
    bad = values.isna() | (values < low) | (values > high)
    if bad.any():
        rows = frame.loc[bad, column].head(3).tolist()
        raise PlanInputError(
            f"{what}.{column} must be numbers in [{low}, {high}]; {int(bad.sum())} bad value(s), "
            f"e.g. {rows}")
    return values.astype(float)


def validate_offerings(offerings: pd.DataFrame) -> pd.DataFrame:
    """Check the offerings columns; return a copy with integer ``seats`` and string ids."""
    _require(offerings, OFFERING_REQUIRED, "offerings")
    out = offerings.copy()
    out[OFFERING] = out[OFFERING].astype(str)
    out[PROGRAM] = out[PROGRAM].astype(str)
    dup = out[OFFERING].duplicated()
    if dup.any():
        raise PlanInputError(f"offerings has duplicate offering_id(s): "
                             f"{sorted(out.loc[dup, OFFERING].unique())[:5]}")
    seats = _numeric(out, SEATS, "offerings")
    if (seats != np.floor(seats)).any():
        raise PlanInputError("offerings.seats must be whole numbers")
    out[SEATS] = seats.astype(int)
    return out.reset_index(drop=True)


def validate_candidates(candidates: pd.DataFrame, offerings: pd.DataFrame,
                        config: PlanConfig) -> pd.DataFrame:
    """Check the candidates against the offerings; return a clean copy with a ``score`` column.

    ``score`` is the line's objective contribution: expected_benefit plus the JP-duty term.
    """
    _require(candidates, CANDIDATE_REQUIRED, "candidates")
    if BENEFIT not in candidates.columns and RELEVANCE not in candidates.columns:
        raise PlanInputError("candidates needs expected_benefit or relevance (to compute it)")
    out = candidates.copy()
    for c in (PERSON, OFFERING, PROGRAM, UNIT):
        if out[c].isna().any():
            raise PlanInputError(f"candidates.{c} has {int(out[c].isna().sum())} missing value(s)")
        out[c] = out[c].astype(str)
    for c in (COST, JP, SHORTFALL):
        out[c] = _numeric(out, c, "candidates")
    out[P_COMPLETE] = _numeric(out, P_COMPLETE, "candidates", high=1.0)
    if BENEFIT in out.columns:
        out[BENEFIT] = _numeric(out, BENEFIT, "candidates")
    else:
        out[BENEFIT] = _numeric(out, RELEVANCE, "candidates") * out[P_COMPLETE]
    out[MANDATORY] = out[MANDATORY].fillna(False).astype(bool) if MANDATORY in out else False
    out[POPULARITY] = (_numeric(out, POPULARITY, "candidates", low=-np.inf)
                       if POPULARITY in out else 0.0)
    out[REASON] = out[REASON].fillna("").astype(str) if REASON in out else ""
    dup = out.duplicated([PERSON, OFFERING])
    if dup.any():
        pairs = list(out.loc[dup, [PERSON, OFFERING]].head(3).itertuples(index=False, name=None))
        raise PlanInputError(
            f"candidates has duplicate (person_key, offering_id) rows, e.g. {pairs}")
    program_of = offerings.set_index(OFFERING)[PROGRAM]
    unknown = ~out[OFFERING].isin(program_of.index)
    if unknown.any():
        raise PlanInputError(f"candidates name offering(s) absent from offerings: "
                             f"{sorted(out.loc[unknown, OFFERING].unique())[:5]}")
    wrong = out[PROGRAM].to_numpy() != program_of.reindex(out[OFFERING]).to_numpy()
    if wrong.any():
        raise PlanInputError(f"candidates.program_id disagrees with offerings for offering(s) "
                             f"{sorted(out.loc[wrong, OFFERING].unique())[:5]}")
    mixed = out.groupby([PERSON, PROGRAM])[MANDATORY].nunique() > 1
    if mixed.any():
        raise PlanInputError(f"mandatory differs between offerings of one program for one person: "
                             f"{list(mixed[mixed].index[:3])}")
    if out[UNIT].nunique() and (out.groupby(PERSON)[UNIT].nunique() > 1).any():
        raise PlanInputError("a person_key appears with more than one unit")
    shortfall = np.minimum(out[JP], out[SHORTFALL]) / config.jp_duty
    out[SCORE] = out[BENEFIT] + config.jp_weight * shortfall * out[P_COMPLETE]
    out[LOCKED] = [p in config.locked for p in zip(out[PERSON], out[OFFERING])]
    return out.reset_index(drop=True)


def excluded_mask(candidates: pd.DataFrame, config: PlanConfig) -> np.ndarray:
    """Rows of validated candidates that the configuration excludes."""
    return (candidates[PERSON].isin(config.excluded_people)
            | candidates[PROGRAM].isin(config.excluded_programs)
            | candidates[OFFERING].isin(config.excluded_offerings)).to_numpy()


def check_locks(candidates: pd.DataFrame, offerings: pd.DataFrame, config: PlanConfig) -> None:
    """Raise PlanInfeasibleError when the locked lines alone break a hard constraint."""
    if not config.locked:
        return
    known = set(zip(candidates[PERSON], candidates[OFFERING]))
    absent = sorted(p for p in config.locked if p not in known)
    if absent:
        raise PlanInfeasibleError(
            f"locked pair(s) are not candidates (not eligible?): {absent[:5]}")
    locked = candidates[candidates[LOCKED]]
    clash = locked[excluded_mask(locked, config)]
    if len(clash):
        pairs = list(clash[[PERSON, OFFERING]].itertuples(index=False, name=None))
        raise PlanInfeasibleError(f"locked pair(s) are also excluded: {pairs[:5]}")
    cost = locked[COST].sum()
    if cost > config.budget_idr:
        raise PlanInfeasibleError(f"locked lines cost {cost:,.0f} IDR, over the budget of "
                                  f"{config.budget_idr:,.0f} IDR")
    seats = offerings.set_index(OFFERING)[SEATS]
    per_offering = locked.groupby(OFFERING).size()
    over = per_offering[per_offering > seats.reindex(per_offering.index)]
    if len(over):
        detail = {o: f"{n} locked for {seats[o]} seats" for o, n in over.items()}
        raise PlanInfeasibleError(f"locked lines exceed the seats of offering(s) {detail}")
    per_person = locked.groupby(PERSON).size()
    if (per_person > config.max_per_person).any():
        people = list(per_person[per_person > config.max_per_person].index[:5])
        raise PlanInfeasibleError(f"person(s) {people} have more locked lines than "
                                  f"max_per_person={config.max_per_person}")
    twice = locked.groupby([PERSON, PROGRAM]).size()
    if (twice > 1).any():
        raise PlanInfeasibleError(f"locked lines put one person in two offerings of one program: "
                                  f"{list(twice[twice > 1].index[:5])}")


def check_unit_shares(candidates: pd.DataFrame, config: PlanConfig) -> None:
    """Raise PlanInfeasibleError for unit shares that no plan can meet."""
    if not config.min_unit_share:
        return
    units = set(candidates[UNIT])
    unknown = sorted(u for u, s in config.min_unit_share.items() if s > 0 and u not in units)
    if unknown:
        raise PlanInfeasibleError(f"min_unit_share names unit(s) with no candidates: {unknown}")
    if config.unit_share_of == "budget":
        reachable = candidates.groupby(UNIT)[COST].sum()
        short = {u: f"needs {s * config.budget_idr:,.0f} IDR, all its candidates cost "
                    f"{reachable.get(u, 0):,.0f}"
                 for u, s in config.min_unit_share.items()
                 if reachable.get(u, 0) < s * config.budget_idr - TOL_IDR}
        if short:
            raise PlanInfeasibleError(f"min_unit_share cannot be met: {short}")


def prepare(candidates: pd.DataFrame, offerings: pd.DataFrame,
            config: PlanConfig) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Validate, drop excluded rows and prune to each person's top-k candidates by score.

    Returns:
        The usable candidates (a fresh index) and the validated offerings.
    """
    offers = validate_offerings(offerings)
    cands = validate_candidates(candidates, offers, config)
    check_locks(cands, offers, config)
    cands = cands[~excluded_mask(cands, config)]
    if config.top_k_per_person:
        rank = (cands.sort_values([SCORE, COST], ascending=[False, True])
                .groupby(PERSON).cumcount().reindex(cands.index))
        keep = (rank < config.top_k_per_person) | cands[LOCKED] | cands[MANDATORY]
        cands = cands[keep]
    check_unit_shares(cands, config)
    return cands.reset_index(drop=True), offers
