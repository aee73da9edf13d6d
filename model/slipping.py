"""Who is slipping now: enrolments of running trainings ranked by their risk of not completing as
of a day, with the progress behind it in words (Bahasa Indonesia and English), the change since
the previous check and the playbook's suggested action.

``running_enrolments`` finds the trainings under way on a day; ``score_running`` scores them
with the recommender's checkpoint engine (``model.checkpoints``: nothing dated after the day is
read) now and as of the milestone before the latest one; ``slipping`` ranks and words them. The
service adds who may see which unit.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from model.checkpoints import at_checkpoint
from model.enrolment_rows import offering_starts, quarter_rows
from model.playbook import LANGUAGES, Playbook, explain_group, factor_label, load_playbook
from model.snapshot import PERSON, conform
from model.suppression import DEFAULT_THRESHOLD

# Statuses of an enrolment whose outcome is not known yet.
RUNNING_STATUSES = ("nominated", "registered")
WORDS = {
    "not_handed_in": {"id": "{missed:g} dari {due:g} tugas belum dikumpulkan",
                      "en": "{missed:g} of {due:g} tasks not handed in"},
    "all_in": {"id": "{due:g} dari {due:g} tugas dikumpulkan",
               "en": "{due:g} of {due:g} tasks handed in"},
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
OUTPUT = [PERSON, "program_id", "offering_id", "quarter", "risk", "risk_before", "change",
          "checks_due", "last_check", "cohort_size", "factors_id", "factors_en", "action_id",
          "action_en"]


class NoCheckpointEngine(ValueError):
    """The model was trained without progress checks, so it cannot score running trainings."""


def _known(value) -> bool:
    return value is not None and not pd.isna(value)


def progress_words(row: pd.Series, language: str = "id",
                   threshold: int = DEFAULT_THRESHOLD) -> str:
    """The progress of one enrolment at its checkpoint in words, most telling first. What the
    cohort did is named only when ``row["cohort_size"]`` (if given) is at least ``threshold``."""
    if language not in LANGUAGES:
        raise ValueError(f"language must be one of {LANGUAGES}, not {language!r}")
    w = {k: v[language] for k, v in WORDS.items()}
    due = row.get("checks_due")
    if not _known(due) or due == 0:
        return w["no_checks"]
    size = row.get("cohort_size")
    cohort_ok = not _known(size) or size >= threshold
    parts = []
    missed = due - (row.get("checks_submitted") or 0)
    if missed > 0:
        parts.append(w["not_handed_in"].format(missed=missed, due=due))
        cohort = row.get("cohort_submitted")
        if cohort_ok and _known(cohort):
            parts.append(w["cohort"].format(share=cohort))
    else:
        parts.append(w["all_in"].format(due=due))
    late = row.get("handed_in_late")
    if _known(late) and late > 0:
        parts.append(w["late"].format(late=late))
    quiet = row.get("days_since_handin")
    if _known(quiet) and quiet >= QUIET_DAYS:
        parts.append(w["quiet"].format(days=quiet))
    score, diff = row.get("mean_score"), row.get("score_vs_cohort")
    if cohort_ok and _known(score) and _known(diff):
        parts.append(w["score"].format(score=score, diff=diff))
    return "; ".join(parts)


def _other_factors(factors: list[tuple[str, float]], language: str) -> str:
    """Factors outside the progress (which ``progress_words`` tells) that lower P(completes)."""
    progress = {"hand_ins", "hand_ins_vs_cohort", "scores"}
    names = [factor_label(name, language) for name, delta in factors
             if delta < 0 and name not in progress]
    return ", ".join(names)


def slipping(rows: pd.DataFrame, p_complete: np.ndarray, p_before: np.ndarray | None = None,
             factors: list[list[tuple[str, float]]] | None = None,
             playbook: Playbook | None = None,
             threshold: int = DEFAULT_THRESHOLD) -> pd.DataFrame:
    """Enrolments ranked by risk of not completing (highest first).

    Args:
        rows: enrolments at the checkpoint (PERSON, offering_id and the progress features;
            ``cohort_size``, ``program_id``, ``quarter``, ``last_check`` when known).
        p_complete: P(completes) now, aligned with ``rows``.
        p_before: P(completes) at the previous check, aligned with ``rows`` (missing: none).
        factors: each row's top factors (``CheckpointModel.factors``: group, change in
            P(completes)); they choose the playbook action and name what else lowers it.
        playbook: the interventions; the packaged playbook by default.
        threshold: fewest people in a cohort before what the cohort did is named.

    Returns:
        ``OUTPUT`` columns: risk (1 - P(completes)), risk_before, change (risk now - risk
        before; positive: slipping), the progress and other factors in words, and the first
        playbook action, sorted by risk.
    """
    book = playbook or load_playbook()
    risk = 1.0 - np.asarray(p_complete, dtype=float)
    before = (np.full(len(rows), np.nan) if p_before is None
              else 1.0 - np.asarray(p_before, dtype=float))
    factors = factors if factors is not None else [[] for _ in range(len(rows))]
    out = pd.DataFrame({PERSON: rows[PERSON].to_numpy(),
                        "offering_id": rows["offering_id"].to_numpy(),
                        "risk": np.round(risk, 4), "risk_before": np.round(before, 4),
                        "change": np.round(risk - before, 4)})
    for col in ("program_id", "quarter", "checks_due", "last_check", "cohort_size"):
        out[col] = rows[col].to_numpy() if col in rows else np.nan
    for lang in LANGUAGES:
        words = []
        for (_, row), f in zip(rows.iterrows(), factors):
            text, other = progress_words(row, lang, threshold), _other_factors(f, lang)
            words.append(text + (f" ({other})" if other else ""))
        out[f"factors_{lang}"] = words
    actions = [_action(f, book) for f in factors]
    out["action_id"] = [a[0] for a in actions]
    out["action_en"] = [a[1] for a in actions]
    return out[OUTPUT].sort_values(["risk", PERSON], ascending=[False, True],
                                   kind="stable").reset_index(drop=True)


def _action(factors: list[tuple[str, float]], book: Playbook) -> tuple[str, str]:
    """The playbook's first action for the factors that lower P(completes) ("" when none)."""
    drivers = {name: -delta for name, delta in factors if delta < 0}
    if not drivers:
        return "", ""
    todo = explain_group({}, drivers, book)
    if todo.empty:
        return "", ""
    return str(todo.loc[0, "action_id"]), str(todo.loc[0, "action_en"])


