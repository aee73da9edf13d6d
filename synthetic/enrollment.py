"""Quarter-by-quarter simulation of nominations, self-enrolment, outcomes and learning.

Each quarter: who is employed and eligible, their propensity and the true benefit of every
offered program (``synthetic.truth``), self-chosen and nominated picks, seats, outcomes
(attendance, completion, JP, post-test), then the learning that raises competency levels.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from synthetic import truth as t

MAX_SELF, MAX_NOMINATED = 3, 2
BLOCK = 20_000  # employees per block: bounds the memory of the people x programs matrices
ATTEND_DELIVERIES = ("seminar", "workshop", "community_of_practice", "benchmarking")
HEAD_NOMINATION = {"never": 0.4, "low": 0.7, "normal": 1.0, "high": 1.3}


@dataclass
class Cast:
    """Arrays the simulation needs, aligned with the people and programs frames."""

    birth: np.ndarray  # datetime64[D]
    appointed: np.ndarray
    exit: np.ndarray  # datetime64[D], NaT when still employed
    digital: np.ndarray
    sector: np.ndarray  # int codes
    base_logit: np.ndarray
    planted: np.ndarray
    nominate_mult: np.ndarray
    is_pppk: np.ndarray
    is_cpns: np.ndarray
    duty: np.ndarray
    u: np.ndarray  # person taste factors (N x k)
    required: np.ndarray  # (N x C) int8
    levels: np.ndarray  # (N x C) int8, the initial levels (updated in place)
    static_eligible: np.ndarray  # (N x P) bool: everything but age, time and offers
    v: np.ndarray  # program factors (P x k)
    online: np.ndarray
    klasikal: np.ndarray
    mandatory: np.ndarray
    convenient: np.ndarray
    popularity: np.ndarray
    program_sector: np.ndarray  # int codes, -1 general
    max_age: np.ndarray  # float, inf when none
    jp: np.ndarray
    attend_delivery: np.ndarray
    tgt_prog: np.ndarray  # long targets: program index, competency index, level
    tgt_comp: np.ndarray
    tgt_level: np.ndarray


def _years(since: np.ndarray, day: np.datetime64) -> np.ndarray:
    return (day - since).astype("timedelta64[D]").astype(np.float64) / 365.25


def coverage_matrix(levels: np.ndarray, required: np.ndarray, cast: Cast,
                    params: t.TruthParams) -> np.ndarray:
    """Coverage of every program (columns) for a block of people (rows)."""
    out = np.zeros((levels.shape[0], len(cast.jp)), np.float32)
    for p, c, lvl in zip(cast.tgt_prog, cast.tgt_comp, cast.tgt_level):
        out[:, p] += t.coverage_terms(levels[:, c], required[:, c], np.int8(lvl), params)
    return out


def pair_matrices(cast: Cast, rows: slice, age: np.ndarray, params: t.TruthParams
                  ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Benefit logit, form fit and taste for a block of people x every program."""
    cov = coverage_matrix(cast.levels[rows], cast.required[rows], cast, params)
    ps, s = cast.program_sector[None, :], cast.sector[rows, None]
    sfit = np.where(ps < 0, 0.0, np.where(ps == s, 1.0, -0.5)).astype(np.float32)
    ffit = t.form_fit(cast.online[None, :], cast.klasikal[None, :], age[rows, None],
                      cast.digital[rows, None], params)
    taste = (cast.u[rows] @ cast.v.T / np.sqrt(cast.u.shape[1])).astype(np.float32)
    return t.benefit_logit(cov, sfit, ffit, taste, params), ffit, taste


def _top(rng: np.random.Generator, utility: np.ndarray, counts: np.ndarray, k: int
         ) -> tuple[np.ndarray, np.ndarray]:
    """Row and column of each person's ``counts`` best finite utilities (at most ``k``)."""
    if utility.shape[1] <= k:
        order = np.argsort(-utility, axis=1)
    else:
        part = np.argpartition(-utility, k, axis=1)[:, :k]
        order = np.take_along_axis(part, np.argsort(-np.take_along_axis(utility, part, 1), 1), 1)
    rows = np.repeat(np.arange(utility.shape[0]), k)
    cols = order[:, :k].ravel()
    keep = (np.tile(np.arange(k), utility.shape[0]) < np.repeat(counts, k))
    keep &= np.isfinite(utility[rows, cols])
    return rows[keep], cols[keep]


