"""Point-in-time correctness: nothing on or after ``as_of`` can change the features."""

import numpy as np
import pandas as pd
import pandas.testing as pdt

from model import quarters as qt
from model.candidates import candidate_pairs
from model.features import pair_features, person_features
from model.snapshot import PERSON, build_snapshot, conform


def _features(frames, as_of):
    snap = build_snapshot(frames, as_of)
    people = person_features(snap)
    pairs = candidate_pairs(snap).sort_values([PERSON, "program_id"]).reset_index(drop=True)
    return people.sort_index(), pair_features(snap, pairs, people)


def _tamper_future(frames, as_of):
    """Delete enrollments, assessments and reviews on or after as_of and scramble the rest's
    future: statuses of enrollments dated after the start flip, new hires after it vanish."""
    start = pd.Timestamp(qt.quarter_start(as_of))
    out = {k: v.copy() for k, v in frames.items()}
    enr = out["enrollments"]
    future = (enr["quarter"] >= as_of) & (enr["date"] >= start)
    enr = enr[~future].copy()
    flip = enr["quarter"] >= as_of  # registered before the start for a later quarter
    enr.loc[flip, "status"] = "completed"
    enr.loc[flip, "jp_earned"] = 999.0
    out["enrollments"] = enr
    ass = out["competency_assessments"]
    out["competency_assessments"] = ass[ass["assessed_on"] < start]
    rev = out["performance_reviews"]
    out["performance_reviews"] = rev[rev["period"].astype(str).str.slice(0, 4).astype(int) < start.year]
    emp = out["employees"]
    out["employees"] = emp[~(emp["appointment_date"] >= start)]
    return conform(out)


def test_features_ignore_everything_after_as_of(frames, as_of):
    q = qt.shift(as_of, -2)
    people_a, pairs_a = _features(frames, q)
    people_b, pairs_b = _features(_tamper_future(frames, q), q)
    pdt.assert_frame_equal(people_a, people_b)
    pdt.assert_frame_equal(pairs_a, pairs_b)


def test_future_data_does_change_features_of_a_later_quarter(frames, as_of):
    """The tampering is real: the same change shows up in a later snapshot."""
    q = qt.shift(as_of, -2)
    tampered = _tamper_future(frames, q)
    later = qt.shift(q, 1)
    a = person_features(build_snapshot(frames, later))
    b = person_features(build_snapshot(tampered, later))
    assert not a["n_enroll_4q"].equals(b.reindex(a.index)["n_enroll_4q"])


def test_history_is_strictly_before_the_quarter(frames, as_of):
    snap = build_snapshot(frames, as_of)
    assert (snap.history["quarter"] < as_of).all()
    assert (snap.history["date"] < snap.start).all()
    # what the registration states (study load, prior attempts), never an outcome
    assert set(snap.pending.columns) == {PERSON, "program_id", "offering_id", "date", "quarter",
                                         "study_load_jp", "prior_attempts"}


def test_gaps_use_the_latest_assessment_before_as_of(frames, as_of):
    snap = build_snapshot(frames, as_of)
    ass = frames["competency_assessments"]
    ass = ass[ass["assessed_on"] < snap.start].sort_values("assessed_on")
    last = ass.drop_duplicates([PERSON, "competency_code"], keep="last").iloc[0]
    i = snap.people.index.get_loc(last[PERSON])
    j = snap.comp_codes.index(last["competency_code"])
    assert snap.assessed[i, j] == last["assessed_level"]
    assert np.isnan(snap.assessed).mean() < 1.0


def test_history_of_some_people_is_their_rows_in_history_order(frames, as_of):
    snap = build_snapshot(frames, as_of)
    people = list(snap.people.index)
    for persons in ([people[5], people[1], people[5]], people[:40], ["nobody"], people):
        expected = snap.history[snap.history[PERSON].isin(persons)]
        pdt.assert_frame_equal(snap.history_of(persons), expected)
    assert len(snap.history_of(people[:40])) > 40
