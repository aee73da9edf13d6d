"""The quarterly loop: eligibility, choices, seats, outcomes and state updates."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from model.quarters import parse_quarter, quarter_end, quarter_start
from synthetic import truth as t
from synthetic.enrollment import BLOCK, Cast, assign_seats, choose

HABIT_MEMORY = 0.7


@dataclass
class SimResult:
    """What the loop produced (indices into the people and programs frames)."""

    # e, p, off, qi, date, status, jp_earned, post_test_score, ... and the hidden outcome
    # (also of trainings still running), post-test level and propensity at enrolment
    enrollments: pd.DataFrame
    levels: np.ndarray  # (Q x N x C) int8: true levels at the start of each quarter
    propensity: pd.DataFrame  # e, qi, propensity


def _age(birth: np.ndarray, day: np.datetime64) -> np.ndarray:
    return (day - birth).astype("timedelta64[D]").astype(np.float64) / 365.25


def _outcomes(rng: np.random.Generator, picks: pd.DataFrame, cast: Cast, offers: pd.DataFrame,
              prop_logit: np.ndarray, window_end: np.datetime64, recommended: bool,
              params: t.TruthParams) -> pd.DataFrame:
    e, p, off = picks["e"].to_numpy(), picks["p"].to_numpy(), picks["off"].to_numpy()
    benefit = t.sigmoid(picks["blogit"].to_numpy())
    show_p = t.p_show(prop_logit[e], picks["ffit"].to_numpy(), picks["taste"].to_numpy(),
                      cast.mandatory[p], params)
    finish_p = t.p_finish(benefit, picks["ffit"].to_numpy(), picks["taste"].to_numpy(), params)
    show = rng.random(len(e)) < show_p
    finish = show & (rng.random(len(e)) < finish_p)
    start = offers["start_date"].to_numpy()[off]
    lead = np.minimum(13, (start - offers["qstart"].to_numpy()[off]).astype(
        "timedelta64[D]").astype(int) - 1)
    date = start - (1 + np.floor(rng.random(len(e)) * lead)).astype("timedelta64[D]")
    pending = offers["end_date"].to_numpy()[off] > window_end
    attend = cast.attend_delivery[p]
    # The outcome is drawn for every enrolment; a training still running at the window end
    # publishes none of it (nominated/registered) but keeps it as the hidden ``outcome``.
    outcome = np.select([finish, show & attend, show], ["completed", "attended", "dropped"],
                        "no_show")
    status = np.where(pending, np.where(picks["nominated"], "nominated", "registered"), outcome)
    jp = cast.jp[p].astype(float)
    share = np.select([status == "completed", status == "attended", status == "dropped"],
                      [1.0, rng.uniform(0.5, 0.9, len(e)), rng.uniform(0.0, 0.5, len(e))], 0.0)
    score = np.clip(55 + 35 * benefit + rng.normal(0, 7, len(e)), 0, 100).round(1)
    self_source = np.where(recommended & (rng.random(len(e)) < 0.35), "recommended", "self")
    return pd.DataFrame({
        "e": e, "p": p, "off": off, "date": date, "status": status,
        "jp_earned": np.floor(jp * share), "post_test_score": np.where(
            status == "completed", score, np.nan),
        "source": np.where(picks["nominated"], "nominated", self_source),
        "benefit": benefit.astype(np.float32),
        "p_complete": (show_p * finish_p).astype(np.float32),
        # Hidden, never published in ``enrollments``: what the progress checks follow.
        "outcome": outcome, "score_level": score,
        "propensity": t.sigmoid(prop_logit[e]).astype(np.float32),
    })


def _learn(rng: np.random.Generator, done: pd.DataFrame, cast: Cast,
           params: t.TruthParams) -> None:
    """Raise levels after completions (the hidden benefit), then let a few decay."""
    if len(done):
        per_prog = pd.DataFrame({"p": cast.tgt_prog, "c": cast.tgt_comp, "lvl": cast.tgt_level})
        rows = done[["e", "p", "benefit"]].merge(per_prog, on="p")
        e, c = rows["e"].to_numpy(), rows["c"].to_numpy()
        below = rows["lvl"].to_numpy() > cast.levels[e, c]
        up = below & (rng.random(len(rows)) < params.learn_base
                      + params.learn_gain * rows["benefit"].to_numpy())
        np.add.at(cast.levels, (e[up], c[up]), 1)
    lose = (rng.random(cast.levels.shape) < params.decay) & (cast.required > 0)
    cast.levels[lose] -= 1
    np.clip(cast.levels, 1, 5, out=cast.levels)


def simulate(rng: np.random.Generator, cast: Cast, quarters: list[str], offerings: pd.DataFrame,
             sector_names: list[str], params: t.TruthParams) -> SimResult:
    """Run every quarter; ``offerings`` has ``qi``, ``p`` (program index), seats and dates."""
    n, n_comp = cast.levels.shape
    window_end = np.datetime64(quarter_end(quarters[-1]), "D")
    levels = np.zeros((len(quarters), n, n_comp), np.int8)
    habit = np.full(n, 0.5, np.float32)
    jp_ytd = np.zeros(n, np.float32)
    completed = np.zeros(cast.static_eligible.shape, bool)
    peak_by_q = {q: np.array([q in t.PEAK_QUARTERS[s] for s in sector_names]) for q in range(1, 5)}
    frames, props = [], []
    for qi, q in enumerate(quarters):
        qs = np.datetime64(quarter_start(q), "D")
        qe = np.datetime64(quarter_end(q), "D")
        quarter_no = parse_quarter(q)[1]
        if quarter_no == 1:
            jp_ytd[:] = 0
        levels[qi] = cast.levels
        employed = (cast.appointed < qs) & ~(cast.exit <= qe)
        age = _age(cast.birth, qs)
        prop_logit = t.propensity_logit(
            cast.base_logit, age, cast.digital, peak_by_q[quarter_no][cast.sector], habit,
            jp_ytd, cast.duty, cast.is_pppk, quarter_no == 4, params)
        props.append(pd.DataFrame({"e": np.flatnonzero(employed), "qi": qi,
                                   "propensity": t.sigmoid(prop_logit[employed])}))
        offers = offerings[offerings["qi"] == qi].reset_index(drop=True)
        offers["row"] = np.arange(len(offers))
        offers["qstart"] = qs
        offered = np.zeros(len(cast.jp), bool)
        offered[offers["p"].to_numpy()] = True
        old_enough = np.floor(_age(cast.birth, qe))[:, None] <= cast.max_age[None, :]
        picks = []
        for b in range(0, n, BLOCK):
            rows = slice(b, min(b + BLOCK, n))
            eligible = (cast.static_eligible[rows] & employed[rows, None] & offered[None, :]
                        & old_enough[rows] & ~completed[rows])
            picks.append(choose(rng, cast, rows, age, prop_logit, eligible, params))
        seated = assign_seats(rng, pd.concat(picks, ignore_index=True), offers)
        recommended = qi >= len(quarters) - params.recommended_quarters
        out = _outcomes(rng, seated, cast, offers, prop_logit, window_end, recommended, params)
        out["qi"] = qi
        out["off"] = offers["off_global"].to_numpy()[out["off"].to_numpy()]
        frames.append(out)
        done = out[out["status"] == "completed"]
        completed[done["e"].to_numpy(), done["p"].to_numpy()] = True
        took = np.zeros(n, np.float32)
        took[out.loc[out["status"].isin(["completed", "attended"]), "e"].to_numpy()] = 1.0
        habit = np.where(employed, HABIT_MEMORY * habit + (1 - HABIT_MEMORY) * took, habit)
        np.add.at(jp_ytd, out["e"].to_numpy(), out["jp_earned"].to_numpy(np.float32))
        _learn(rng, done, cast, params)
    return SimResult(pd.concat(frames, ignore_index=True), levels,
                     pd.concat(props, ignore_index=True))
