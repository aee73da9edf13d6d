"""The LMS progress checks of the synthetic trainings (the ``progress_checks`` table).

Every offering has a few tasks ("tugas-1", "tugas-2", ...) evenly spaced between its start and
end date, the last due on the last day (``milestone_count``: one for trainings of under a week,
two under three weeks, three under two months, four for longer ones). Everyone enrolled in an
offering has a row for each of its tasks. What a person hands in follows the enrolment's
HIDDEN outcome, drawn by the simulation also for trainings still running at the window end,
so that early progress is informative about the outcome but not a perfect predictor:

- ``completed``: nearly every task, mostly on time, scores near the person's post-test level;
- ``attended`` (came but did not complete): fewer tasks, more often late, lower scores;
- ``dropped``: tasks due before a random drop-out day during the training (uniform over its
  days) with a lower rate, scores falling from task to task, nothing from the drop-out day on;
- ``no_show``: nothing (the rows say not submitted).

Noise: a diligence logit adds ``PROPENSITY_WEIGHT`` x the logit of the person's participation
propensity when enrolling, a person effect (``PERSON_SD``, the same in all their trainings) and
an enrolment effect (``ENROLMENT_SD``) to the hand-in and on-time rates. A hand-in that is not
on time comes 1 to ``MAX_LATE_DAYS`` days after the due date (``submitted`` false, no score: the
LMS scores what was in by the due date); an on-time one comes on the due date or a day or two
before, a few (``P_AHEAD``) up to ``MAX_AHEAD_DAYS`` ahead, never before the training starts.

Nothing dated after the window end is published: a task due later has no row yet, and a hand-in
dated after the window end is not known yet (the row says not submitted).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from synthetic.truth import sigmoid

MILESTONE_PREFIX = "tugas-"
# (shortest duration in days, tasks): the first row whose duration the training reaches.
MILESTONES_BY_DURATION = ((60, 4), (21, 3), (7, 2), (1, 1))
OUTCOMES = ("completed", "attended", "dropped", "no_show")
# Per outcome (in OUTCOMES order): logit of handing a task in, of handing it in on time,
# the shift of the score from the post-test level, and its change per task.
HAND_IN_LOGIT = np.array([3.2, 0.6, 0.4, -np.inf])
ON_TIME_LOGIT = np.array([2.0, 0.9, 0.6, 0.0])
SCORE_SHIFT = np.array([0.0, -5.0, -8.0, 0.0])
SCORE_TREND = np.array([1.0, -1.0, -3.0, 0.0])
SCORE_SD = 8.0
PROPENSITY_WEIGHT = 0.5
PERSON_SD = 0.7
ENROLMENT_SD = 0.5
MAX_LATE_DAYS = 14
P_AHEAD = 0.08
MAX_AHEAD_DAYS = 10
DAY = np.timedelta64(1, "D")


def milestone_count(duration_days: np.ndarray) -> np.ndarray:
    """Tasks per training of ``duration_days`` days (start to end, both counted)."""
    duration = np.asarray(duration_days)
    bounds = [duration >= low for low, _ in MILESTONES_BY_DURATION]
    return np.select(bounds, [n for _, n in MILESTONES_BY_DURATION], 1).astype(int)


def progress_checks(rng: np.random.Generator, enrollments: pd.DataFrame,
                    offerings: pd.DataFrame, window_end: np.datetime64,
                    n_people: int) -> pd.DataFrame:
    """The checks of every enrolment, as the LMS knows them at ``window_end``.

    Args:
        rng: the generator of this table alone (the other tables' draws stay the same).
        enrollments: the simulated enrolments: ``e`` (person index), ``off`` (row of
            ``offerings``), hidden ``outcome`` (one of ``OUTCOMES``, also for trainings still
            running), ``score_level`` (post-test level) and ``propensity`` when enrolling.
        offerings: ``start_date`` and ``end_date`` per offering (row = ``off``).
        window_end: the last day of the window; nothing dated later is returned.
        n_people: number of people (``e`` < n_people), for the person effects.

    Returns:
        ``e``, ``off``, ``milestone`` (categorical), ``check_date``, ``submitted`` (bool),
        ``score`` (NaN unless submitted) and ``submitted_on`` (NaT when not handed in by the
        window end), ordered by due date, offering, milestone and person.
    """
    window_end = np.datetime64(window_end, "D")
    start_all = offerings["start_date"].to_numpy("datetime64[D]")
    end_all = offerings["end_date"].to_numpy("datetime64[D]")
    e = enrollments["e"].to_numpy()
    off = enrollments["off"].to_numpy()
    outcome = pd.Categorical(enrollments["outcome"], categories=OUTCOMES).codes
    if (outcome < 0).any():
        raise ValueError(f"unknown outcome: {set(enrollments['outcome']) - set(OUTCOMES)}")
    start, end = start_all[off], end_all[off]
    duration = (end - start).astype(int) + 1
    tasks = milestone_count(duration)

    # Draws of fixed sizes in a fixed order: the same seed gives the same checks.
    person = rng.normal(0, PERSON_SD, n_people)
    prop = np.clip(enrollments["propensity"].to_numpy(float), 1e-4, 1 - 1e-4)
    diligence = (PROPENSITY_WEIGHT * np.log(prop / (1 - prop)) + person[e]
                 + rng.normal(0, ENROLMENT_SD, len(e)))
    drop_day = start + np.floor(rng.random(len(e)) * duration).astype(int) * DAY

    row = np.repeat(np.arange(len(e)), tasks)  # one row per enrolment and task
    k = np.arange(len(row)) - np.repeat(np.cumsum(tasks) - tasks, tasks) + 1
    n = tasks[row]
    due = start[row] + np.floor(k * (duration[row] - 1) / n + 0.5).astype(int) * DAY
    o, d = outcome[row], diligence[row]
    u_in, u_time, u_ahead = rng.random(len(row)), rng.random(len(row)), rng.random(len(row))
    late_days = np.minimum(rng.geometric(0.35, len(row)), MAX_LATE_DAYS)
    ahead_days = np.where(u_ahead < P_AHEAD, rng.integers(2, MAX_AHEAD_DAYS + 1, len(row)),
                          rng.integers(0, 3, len(row)))
    noise = rng.normal(0, SCORE_SD, len(row))

    with np.errstate(over="ignore"):
        hands_in = u_in < sigmoid(HAND_IN_LOGIT[o] + d)
    on_time = u_time < sigmoid(ON_TIME_LOGIT[o] + d)
    on = np.where(on_time, np.maximum(due - ahead_days * DAY, start[row]), due + late_days * DAY)
    dropped = o == OUTCOMES.index("dropped")
    hands_in &= ~dropped | (on < drop_day[row])  # nothing from the drop-out day on
    hands_in &= on <= window_end  # not known yet
    submitted = hands_in & on_time
    level = enrollments["score_level"].to_numpy(float)[row]
    score = np.clip(level + SCORE_SHIFT[o] + SCORE_TREND[o] * (k - (n + 1) / 2) + noise, 0, 100)

    names = [f"{MILESTONE_PREFIX}{i}" for i in range(1, tasks.max(initial=1) + 1)]
    checks = pd.DataFrame({
        "e": e[row], "off": off[row], "milestone": pd.Categorical.from_codes(k - 1, names),
        "check_date": due, "submitted": submitted,
        "score": np.where(submitted, score.round(1), np.nan),
        "submitted_on": np.where(hands_in, on, np.datetime64("NaT")),
    })[due <= window_end]
    return checks.sort_values(["check_date", "off", "milestone", "e"], kind="stable",
                              ignore_index=True)
