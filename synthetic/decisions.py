"""HR's decisions on suggestions in the synthetic city (the ``decisions`` table).

Before the product, HR reviewed a short list of programs for the people it nominated. Each
quarter a share (``REVIEW_SHARE``) of the people with a nomination is reviewed: the list holds
their nominations (accepted, with the offering) and is filled up to ``SHOWN`` programs with
what a naive list would show: eligible programs offered that quarter ranked by popularity and
sector fit, with noise. Each of those is rejected, and the reason follows the HIDDEN truth:

- ``already_competent`` when the person's true level already meets every target of it;
- ``not_relevant`` when its true benefit for the person is low (a benefit logit below the
  quarter's median over the shown programs), most of the time (``P_FIT_SAID``);
- otherwise a reason that says nothing about fit (already planned elsewhere, schedule, budget,
  other), and sometimes such a reason also for a low-benefit program.

A program the person enrolled in anyway that quarter (self-enrolled) is not listed as rejected.
The draws come from their own stream, so the rest of the world is the same with or without
decisions.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from synthetic import truth as t

SHOWN = 4
REVIEW_SHARE = 0.5
P_FIT_SAID = 0.8
NEUTRAL_REASONS = ("already_planned", "scheduling", "budget", "other")
NEUTRAL_P = (0.3, 0.3, 0.3, 0.1)
APPEAL_SECTOR = 1.0
DECIDED_BY = "hr_simulasi"


def _benefit_logit(cast, params: t.TruthParams, levels: np.ndarray, e: np.ndarray,
                   p: np.ndarray, age: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Benefit logit of pairs (e, p) at the quarter's true ``levels``, and whether the person
    already meets every target of the program."""
    cov = np.zeros(len(e), np.float32)
    meets = np.ones(len(e), bool)
    for tp, tc, tl in zip(cast.tgt_prog, cast.tgt_comp, cast.tgt_level):
        rows = np.flatnonzero(p == tp)
        if not len(rows):
            continue
        lvl = levels[e[rows], tc]
        cov[rows] += t.coverage_terms(lvl, cast.required[e[rows], tc], np.int8(tl), params)
        meets[rows] &= lvl >= tl
    ps, s = cast.program_sector[p], cast.sector[e]
    sfit = np.where(ps < 0, 0.0, np.where(ps == s, 1.0, -0.5)).astype(np.float32)
    ffit = t.form_fit(cast.online[p], cast.klasikal[p], age, cast.digital[e], params)
    taste = ((cast.u[e] * cast.v[p]).sum(axis=1) / np.sqrt(cast.u.shape[1])).astype(np.float32)
    has_targets = np.isin(p, cast.tgt_prog)
    return t.benefit_logit(cov, sfit, ffit, taste, params), meets & has_targets


def hr_decisions(rng: np.random.Generator, cast, enrollments: pd.DataFrame,
                 offerings: pd.DataFrame, levels: np.ndarray, quarter_starts: np.ndarray,
                 params: t.TruthParams) -> pd.DataFrame:
    """Decisions as indices: e, p, off (-1 for none), date, decision, reason_code."""
    out = []
    for qi, qs in enumerate(quarter_starts):
        enr = enrollments[enrollments["qi"] == qi]
        nominated = enr[enr["source"] == "nominated"]
        people = np.unique(nominated["e"].to_numpy())
        people = people[rng.random(len(people)) < REVIEW_SHARE]
        if not len(people):
            continue
        offered = np.unique(offerings.loc[offerings["qi"] == qi, "p"].to_numpy())
        noms = nominated[nominated["e"].isin(people)]
        day = noms.groupby("e")["date"].min()
        accepted = pd.DataFrame({"e": noms["e"].to_numpy(), "p": noms["p"].to_numpy(),
                                 "off": noms["off"].to_numpy(), "date": noms["date"].to_numpy(),
                                 "decision": "accepted", "reason_code": None})
        # The naive list: eligible offered programs by popularity and sector fit, noisy.
        elig = cast.static_eligible[np.ix_(people, offered)].copy()
        taken = set(zip(enr["e"], enr["p"]))
        row_of = {int(x): i for i, x in enumerate(people)}
        for e_, p_ in taken:
            if e_ in row_of:
                hit = np.flatnonzero(offered == p_)
                if len(hit):
                    elig[row_of[e_], hit[0]] = False
        ps, s = cast.program_sector[offered][None, :], cast.sector[people][:, None]
        sector = np.where(ps < 0, 0.0, np.where(ps == s, 1.0, -0.5))
        appeal = (params.u_popularity * cast.popularity[offered][None, :]
                  + APPEAL_SECTOR * sector + rng.gumbel(size=elig.shape))
        appeal[~elig] = -np.inf
        n_fill = np.maximum(SHOWN - noms.groupby("e").size().reindex(people).to_numpy(), 0)
        order = np.argsort(-appeal, axis=1)[:, :SHOWN]
        keep = (np.arange(order.shape[1])[None, :] < n_fill[:, None])
        keep &= np.isfinite(np.take_along_axis(appeal, order, 1))
        r, c = np.nonzero(keep)
        e, p = people[r], offered[order[r, c]]
        if len(e):
            age = (qs - cast.birth[e]).astype("timedelta64[D]").astype(float) / 365.25
            blogit, meets = _benefit_logit(cast, params, levels[qi], e, p, age)
            low = blogit < np.median(blogit)
            said = rng.random(len(e)) < P_FIT_SAID
            neutral = rng.choice(NEUTRAL_REASONS, size=len(e), p=NEUTRAL_P)
            reason = np.where(meets & said, "already_competent",
                              np.where(low & said, "not_relevant", neutral))
            out.append(pd.DataFrame({"e": e, "p": p, "off": -1,
                                     "date": day.reindex(e).to_numpy(),
                                     "decision": "rejected", "reason_code": reason}))
        out.append(accepted)
    if not out:
        return pd.DataFrame(columns=["e", "p", "off", "date", "decision", "reason_code"])
    return pd.concat(out, ignore_index=True).sort_values(["date", "e", "p"], kind="stable")
