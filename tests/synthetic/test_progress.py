"""The synthetic LMS progress checks: dated by the window end, following the hidden outcome."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from model.tables import TABLES
from service.ingest.validation import validate_frame
from synthetic import assembly, generate
from synthetic.progress import milestone_count

WINDOW_END = "2026-09-30"  # end of conftest.END_QUARTER
RUNNING = ("registered", "nominated")
KEY = ["employee_id", "offering_id"]


@pytest.fixture(scope="module")
def checks(world) -> pd.DataFrame:
    """The checks with the offering's dates, the published status and the hidden outcome."""
    t = world.tables
    truth = world.truth["enrollment_truth"][["employee_id", "program_id", "date", "outcome"]]
    enr = t["enrollments"].merge(truth, on=["employee_id", "program_id", "date"],
                                 validate="one_to_one")
    off = t["offerings"][["offering_id", "start_date", "end_date"]]
    frame = t["progress_checks"].merge(enr[KEY + ["status", "outcome", "post_test_score"]],
                                       on=KEY, how="left", validate="many_to_one")
    frame = frame.merge(off, on="offering_id", how="left", validate="many_to_one")
    return frame.assign(handed_in=frame["submitted_on"] != "",
                        score=pd.to_numeric(frame["score"]),
                        running=frame["status"].isin(RUNNING))


def test_every_check_belongs_to_an_enrolment(checks, world):
    assert checks["status"].notna().all()
    assert len(checks) > 2 * len(world.tables["enrollments"])  # a few tasks per enrolment


def test_nothing_is_dated_after_the_window_end(checks):
    assert checks["check_date"].max() <= WINDOW_END
    assert checks.loc[checks["handed_in"], "submitted_on"].max() <= WINDOW_END


def test_finished_offerings_have_their_tasks_evenly_spaced_up_to_the_last_day(checks):
    done = checks[checks["end_date"] <= WINDOW_END]
    per = done.groupby("offering_id").agg(
        tasks=("milestone", "nunique"), last=("check_date", "max"), first=("check_date", "min"),
        start=("start_date", "first"), end=("end_date", "first"))
    days = (pd.to_datetime(per["end"]) - pd.to_datetime(per["start"])).dt.days + 1
    assert (per["tasks"] == milestone_count(days.to_numpy())).all()
    assert (per["last"] == per["end"]).all() and (per["first"] >= per["start"]).all()
    assert set(per["tasks"]) == {1, 2, 3, 4}
    assert (per.loc[days < 7, "tasks"] == 1).all() and (per.loc[days >= 60, "tasks"] == 4).all()
    # Everyone in an offering has the same tasks on the same days.
    dates = done.groupby(["offering_id", "milestone"])["check_date"].nunique()
    assert (dates == 1).all()
    sizes = done.groupby(KEY).size()
    assert (sizes == per["tasks"].reindex(sizes.index.get_level_values(1)).to_numpy()).all()


def test_running_trainings_publish_only_the_tasks_due_so_far(checks, world):
    running = checks[checks["running"]]
    enr = world.tables["enrollments"]
    assert enr["status"].isin(RUNNING).sum() >= 5
    assert running[KEY].drop_duplicates().shape[0] >= 5  # partial progress to show
    assert (running["end_date"] > WINDOW_END).all()
    assert (running["check_date"] <= WINDOW_END).all()
    per = running.groupby("offering_id").agg(
        tasks=("milestone", "nunique"), start=("start_date", "first"), end=("end_date", "first"))
    days = (pd.to_datetime(per["end"]) - pd.to_datetime(per["start"])).dt.days + 1
    assert (per["tasks"] < milestone_count(days.to_numpy())).all()  # later tasks not yet due
    # The published tasks are the first ones, the same for everyone in the offering.
    numbers = running["milestone"].str.removeprefix("tugas-").astype(int)
    assert (numbers.groupby(running["offering_id"]).max() == per["tasks"]).all()
    # Their outcome stays hidden: nothing earned or scored in the enrollments table.
    shown = enr[enr["status"].isin(RUNNING)]
    assert (shown["jp_earned"] == 0).all() and shown["post_test_score"].isna().all()


def test_the_hidden_outcome_is_the_published_status_of_finished_trainings(checks, world):
    truth = world.truth["enrollment_truth"]
    assert set(truth["outcome"]) == {"completed", "attended", "dropped", "no_show"}
    finished = checks[~checks["running"]]
    assert (finished["outcome"] == finished["status"]).all()


