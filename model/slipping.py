"""Who is slipping now: enrolments of running trainings ranked by their risk of not completing as
of a checkpoint, with the progress behind it in words (Bahasa Indonesia or English) and the
change since the previous check.

Works on the rows of ``model.checkpoints.at_checkpoint`` and the checkpoint engine's
P(completes); the service adds who may see which unit.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from model.playbook import LANGUAGES
from model.snapshot import PERSON

WORDS = {
    "not_handed_in": {"id": "{missed:g} dari {due:g} tugas belum dikumpulkan",
                      "en": "{missed:g} of {due:g} tasks not handed in"},
    "cohort": {"id": "kohort mengumpulkan {share:.0%}", "en": "the cohort handed in {share:.0%}"},
    "late": {"id": "{late:g} tugas terlambat", "en": "{late:g} handed in late"},
    "quiet": {"id": "tidak ada pengumpulan selama {days:g} hari",
              "en": "nothing handed in for {days:g} days"},
    "score": {"id": "nilai rata-rata {score:.0f}, {diff:+.0f} dari kohort",
              "en": "mean score {score:.0f}, {diff:+.0f} against the cohort"},
    "no_checks": {"id": "belum ada tugas yang jatuh tempo", "en": "no task due yet"},
}
# A stretch without hand-ins worth naming (days).
QUIET_DAYS = 21


def progress_words(row: pd.Series, language: str = "id") -> str:
    """The progress of one enrolment at its checkpoint in words, most telling first."""
    if language not in LANGUAGES:
        raise ValueError(f"language must be one of {LANGUAGES}, not {language!r}")
    w = {k: v[language] for k, v in WORDS.items()}
    due = row.get("checks_due")
    if due is None or pd.isna(due) or due == 0:
        return w["no_checks"]
    parts = []
    missed = due - (row.get("checks_submitted") or 0)
    if missed > 0:
        parts.append(w["not_handed_in"].format(missed=missed, due=due))
        cohort = row.get("cohort_submitted")
        if cohort is not None and not pd.isna(cohort):
            parts.append(w["cohort"].format(share=cohort))
    late = row.get("handed_in_late")
    if late is not None and not pd.isna(late) and late > 0:
        parts.append(w["late"].format(late=late))
    quiet = row.get("days_since_handin")
    if quiet is not None and not pd.isna(quiet) and quiet >= QUIET_DAYS:
        parts.append(w["quiet"].format(days=quiet))
    score, diff = row.get("mean_score"), row.get("score_vs_cohort")
    if score is not None and not pd.isna(score) and diff is not None and not pd.isna(diff):
        parts.append(w["score"].format(score=score, diff=diff))
    return "; ".join(parts)


def slipping(rows: pd.DataFrame, p_complete: np.ndarray,
             p_before: np.ndarray | None = None, language: str = "id") -> pd.DataFrame:
    """Enrolments ranked by risk of not completing (highest first).

    Args:
        rows: enrolments at the checkpoint (PERSON, offering_id and the progress features).
        p_complete: P(completes) now, aligned with ``rows``.
        p_before: P(completes) at the previous check, aligned with ``rows`` (missing: new).
        language: ``"id"`` or ``"en"`` for the words.

    Returns:
        PERSON, offering_id, risk (1 - P(completes)), change (risk now - risk before; positive:
        slipping) and factors (words), sorted by risk.
    """
    risk = 1.0 - np.asarray(p_complete, dtype=float)
    before = (np.full(len(rows), np.nan) if p_before is None
              else 1.0 - np.asarray(p_before, dtype=float))
    out = pd.DataFrame({PERSON: rows[PERSON].to_numpy(),
                        "offering_id": rows["offering_id"].to_numpy(),
                        "risk": np.round(risk, 4), "change": np.round(risk - before, 4),
                        "factors": [progress_words(r, language) for _, r in rows.iterrows()]})
    return out.sort_values(["risk", PERSON], ascending=[False, True],
                           kind="stable").reset_index(drop=True)
