"""Random planning instances shaped like one quarter in Binjai, for tests and benchmarks."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd


def random_instance(n_people: int = 6000, n_programs: int = 35, n_offerings: int = 40,
                    per_person: int = 10, seats: tuple[int, int] = (20, 40),
                    max_cost_idr: float = 7_500_000, n_units: int = 60,
                    mandatory_rate: float = 0.03,
                    seed: int = 0) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Candidates and offerings of a synthetic quarter.

    Program 0 is a mandatory basic training (Latsar-like, two offerings if there are enough)
    for a ``mandatory_rate`` share of people; every program has its own cost (0 for some
    e-learning), JP and popularity; people draw ``per_person`` offerings at random, weighted
    by popularity. Every offering's program is ``P{k}`` for ``k < n_programs``.

    Returns:
        (candidates, offerings) in the columns of ``model.planning.inputs``.
    """
    if n_offerings < n_programs or n_programs < 2:
        raise ValueError("need n_offerings >= n_programs >= 2")
    rng = np.random.default_rng(seed)
    program_of = np.concatenate([np.arange(n_programs),
                                 rng.integers(0, n_programs, n_offerings - n_programs)])
    program_of.sort()
    cost = np.round(rng.uniform(0, max_cost_idr, n_programs), -4)
    cost[rng.random(n_programs) < 0.15] = 0.0
    jp = rng.choice([8, 16, 24, 32, 40], n_programs).astype(float)
    popularity = rng.gamma(2.0, 1.0, n_programs)
    quarter = dt.date(2025, 10, 1)
    offerings = pd.DataFrame({
        "offering_id": [f"O{i:03d}" for i in range(n_offerings)],
        "program_id": [f"P{k:02d}" for k in program_of],
        "seats": rng.integers(seats[0], seats[1] + 1, n_offerings),
        "start_date": [quarter + dt.timedelta(days=int(d))
                       for d in rng.integers(0, 80, n_offerings)],
    })
    person_unit = rng.integers(0, n_units, n_people)
    mandatory_person = rng.random(n_people) < mandatory_rate
    shortfall = np.where(rng.random(n_people) < 0.3, 0, rng.integers(1, 21, n_people)).astype(float)
    k = min(per_person, n_offerings)
    weights = popularity[program_of] / popularity[program_of].sum()
    optional = np.flatnonzero(program_of != 0)
    basic = np.flatnonzero(program_of == 0)
    rows = []
    for person in range(n_people):
        picks = rng.choice(optional, size=min(k, len(optional)), replace=False,
                           p=weights[optional] / weights[optional].sum())
        if mandatory_person[person]:
            picks = np.concatenate([basic, picks[: max(k - len(basic), 0)]])
        rows.append(np.column_stack([np.full(len(picks), person), picks]))
    pairs = np.vstack(rows)
    person, offer = pairs[:, 0], pairs[:, 1]
    program = program_of[offer]
    relevance = np.clip(rng.beta(2, 3, len(pairs)) + 0.2 * (program == 0), 0, 1)
    p_complete = rng.beta(5, 2, len(pairs))
    candidates = pd.DataFrame({
        "person_key": [f"E{p:05d}" for p in person],
        "offering_id": offerings["offering_id"].to_numpy()[offer],
        "program_id": offerings["program_id"].to_numpy()[offer],
        "unit": [f"U{u:02d}" for u in person_unit[person]],
        "cost_idr": cost[program],
        "jp": jp[program],
        "relevance": relevance,
        "p_complete": p_complete,
        "jp_shortfall": shortfall[person],
        "mandatory": (program == 0) & mandatory_person[person],
        "popularity": popularity[program],
        "reason": "synthetic",
    })
    return candidates, offerings