def test_completers_hand_in_much_more_than_drop_outs_and_no_shows(checks):
    per = checks.groupby(KEY).agg(share=("handed_in", "mean"), outcome=("outcome", "first"))
    share = per.groupby("outcome")["share"].mean()
    assert share["completed"] > 0.85
    assert share["dropped"] < 0.4 * share["completed"]
    assert share["attended"] < share["completed"]
    assert share["no_show"] == 0
    on_time = checks.groupby("outcome")["submitted"].apply(lambda s: (s == "true").mean())
    assert on_time["completed"] > 2 * on_time["dropped"]


def test_early_progress_is_informative_but_not_a_perfect_predictor(checks):
    first = checks[(checks["milestone"] == "tugas-1") & ~checks["running"]]
    done = first["outcome"] == "completed"
    handed = first["handed_in"]
    assert done[handed].mean() > 2 * done[~handed].mean()
    # Noise: some completers missed the first task and some drop-outs handed it in.
    assert (done & ~handed).sum() > 0
    assert (first["outcome"].eq("dropped") & handed).sum() > 0


def test_hand_ins_are_mostly_on_time_some_late_a_few_ahead_and_scored_when_on_time(checks):
    handed = checks[checks["handed_in"]]
    on, due = pd.to_datetime(handed["submitted_on"]), pd.to_datetime(handed["check_date"])
    on_time = handed["submitted"] == "true"
    assert ((on <= due) == on_time).all()  # submitted = handed in by the due date
    assert 0.6 < on_time.mean() < 0.95
    assert ((on - due).dt.days > 0).mean() > 0.05  # late
    assert 0 < ((due - on).dt.days > 2).mean() < 0.15  # well ahead: a few
    assert (handed["submitted_on"] >= handed["start_date"]).all()
    assert checks["score"].notna().eq(checks["submitted"] == "true").all()
    assert checks["score"].dropna().between(0, 100).all()
    assert (checks.loc[~checks["handed_in"], "submitted"] == "false").all()


def test_completers_task_scores_follow_their_post_test(checks):
    done = checks[checks["status"] == "completed"]
    per = done.groupby(KEY).agg(task=("score", "mean"), post=("post_test_score", "first"))
    per = per.dropna()
    assert per["task"].corr(per["post"]) > 0.5
    assert abs(per["task"].mean() - per["post"].mean()) < 5


def test_the_written_table_passes_the_import_validation(written):
    raw, _ = written
    frame = pd.read_csv(raw / "progress_checks.csv", dtype=str, keep_default_na=False)
    assert list(frame.columns) == TABLES["progress_checks"].names
    assert len(frame) > 0
    assert validate_frame(frame, TABLES["progress_checks"]) == []


def test_same_seed_gives_the_same_checks():
    a = generate(150, 1, seed=5, end_quarter="2026Q3").tables["progress_checks"]
    b = generate(150, 1, seed=5, end_quarter="2026Q3").tables["progress_checks"]
    c = generate(150, 1, seed=6, end_quarter="2026Q3").tables["progress_checks"]
    assert len(a) > 0 and a.equals(b) and not a.equals(c)


def test_the_checks_draw_from_their_own_stream(monkeypatch):
    """Drawing the checks differently changes no other table: they use a stream of their own."""
    plain = generate(150, 1, seed=5, end_quarter="2026Q3").tables
    real = assembly.progress_checks

    def more_draws(rng, *args, **kwargs):
        rng.random(10_000)
        return real(rng, *args, **kwargs)

    monkeypatch.setattr(assembly, "progress_checks", more_draws)
    shifted = generate(150, 1, seed=5, end_quarter="2026Q3").tables
    assert not shifted["progress_checks"].equals(plain["progress_checks"])
    for name, frame in plain.items():
        if name != "progress_checks":
            assert frame.equals(shifted[name]), name


def test_no_checks_for_a_world_without_enrolments_is_an_empty_table():
    from synthetic.progress import progress_checks

    empty = pd.DataFrame({"e": np.array([], int), "off": np.array([], int), "outcome": [],
                          "score_level": np.array([], float), "propensity": np.array([], float)})
    offerings = pd.DataFrame({"start_date": pd.to_datetime(["2026-01-05"]),
                              "end_date": pd.to_datetime(["2026-01-30"])})
    out = progress_checks(np.random.default_rng(0), empty, offerings,
                          np.datetime64(WINDOW_END), 3)
    assert out.empty and {"milestone", "check_date", "submitted_on"} <= set(out.columns)
