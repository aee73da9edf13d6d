"""HR's "already competent" as evidence of a person's level.

When HR rejects a suggested program because the person already has its competencies
(reason ``already_competent``), HR is saying the person's level in each competency the program
targets is at least the program's target level. An assessment can be a year or two old; this
is newer knowledge, and it holds for every other program on the same competencies, not only
the rejected one. So, where such a decision is more recent than the latest assessment of a
competency, the level the ranker works from is raised to the program's target (never lowered:
the decision says "at least"), and a competency not assessed yet takes the target. An
assessment made after the decision stands as it is. Where nothing at all was assessed, nothing
is changed.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

REASON = "already_competent"


def evidenced_levels(assessed: np.ndarray, assessed_on: np.ndarray, decisions: pd.DataFrame,
                     person_rows: np.ndarray, program_rows: np.ndarray,
                     targets: np.ndarray) -> np.ndarray:
    """``assessed`` (people x competencies) raised by the ``already_competent`` rejections.

    ``assessed_on`` holds each cell's assessment date (NaT when never assessed);
    ``person_rows`` and ``program_rows`` are each decision's row in ``assessed`` and in
    ``targets`` (programs x competencies, 0 = not targeted), -1 when unknown.
    """
    if decisions.empty or np.isnan(assessed).all():
        # With no assessment at all, decisions alone would show the ranker known levels that
        # never have a gap: the gap signals stay absent, as without decisions.
        return assessed
    said = (decisions["decision"].eq("rejected") & decisions["reason_code"].eq(REASON)).to_numpy()
    ok = said & (person_rows >= 0) & (program_rows >= 0)
    if not ok.any():
        return assessed
    rows, progs = person_rows[ok], program_rows[ok]
    when = pd.to_datetime(decisions["decided_at"]).to_numpy()[ok]
    r, c = np.nonzero(targets[progs] > 0)       # one row per (decision, targeted competency)
    person, comp, level, at = rows[r], c, targets[progs[r], c], when[r]
    prior = assessed_on[person, comp]
    newer = np.isnat(prior) | (at > prior)
    out = assessed.copy()
    person, comp, level = person[newer], comp[newer], level[newer]
    current = out[person, comp]
    raised = np.where(np.isnan(current), level, np.maximum(current, level))
    # Several decisions on one cell: the highest level said stands.
    cell = pd.DataFrame({"p": person, "c": comp, "v": raised}).groupby(["p", "c"])["v"].max()
    out[cell.index.get_level_values("p"), cell.index.get_level_values("c")] = cell.to_numpy()
    return out