def _gumbel(rng: np.random.Generator, shape: tuple[int, int]) -> np.ndarray:
    """Standard Gumbel noise in float32 (cheaper than ``rng.gumbel`` for big matrices)."""
    u = rng.random(shape, dtype=np.float32)
    return -np.log(-np.log(np.clip(u, 1e-7, 1 - 1e-7)))


def choose(rng: np.random.Generator, cast: Cast, rows: slice, age: np.ndarray,
           prop_logit: np.ndarray, eligible: np.ndarray, params: t.TruthParams) -> pd.DataFrame:
    """Self-enrolled and nominated picks of one block, with the pair-level truth."""
    blogit, ffit, taste = pair_matrices(cast, rows, age, params)
    planted_online = (cast.planted[rows, None] & cast.online[None, :]) * params.u_planted_online
    common = params.u_popularity * cast.popularity[None, :] + planted_online
    n_self = np.minimum(rng.poisson(params.self_rate * t.sigmoid(prop_logit[rows])), MAX_SELF)
    n_nom = np.minimum(rng.poisson(params.nominate_rate * cast.nominate_mult[rows]),
                       MAX_NOMINATED)
    must = (eligible & cast.mandatory[None, :]).any(axis=1)
    n_nom = np.maximum(n_nom, must.astype(int))
    # Utilities only for the rows that pick anything this quarter.
    s_rows = np.flatnonzero(n_self > 0)
    u_self = (params.u_benefit * blogit[s_rows] + params.u_taste * taste[s_rows]
              + common[s_rows] + params.u_convenience * cast.convenient[None, :]
              + _gumbel(rng, (len(s_rows), blogit.shape[1])))
    u_self[~eligible[s_rows]] = -np.inf
    r1, c1 = _top(rng, u_self, n_self[s_rows], MAX_SELF)
    r1 = s_rows[r1]
    del u_self
    n_rows = np.flatnonzero(n_nom > 0)
    u_nom = (params.n_benefit * blogit[n_rows] + common[n_rows]
             + params.n_noise * _gumbel(rng, (len(n_rows), blogit.shape[1])))
    u_nom += 50.0 * cast.mandatory[None, :]  # mandatory programs come first when eligible
    u_nom[~eligible[n_rows]] = -np.inf
    r2, c2 = _top(rng, u_nom, n_nom[n_rows], MAX_NOMINATED)
    r2 = n_rows[r2]
    r, c = np.concatenate([r2, r1]), np.concatenate([c2, c1])
    picks = pd.DataFrame({"e": r + rows.start, "p": c,
                          "nominated": np.arange(len(r)) < len(r2)})
    picks = picks.drop_duplicates(["e", "p"], keep="first")
    rr, cc = picks["e"].to_numpy() - rows.start, picks["p"].to_numpy()
    picks["blogit"], picks["ffit"], picks["taste"] = blogit[rr, cc], ffit[rr, cc], taste[rr, cc]
    return picks


def assign_seats(rng: np.random.Generator, picks: pd.DataFrame, offers: pd.DataFrame
                 ) -> pd.DataFrame:
    """Give each pick an offering of its program; keep those within the seats."""
    first = offers.groupby("p").head(1).set_index("p")["row"]
    count = offers.groupby("p").size()
    k = count.reindex(picks["p"]).to_numpy()
    off = first.reindex(picks["p"]).to_numpy() + np.floor(rng.random(len(picks)) * k).astype(int)
    prio = np.where(picks["nominated"], 0.0, 1.0) + rng.random(len(picks))
    order = np.lexsort((prio, off))
    off_sorted = off[order]
    starts = np.r_[0, np.flatnonzero(np.diff(off_sorted)) + 1]
    rank = np.arange(len(order)) - np.repeat(starts, np.diff(np.r_[starts, len(order)]))
    keep = order[rank < offers["seats"].to_numpy()[off_sorted]]
    keep.sort()
    out = picks.iloc[keep].copy()
    out["off"] = off[keep]
    return out
