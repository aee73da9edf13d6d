"""Exploration: a small share of a list's slots shown from outside the model's top k.

A model that is only ever judged on what it showed learns its own echo. Filling a few slots with
eligible programs the model ranked lower, at random and with a known probability, lets the next
evaluation weigh what was seen by how likely it was to be shown (``model.off_policy``).

The rule for a list of ``k`` slots and a ``share``: the number of explored slots is ``m``, drawn
so that its mean is ``share * k`` (``floor`` plus a coin for the fraction); the model's first
``k - m`` programs keep their places and the last ``m`` slots take programs drawn uniformly,
without replacement, from the ``pool`` ranked after ``k``. So the probability that a program is
shown (its propensity) is known exactly:

- the model's program at rank ``r <= k``: P(m <= k - r);
- a program of the pool: E[m] / len(pool) (when the pool holds at least ``m``; otherwise the
  explored slots shrink to the pool and every pool program is shown).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Sequence, TypeVar

import numpy as np

T = TypeVar("T")


@dataclass(frozen=True)
class Slot:
    """One shown slot: the item, whether it was explored, and its propensity."""

    item: object
    explored: bool
    propensity: float


def explored_slots(k: int, share: float) -> tuple[int, float]:
    """The floor of the explored slots and the probability of one more (mean ``share * k``)."""
    if not 0.0 <= share <= 1.0:
        raise ValueError(f"exploration share must be between 0 and 1, got {share}")
    mean = share * k
    low = math.floor(mean + 1e-12)
    return low, mean - low


def explore(ranked: Sequence[T], k: int, share: float, rng: np.random.Generator) -> list[Slot]:
    """The ``k`` slots shown from a ranked list longer than ``k`` (see the module docstring).

    ``ranked`` is the model's order (best first); items after ``k`` form the pool. With
    ``share == 0`` (the default of the service) this is the top ``k`` with propensity 1.
    """
    top, pool = list(ranked[:k]), list(ranked[k:])
    low, frac = explored_slots(len(top), share)
    if share == 0 or not pool:
        return [Slot(item, False, 1.0) for item in top]
    m = min(low + int(rng.random() < frac), len(pool), len(top))

    def p_kept(rank: int) -> float:  # P(m <= len(top) - rank), m in {low, low + 1} capped
        cap = len(top) - rank
        p = 0.0
        for value, prob in ((low, 1 - frac), (low + 1, frac)):
            if min(value, len(pool), len(top)) <= cap:
                p += prob
        return p

    mean_m = sum(prob * min(value, len(pool), len(top))
                 for value, prob in ((low, 1 - frac), (low + 1, frac)))
    p_pool = mean_m / len(pool)
    slots = [Slot(item, False, p_kept(r)) for r, item in enumerate(top[:len(top) - m], start=1)]
    picks = rng.choice(len(pool), size=m, replace=False) if m else []
    slots += [Slot(pool[i], True, p_pool) for i in sorted(picks)]
    return slots
