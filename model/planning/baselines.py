"""Baseline plans to measure the optimiser against: greedy by score and today's practice.

Both fill seats one line at a time, in phases: locked lines, then mandatory lines (when
``mandatory_first``), then lines of units still short of their ``min_unit_share`` (round robin),
then every other line that still fits. A line fits when its offering has a seat, the budget
covers it, its person is under ``max_per_person`` and has no other offering of the program.
With seat shares, a line is skipped when it would push another unit below its share. Both see
the same candidates as the optimiser (exclusions removed, top-k pruning applied).
"""

from __future__ import annotations

import time

import numpy as np
import pandas as pd

from model.planning.inputs import (
    COST, LOCKED, MANDATORY, OFFERING, PERSON, POPULARITY, PROGRAM, SCORE, SEATS, UNIT,
    PlanConfig, prepare,
)
from model.planning.result import PlanResult, lines_of, plan_objective


class _Filler:
    """Seat-by-seat plan builder that keeps every hard constraint."""

    def __init__(self, cands: pd.DataFrame, seats: pd.Series, config: PlanConfig) -> None:
        self.config = config
        self.cost = cands[COST].to_numpy()
        self.offer, offer_ids = pd.factorize(cands[OFFERING])
        self.person, _ = pd.factorize(cands[PERSON])
        self.pair = cands.groupby([PERSON, PROGRAM], sort=False).ngroup().to_numpy()
        self.unit, unit_ids = pd.factorize(cands[UNIT])
        self.seats_left = seats.reindex(offer_ids).to_numpy(dtype=int).copy()
        self.budget_left = float(config.budget_idr)
        self.per_person = np.zeros(self.person.max() + 1 if len(cands) else 0, dtype=int)
        self.pair_taken = np.zeros(self.pair.max() + 1 if len(cands) else 0, dtype=bool)
        self.share = np.array([config.min_unit_share.get(u, 0.0) for u in unit_ids])
        self.unit_count = np.zeros(len(unit_ids))
        self.unit_spend = np.zeros(len(unit_ids))
        self.chosen = np.zeros(len(cands), dtype=bool)

    def fits(self, i: int) -> bool:
        return (not self.chosen[i] and self.seats_left[self.offer[i]] > 0
                and self.cost[i] <= self.budget_left + 1e-6
                and self.per_person[self.person[i]] < self.config.max_per_person
                and not self.pair_taken[self.pair[i]])

    def short_units(self) -> np.ndarray:
        """Unit codes below their minimum share now."""
        if self.config.unit_share_of == "budget":
            need = self.share * self.config.budget_idr
            return np.flatnonzero((self.share > 0) & (self.unit_spend < need - 1e-6))
        need = self.share * self.unit_count.sum()
        return np.flatnonzero((self.share > 0) & (self.unit_count < need - 1e-9))

    def keeps_shares(self, i: int) -> bool:
        """Adding line i leaves every unit that meets its seat share still meeting it."""
        if self.config.unit_share_of == "budget" or not self.share.any():
            return True
        total = self.unit_count.sum() + 1
        met = self.unit_count >= self.share * (total - 1) - 1e-9
        after = self.unit_count.copy()
        after[self.unit[i]] += 1
        return bool(np.all(~met | (after >= self.share * total - 1e-9)))

    def add(self, i: int) -> None:
        self.chosen[i] = True
        self.seats_left[self.offer[i]] -= 1
        self.budget_left -= self.cost[i]
        self.per_person[self.person[i]] += 1
        self.pair_taken[self.pair[i]] = True
        self.unit_count[self.unit[i]] += 1
        self.unit_spend[self.unit[i]] += self.cost[i]

    def fill(self, order: np.ndarray, locked: np.ndarray, mandatory: np.ndarray) -> np.ndarray:
        """Run the phases over lines in ``order``; return the chosen mask."""
        for i in order[locked[order]]:
            self.add(i)  # locks were checked feasible together in ``prepare``
        if self.config.mandatory_first:
            for i in order[mandatory[order]]:
                if self.fits(i):
                    self.add(i)
        self._fill_shares(order)
        for i in order:
            if self.fits(i) and self.keeps_shares(i):
                self.add(i)
        return self.chosen

    def _fill_shares(self, order: np.ndarray) -> None:
        queues = {u: list(order[self.unit[order] == u]) for u in np.flatnonzero(self.share > 0)}
        short = self.short_units()
        while len(short):
            progress = False
            for u in short:
                queue = queues[u]
                while queue and not self.fits(queue[0]):
                    queue.pop(0)
                if queue:
                    self.add(queue.pop(0))
                    progress = True
            if not progress:
                return
            short = self.short_units()


def _run(candidates: pd.DataFrame, offerings: pd.DataFrame, config: PlanConfig, method: str,
         order_of) -> PlanResult:
    start = time.perf_counter()
    cands, offers = prepare(candidates, offerings, config)
    filler = _Filler(cands, offers.set_index(OFFERING)[SEATS], config)
    chosen = filler.fill(np.asarray(order_of(cands, offers), dtype=int),
                         cands[LOCKED].to_numpy(), cands[MANDATORY].to_numpy())
    lines = lines_of(cands, chosen)
    return PlanResult(assignments=lines, objective=plan_objective(lines), status="heuristic",
                      gap=float("nan"), solve_time_s=time.perf_counter() - start, method=method,
                      n_candidates=len(cands))


def greedy_by_score(candidates: pd.DataFrame, offerings: pd.DataFrame, config: PlanConfig,
                    per_rupiah: bool = False) -> PlanResult:
    """Greedy plan: lines by descending score (or score per rupiah), cheaper first on ties.

    Args:
        candidates: candidate lines (see ``model.planning.inputs``).
        offerings: offering_id, program_id, seats, start_date.
        config: the plan settings; solver settings are ignored.
        per_rupiah: order by score / cost_idr instead of score (free lines first).
    """
    def order(cands: pd.DataFrame, _offers: pd.DataFrame) -> np.ndarray:
        key = cands[SCORE] / cands[COST].where(cands[COST] > 0, 1e-9) if per_rupiah else \
            cands[SCORE]
        frame = pd.DataFrame({"key": key, "cost": cands[COST]})
        return frame.sort_values(["key", "cost"], ascending=[False, True],
                                 kind="stable").index.to_numpy()

    return _run(candidates, offerings, config,
                "greedy_per_rupiah" if per_rupiah else "greedy_by_score", order)


def popular_first(candidates: pd.DataFrame, offerings: pd.DataFrame,
                  config: PlanConfig) -> PlanResult:
    """Today's practice: fill the most popular offerings first, first come first served.

    Offerings are taken by descending popularity (the highest ``popularity`` among their
    candidates), earlier ``start_date`` first on ties; within an offering, candidates in the
    order they appear in ``candidates``.
    """
    def order(cands: pd.DataFrame, offers: pd.DataFrame) -> np.ndarray:
        pop = cands.groupby(OFFERING)[POPULARITY].max()
        start = pd.to_datetime(offers.set_index(OFFERING)["start_date"], errors="coerce")
        frame = pd.DataFrame({"pop": cands[OFFERING].map(pop),
                              "start": cands[OFFERING].map(start),
                              "offer": cands[OFFERING], "row": np.arange(len(cands))})
        return frame.sort_values(["pop", "start", "offer", "row"],
                                 ascending=[False, True, True, True],
                                 kind="stable").index.to_numpy()

    return _run(candidates, offerings, config, "popular_first", order)
