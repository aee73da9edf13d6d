"""``generate``: a whole synthetic Kota Binjai with its hidden truth, from one seed."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from model import glossary as g
from model.quarters import quarter_end, quarter_of, quarter_range, quarter_start, shift
from model.tables import parse_targets
from synthetic import truth as t
from synthetic.assembly import SyntheticWorld, assemble
from synthetic.catalogue import program_table, offering_table
from synthetic.competencies import competency_table, required_levels
from synthetic.decisions import hr_decisions
from synthetic.eligibility import static_eligibility
from synthetic.enrollment import ATTEND_DELIVERIES, HEAD_NOMINATION, Cast
from synthetic.population import build_population
from synthetic.simulation import simulate
from synthetic.units import PELAKSANA_HEAVY, unit_table

REFERENCE_POPULATION = 6000  # seats are scaled by n_employees / this
N_NEVER_HEADS = 3
PLANTED_MIN_AGE = 50  # G2: poor digital access at this age or older (window end)
INITIAL_GAP = {0: .30, 1: .40, 2: .22, 3: .08}


def default_end_quarter(today: dt.date | None = None) -> str:
    """The last complete quarter before ``today``."""
    return shift(quarter_of(today or dt.date.today()), -1)


def _factors(rng: np.random.Generator, programs: pd.DataFrame, n: int, k: int
             ) -> tuple[np.ndarray, np.ndarray]:
    """Person tastes (N x k) and program factors from program attributes (P x k)."""
    attrs = pd.get_dummies(programs[["category", "delivery"]].assign(
        local=programs["provider"].eq("BKPSDM Kota Binjai").astype(str))).to_numpy(float)
    weights = rng.normal(0, 0.8, (attrs.shape[1], k))
    v = attrs @ weights + rng.normal(0, 0.3, (len(programs), k))
    return rng.normal(0, 1, (n, k)), v


def _initial_levels(rng: np.random.Generator, required: np.ndarray) -> np.ndarray:
    gap = rng.choice(list(INITIAL_GAP), size=required.shape, p=list(INITIAL_GAP.values()))
    above = (gap == 0) & (rng.random(required.shape) < 0.15)
    untargeted = 1 + rng.binomial(2, 0.3, required.shape)
    levels = np.where(required > 0, required - gap + above, untargeted)
    return np.clip(levels, 1, 5).astype(np.int8)


def _program_sector(programs: pd.DataFrame, comps: pd.DataFrame) -> pd.Series:
    sector_of = comps.set_index("code")["sector"]
    first = programs["competencies"].map(
        lambda cell: next((sector_of[c] for c in parse_targets(cell) if sector_of[c]), ""))
    single = programs["eligible_sectors"].where(~programs["eligible_sectors"].str.contains(";"))
    return single.where(single != "", first).fillna(first)


def generate(n_employees: int = 6000, years: int = 5, seed: int = 7,
             end_quarter: str | None = None, params: t.TruthParams | None = None
             ) -> SyntheticWorld:
    """Generate the canonical tables and the hidden truth.

    Args:
        n_employees: people on the payroll at any time in the window (incl. hires and exits).
        years: length of the window (4 quarters a year) ending at ``end_quarter``.
        seed: the same seed gives the same world.
        end_quarter: last simulated quarter (default: the last complete quarter before today).
        params: coefficients of the generative model (default ``TruthParams()``).
    """
    if years < 1:
        raise ValueError(f"years must be at least 1, got {years}")
    params = params or t.TruthParams()
    end_quarter = end_quarter or default_end_quarter()
    quarters = quarter_range(shift(end_quarter, -(4 * years - 1)), end_quarter)
    window_start, window_end = quarter_start(quarters[0]), quarter_end(quarters[-1])
    # Streams by index (a child's draws do not depend on how many are spawned): new tables
    # take a new stream at the end, so every other table's draws stay the same.
    rng = [np.random.default_rng(s) for s in np.random.SeedSequence(seed).spawn(9)]

    units = unit_table()
    people = build_population(rng[0], units, n_employees, window_start, window_end)
    units["head_employee_id"] = people["employee_id"].iloc[:len(units)].to_numpy()
    never = rng[1].choice(PELAKSANA_HEAVY, N_NEVER_HEADS, replace=False)
    engagement = rng[1].choice(["low", "normal", "high"], len(units), p=[.25, .5, .25])
    units["head_engagement"] = np.where(units["unit"].isin(never), "never", engagement)
    people = people.merge(units[["unit", "head_engagement"]], on="unit", how="left")

    comps = competency_table()
    codes = comps["code"].tolist()
    required = required_levels(people["job_kind"], people["sector"], codes)
    levels0 = _initial_levels(rng[1], required)
    programs = program_table(rng[2])
    offerings = offering_table(rng[3], programs, quarters, n_employees / REFERENCE_POPULATION)
    u, v = _factors(rng[4], programs, len(people), params.n_factors)

    age_end = (pd.Timestamp(window_end) - people["birth_date"]).dt.days / 365.25
    # The low-participation groups HR should find: a few hundred people each, one short rule
    # over observable columns each; a person matching both rules belongs to G1.
    planted = pd.Series("", index=people.index)
    planted[(people["digital_access"] == "poor") & (age_end >= PLANTED_MIN_AGE)] = "G2"
    # CPNS are left out: their mandatory Latsar alone exceeds the yearly JP duty.
    planted[(people["head_engagement"] == "never") & (people["employment_type"] != "CPNS")] = "G1"
    people["planted"] = planted
    people["person_effect"] = rng[4].normal(0, params.person_sd, len(people)).round(4)
    people["talent"] = rng[4].normal(0, 1, len(people)).round(4)
    head_mult = people["head_engagement"].map(params.head_effect).to_numpy()
    base = (params.a0 + people["person_effect"].to_numpy() + head_mult
            + params.a_planted * (planted != "").to_numpy()
            + params.a_cpns * (people["employment_type"] == "CPNS").to_numpy()
            + params.a_pppk * (people["employment_type"] == "PPPK").to_numpy())
    base = np.where(people["is_head"] & (people["head_engagement"] == "never"), -4.0, base)
    base = np.where(people["is_head"] & (people["head_engagement"] == "high"), base + 0.8, base)
    people["base_logit"] = base.round(4)

    sector_names = list(g.UNIT_SECTORS)
    prog_sector = _program_sector(programs, comps)
    programs["program_sector"] = prog_sector
    targets = [(p, codes.index(c), lvl) for p, cell in enumerate(programs["competencies"])
               for c, lvl in parse_targets(cell).items()]
    tp, tc, tl = (np.array(x) for x in zip(*targets))
    cast = Cast(
        birth=people["birth_date"].to_numpy("datetime64[D]"),
        appointed=people["appointment_date"].to_numpy("datetime64[D]"),
        exit=people["exit_date"].to_numpy("datetime64[D]"),
        digital=people["digital_access"].map(t.DIGITAL_CODE).to_numpy(np.float32),
        sector=people["sector"].map(sector_names.index).to_numpy(),
        base_logit=people["base_logit"].to_numpy(np.float32), planted=(planted != "").to_numpy(),
        nominate_mult=people["head_engagement"].map(HEAD_NOMINATION).to_numpy(),
        is_pppk=(people["employment_type"] == "PPPK").to_numpy(),
        is_cpns=(people["employment_type"] == "CPNS").to_numpy(),
        duty=np.where(people["employment_type"] == "PPPK", g.DEFAULT_PPPK_JP_CAP,
                      g.DEFAULT_JP_DUTY).astype(np.float32),
        u=u.astype(np.float32), required=required, levels=levels0.copy(),
        static_eligible=static_eligibility(people, programs), v=v.astype(np.float32),
        online=programs["online"].to_numpy(), klasikal=(programs["form"] == "klasikal").to_numpy(),
        mandatory=programs["mandatory"].to_numpy(),
        convenient=programs["provider"].eq("BKPSDM Kota Binjai").to_numpy(),
        popularity=programs["popularity"].to_numpy(np.float32),
        program_sector=prog_sector.map(lambda s: sector_names.index(s) if s else -1).to_numpy(),
        max_age=programs["max_age"].astype("Float64").fillna(np.inf).to_numpy(float),
        jp=programs["jp"].to_numpy(), attend_delivery=programs["delivery"].isin(
            ATTEND_DELIVERIES).to_numpy(),
        tgt_prog=tp, tgt_comp=tc, tgt_level=tl,
    )
    program_index = pd.Series(np.arange(len(programs)), index=programs["program_id"])
    offerings["p"] = program_index.reindex(offerings["program_id"]).to_numpy()
    offerings["off_global"] = np.arange(len(offerings))
    sim = simulate(rng[5], cast, quarters, offerings, sector_names, params)
    qstarts = np.array([np.datetime64(quarter_start(q), "D") for q in quarters])
    decisions = hr_decisions(np.random.default_rng([seed, 3]), cast, sim.enrollments, offerings,
                             sim.levels, qstarts, params)
    # HR publishes the next quarter's schedule before it starts: offerings without enrollments,
    # drawn from their own stream so the simulated history is the same with or without them.
    schedule = offering_table(np.random.default_rng([seed, 1]), programs,
                              [shift(end_quarter, 1)], n_employees / REFERENCE_POPULATION)
    schedule = schedule.assign(qi=len(quarters))
    offerings = pd.concat([offerings, schedule], ignore_index=True)
    return assemble(rng[6], rng[7], people, units, comps, codes, required, programs, offerings,
                    u, v, sim, quarters, params, seed, rng_progress=rng[8],
                    decisions=decisions)
