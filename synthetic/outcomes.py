"""Competency assessments and yearly SKP ratings derived from the simulated true state."""

from __future__ import annotations

import numpy as np
import pandas as pd

from model import glossary as g

ASSESSMENT_NOISE = 0.15  # P(an assessor is one level off)
# SKP predikat shares from the top (assumption: mostly Baik, few Sangat Baik).
SKP_SHARES = {"Sangat Baik": .12, "Baik": .70, "Butuh Perbaikan": .12, "Kurang": .04,
              "Sangat Kurang": .02}
# Score band of each predikat (PP 46/2011 bands, kept as the numeric skp_score).
SKP_BANDS = {"Sangat Baik": (91, 110), "Baik": (76, 91), "Butuh Perbaikan": (61, 76),
             "Kurang": (51, 61), "Sangat Kurang": (30, 51)}
SKP_TRAINING_EFFECT = 0.8  # per unit of summed benefit of the year's completions (capped at 2)


def _employed(appointed: np.ndarray, exit_: np.ndarray, day: np.ndarray) -> np.ndarray:
    return (appointed < day) & ~(exit_ <= day)


def assessments(rng: np.random.Generator, people: pd.DataFrame, required: np.ndarray,
                levels: np.ndarray, codes: list[str], quarter_starts: np.ndarray,
                window_end: np.datetime64) -> pd.DataFrame:
    """Yearly or two-yearly assessments of every required competency (noisy true levels)."""
    n = len(people)
    cycle = np.where(rng.random(n) < 0.6, 1, 2)
    phase = rng.integers(0, 2, n)
    month = rng.integers(2, 11, n)
    day = rng.integers(1, 29, n)
    first_year = quarter_starts[0].astype("datetime64[Y]").astype(int) + 1970
    last_year = window_end.astype("datetime64[Y]").astype(int) + 1970
    e = np.repeat(np.arange(n), last_year - first_year + 1)
    year = np.tile(np.arange(first_year, last_year + 1), n)
    due = (year - first_year + phase[e]) % cycle[e] == 0
    e, year = e[due], year[due]
    dates = pd.to_datetime({"year": year, "month": month[e], "day": day[e]}).to_numpy(
        "datetime64[D]")
    ok = ((dates >= quarter_starts[0]) & (dates <= window_end)
          & _employed(people["appointment_date"].to_numpy("datetime64[D]")[e],
                      people["exit_date"].to_numpy("datetime64[D]")[e], dates))
    e, dates = e[ok], dates[ok]
    qi = np.searchsorted(quarter_starts, dates, side="right") - 1
    rows, comps = np.nonzero(required[e] > 0)
    ee, qq = e[rows], qi[rows]
    true = levels[qq, ee, comps].astype(int)
    noise = np.where(rng.random(len(true)) < ASSESSMENT_NOISE, rng.choice([-1, 1], len(true)), 0)
    return pd.DataFrame({
        "employee_id": people["employee_id"].to_numpy()[ee],
        "competency_code": np.asarray(codes, dtype=object)[comps],
        "assessed_level": np.clip(true + noise, 1, 5),
        "required_level": required[ee, comps].astype(int),
        "assessed_on": pd.to_datetime(dates[rows]).strftime("%Y-%m-%d"),
    })


def performance_reviews(rng: np.random.Generator, people: pd.DataFrame, talent: np.ndarray,
                        completions: pd.DataFrame, years: list[int]) -> pd.DataFrame:
    """Yearly SKP: talent + the true benefit of the year's completed training + noise.

    Args:
        talent: hidden performance effect per person.
        completions: completed enrollments with ``e``, ``year`` and true ``benefit``.
        years: the SKP periods to rate (each a whole year).
    """
    gain = completions.groupby(["e", "year"])["benefit"].sum().clip(upper=2.0)
    appointed = people["appointment_date"].to_numpy("datetime64[D]")
    exit_ = people["exit_date"].to_numpy("datetime64[D]")
    frames = []
    for year in years:
        mid, end = np.datetime64(f"{year}-07-01"), np.datetime64(f"{year}-12-31")
        e = np.flatnonzero((appointed < mid) & ~(exit_ <= end))
        boost = gain.reindex(pd.MultiIndex.from_arrays([e, np.full(len(e), year)])).fillna(0)
        latent = talent[e] + SKP_TRAINING_EFFECT * boost.to_numpy() + rng.normal(0, 0.7, len(e))
        order = np.argsort(-latent, kind="stable")
        rank = np.empty(len(e), float)
        rank[order] = (np.arange(len(e)) + 0.5) / max(len(e), 1)
        cuts = np.cumsum(list(SKP_SHARES.values()))
        band = np.searchsorted(cuts, rank)
        lo = np.r_[0, cuts[:-1]][band]
        within = 1 - (rank - lo) / np.asarray(list(SKP_SHARES.values()))[band]
        bands = np.asarray(list(SKP_BANDS.values()), float)[band]
        score = bands[:, 0] + within * (bands[:, 1] - bands[:, 0] - 0.01)
        work, behaviour = skp_components(band, within)
        frames.append(pd.DataFrame({
            "employee_id": people["employee_id"].to_numpy()[e], "period": str(year),
            "skp_rating": np.asarray(g.SKP_RATINGS, dtype=object)[band],
            "skp_score": score.round(2),
            "work_result_rating": work, "behaviour_rating": behaviour,
            "quadrant": [g.SKP_QUADRANTS[(w, b)][0] for w, b in zip(work, behaviour)],
        }))
    return pd.concat(frames, ignore_index=True)


# The (work result, behaviour) pairs of each predikat (``g.SKP_QUADRANTS``), best first: a
# person's place within their predikat band picks the pair, so no random draw is added.
_PAIRS_OF_RATING = {
    rating: sorted((pair for pair, (_, r) in g.SKP_QUADRANTS.items() if r == rating),
                   key=lambda pair: -sum(g.SKP_EXPECTATION_SCORE[x] for x in pair))
    for rating in g.SKP_RATINGS
}


def skp_components(band: np.ndarray, within: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """SKP 2022 work-result and behaviour ratings consistent with each predikat band.

    Args:
        band: index of the predikat in ``g.SKP_RATINGS`` per person.
        within: place within the band, 1 = its top.
    """
    work = np.empty(len(band), dtype=object)
    behaviour = np.empty(len(band), dtype=object)
    for b, rating in enumerate(g.SKP_RATINGS):
        rows = np.flatnonzero(band == b)
        pairs = _PAIRS_OF_RATING[rating]
        pick = np.minimum(((1 - within[rows]) * len(pairs)).astype(int), len(pairs) - 1)
        work[rows] = [pairs[i][0] for i in pick]
        behaviour[rows] = [pairs[i][1] for i in pick]
    return work, behaviour