def running_enrolments(frames, day: pd.Timestamp) -> pd.DataFrame:
    """Enrolments in trainings under way on ``day`` (started by then, ending on or after it)
    whose outcome is not known yet: PERSON, program_id, offering_id, quarter."""
    f = conform(frames)
    off = f["offerings"].drop_duplicates("offering_id").set_index("offering_id")
    enr = f["enrollments"]
    start = pd.to_datetime(enr["offering_id"].map(off["start_date"]))
    end = pd.to_datetime(enr["offering_id"].map(off["end_date"]))
    under_way = (start <= day) & (end >= day) & enr["status"].isin(RUNNING_STATUSES)
    return enr.loc[under_way.fillna(False).to_numpy(dtype=bool),
                   [PERSON, "program_id", "offering_id", "quarter"]].reset_index(drop=True)


def milestone_dates(checks: pd.DataFrame, offering_ids: pd.Series,
                    day: pd.Timestamp) -> tuple[pd.Series, pd.Series]:
    """Per enrolment (aligned with ``offering_ids``): the due date of its offering's latest
    milestone by ``day`` and of the one before it (NaT when there is none)."""
    c = checks.assign(check_date=pd.to_datetime(checks["check_date"]),
                      offering_id=checks["offering_id"].astype(str))
    c = (c[c["check_date"] <= day].drop_duplicates(["offering_id", "check_date"])
         .sort_values(["offering_id", "check_date"], ascending=[True, False]))
    nth = c.groupby("offering_id").cumcount()
    ids = offering_ids.astype(str)
    last = ids.map(c[nth == 0].set_index("offering_id")["check_date"])
    prev = ids.map(c[nth == 1].set_index("offering_id")["check_date"])
    return pd.to_datetime(last), pd.to_datetime(prev)


def score_running(recommender, frames, day: pd.Timestamp,
                  playbook: Playbook | None = None,
                  threshold: int = DEFAULT_THRESHOLD) -> pd.DataFrame:
    """The running trainings' enrolments on ``day``, ranked by risk (``slipping``'s columns).

    The rows are the enrolments as known at the start (``enrolment_rows.quarter_rows``, no
    outcome read) plus the progress checks due by ``day``; the risk before is as of the
    milestone before the latest one (or the day before the start when at most one was due).
    Raises ``NoCheckpointEngine`` when the recommender has no checkpoint engine (no progress
    checks in its training data).
    """
    engine = getattr(recommender, "checkpoint_", None)
    if engine is None:
        raise NoCheckpointEngine("this model has no checkpoint engine: its training data had no "
                         "progress checks (import them, then retrain)")
    f = conform(frames)
    day = pd.Timestamp(day).normalize()
    running = running_enrolments(f, day)
    if running.empty:
        return pd.DataFrame(columns=OUTPUT)
    checks = f["progress_checks"]
    checks = checks[pd.to_datetime(checks["check_date"]) <= day]
    starts = offering_starts(f)
    parts = []
    for quarter, group in running.groupby("quarter"):
        rows = quarter_rows(f, str(quarter), recommender.config, labelled=False,
                            persons=pd.Index(group[PERSON].unique()))
        keys = pd.MultiIndex.from_frame(group[[PERSON, "offering_id"]].astype(str))
        mine = pd.MultiIndex.from_frame(rows[[PERSON, "offering_id"]].astype(str)).isin(keys)
        parts.append(rows[mine])
    rows = pd.concat(parts, ignore_index=True)
    if rows.empty:
        return pd.DataFrame(columns=OUTPUT)
    last, previous = milestone_dates(checks, rows["offering_id"], day)
    before_start = pd.to_datetime(rows["offering_id"].astype(str).map(starts)) - pd.Timedelta(days=1)
    now = at_checkpoint(rows, checks, starts, day)
    then = at_checkpoint(rows, checks, starts, previous.fillna(before_start))
    now["last_check"] = last.dt.date.to_numpy()
    now["cohort_size"] = now.groupby(now["offering_id"].astype(str))[PERSON].transform("size")
    p_now, p_then = engine.predict_proba(now), engine.predict_proba(then)
    return slipping(now, p_now, p_then, engine.factors(now), playbook, threshold)


def latest_day(frames, today: pd.Timestamp | None = None) -> pd.Timestamp:
    """The day the data speaks for: the latest progress check due or handed in, or enrolment,
    and never later than ``today`` (default: the real today)."""
    f = conform(frames)
    today = pd.Timestamp(today if today is not None else pd.Timestamp.now()).normalize()
    checks, enr = f["progress_checks"], f["enrollments"]
    dates = [pd.to_datetime(checks["check_date"]).max(), pd.to_datetime(enr["date"]).max()]
    if "submitted_on" in checks:
        dates.append(pd.to_datetime(checks["submitted_on"]).max())
    known = [d for d in dates if not pd.isna(d)]
    return min(max(known).normalize(), today) if known else today
