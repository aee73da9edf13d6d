"""OULAD through the product's import and engine: predictions for every 2014 registration,
unchanged by anything the predictions may not know (leak guard), moved by what they may."""

import pandas as pd
import pytest

from model.checkpoints import HORIZONS
from service.oulad import known_quarters, run_oulad

KEYS = ["code_module", "code_presentation", "id_student"]


@pytest.fixture(scope="module")
def base(oulad_slice, tmp_path_factory):
    return run_oulad(oulad_slice, tmp_path_factory.mktemp("ws"))


def _run(write_oulad, tmp_path, edit):
    data = write_oulad(tmp_path / "data", ("DDD",), share=0.5, edit=edit)
    return run_oulad(data, tmp_path / "ws")


@pytest.mark.slow
def test_every_2014_registration_gets_a_probability_at_every_horizon(base, oulad_slice):
    info = pd.read_csv(oulad_slice / "studentInfo.csv", dtype=str)
    expected = info[info["code_presentation"].str.startswith("2014")]
    got = sorted(map(tuple, base[KEYS].to_numpy()))
    assert got == sorted(map(tuple, expected[KEYS].to_numpy()))
    for col in [f"p_withdraw_{h}" for h in HORIZONS]:
        assert base[col].between(0, 1).all() and base[col].nunique() > 5


@pytest.mark.slow
def test_unregistration_and_results_of_the_predicted_presentation_change_nothing(
        base, write_oulad, tmp_path):
    def edit(frames):
        frames["studentRegistration"]["date_unregistration"] = "3"
        info = frames["studentInfo"]
        j = info["code_presentation"] == "2014J"
        info.loc[j, "final_result"] = info.loc[j, "final_result"].map(
            {"Withdrawn": "Pass", "Pass": "Withdrawn", "Fail": "Distinction",
             "Distinction": "Fail"})
        ass = frames["assessments"]
        late = ass[(ass["code_presentation"] == "2014J")
                   & (pd.to_numeric(ass["date"], errors="coerce").fillna(999) > 90)]
        sub = frames["studentAssessment"]
        sub.loc[sub["id_assessment"].isin(late["id_assessment"]), "score"] = "1"

    changed = _run(write_oulad, tmp_path, edit)
    pd.testing.assert_frame_equal(changed, base)


@pytest.mark.slow
def test_missing_the_first_assessment_raises_the_early_risk_only(base, write_oulad, tmp_path):
    def edit(frames):
        ass = frames["assessments"]
        # 2014J only: walk-forward learns 2014J's models from 2014B. Hand-ins made before the
        # start (banked from an earlier attempt) were known before it: they stay.
        first = ass[(ass["code_presentation"] == "2014J") & (ass["assessment_type"] != "Exam")]
        day = pd.to_numeric(first["date"])
        first = first[day == day.min()]
        sub = frames["studentAssessment"]
        frames["studentAssessment"] = sub[~(sub["id_assessment"].isin(first["id_assessment"])
                                            & (pd.to_numeric(sub["date_submitted"]) >= 0))]

    changed = _run(write_oulad, tmp_path, edit)
    pd.testing.assert_series_equal(changed["p_withdraw_prestart"], base["p_withdraw_prestart"])
    j = (base["code_presentation"] == "2014J").to_numpy()
    assert changed["p_withdraw_early"][j].mean() > base["p_withdraw_early"][j].mean() + 0.05
    pd.testing.assert_series_equal(changed["p_withdraw_early"][~j], base["p_withdraw_early"][~j])


@pytest.mark.slow
def test_assessments_after_day_60_do_not_move_the_day_60_prediction(base, write_oulad, tmp_path):
    def edit(frames):
        ass = frames["assessments"]
        late = ass[(ass["code_presentation"] == "2014J")
                   & (pd.to_numeric(ass["date"], errors="coerce").fillna(999) > 60)]
        sub = frames["studentAssessment"]
        # Only what was handed in after day 60 (a banked or early hand-in was known by then).
        frames["studentAssessment"] = sub[~(sub["id_assessment"].isin(late["id_assessment"])
                                            & (pd.to_numeric(sub["date_submitted"]) > 60))]

    changed = _run(write_oulad, tmp_path, edit)
    for h in ("prestart", "early", "day30", "day60"):
        pd.testing.assert_series_equal(changed[f"p_withdraw_{h}"], base[f"p_withdraw_{h}"])
    assert not changed["p_withdraw_day90"].equals(base["p_withdraw_day90"])


def test_a_quarter_learns_only_from_quarters_whose_presentations_had_all_ended():
    offerings = pd.DataFrame({
        "offering_id": ["A-2013B", "B-2013B", "A-2013J", "A-2014B", "A-2014J"],
        "program_id": ["A", "B", "A", "A", "A"],
        "start_date": ["2013-02-01", "2013-02-01", "2013-10-01", "2014-02-01", "2014-10-01"],
        # B-2013B runs into 2013Q4: 2013Q1 is not known when 2013J starts.
        "end_date": ["2013-09-28", "2013-10-09", "2014-06-26", "2014-09-30", "2015-06-27"]})
    frames = {"offerings": offerings}
    assert known_quarters(frames, "2013Q4") == []
    assert known_quarters(frames, "2014Q1") == ["2013Q1"]
    assert known_quarters(frames, "2014Q4") == ["2013Q1", "2013Q4", "2014Q1"]
