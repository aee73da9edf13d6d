"""Eligibility: no ineligible program is ever a candidate, checked rule by rule independently."""

import dataclasses

import pandas as pd

from model import glossary as g
from model.candidates import candidate_pairs, eligibility_matrix
from model.snapshot import PERSON, build_snapshot


def _eligible(person: pd.Series, program: pd.Series, completed: set) -> bool:
    if not person["active"]:
        return False
    if program["eligible_job_kinds"] and person["job_kind"] not in program["eligible_job_kinds"]:
        return False
    if (program["eligible_employment_types"]
            and person["employment_type"] not in program["eligible_employment_types"]):
        return False
    units, sectors = program["eligible_units"], program["eligible_sectors"]
    if (units or sectors) and person["unit"] not in units and person["sector"] not in sectors:
        return False
    if not pd.isna(program["max_age"]) and not person["age"] <= program["max_age"]:
        return False
    for bound, ok in (("min_grade", lambda a, b: a >= b), ("max_grade", lambda a, b: a <= b)):
        b = program[bound]
        if isinstance(b, str):
            grade = person["grade"]
            if not isinstance(grade, str) or (grade in g.PNS_GRADES) != (b in g.PNS_GRADES):
                return False
            if not ok(g.grade_rank(grade), g.grade_rank(b)):
                return False
    return program.name not in completed


def test_every_candidate_is_eligible_and_every_eligible_pair_is_a_candidate(frames, as_of):
    snap = build_snapshot(frames, as_of)
    people = snap.people.sample(120, random_state=0)
    done = snap.history[snap.history["status"] == "completed"]
    completed = done.groupby(PERSON)["program_id"].agg(set)
    pairs = candidate_pairs(snap, list(people.index))
    got = set(zip(pairs[PERSON], pairs["program_id"]))
    expected = {
        (pk, pid)
        for pk, person in people.iterrows()
        for pid, program in snap.programs.iterrows()
        if _eligible(person, program, completed.get(pk, set()))
    }
    assert got == expected
    assert len(got) > 0


def test_latsar_only_for_cpns(frames, as_of):
    snap = build_snapshot(frames, as_of)
    latsar = snap.programs.index[snap.programs["category"] == "latsar"]
    assert len(latsar) > 0
    elig = eligibility_matrix(snap, list(latsar))
    takers = snap.people.loc[elig.any(axis=1), "employment_type"]
    assert set(takers) <= {"CPNS"}


def test_completed_programs_are_not_offered_again(frames, as_of):
    snap = build_snapshot(frames, as_of)
    done = snap.history[snap.history["status"] == "completed"][[PERSON, "program_id"]]
    done = done[done[PERSON].isin(snap.people.index)].drop_duplicates().head(300)
    pairs = candidate_pairs(snap, list(done[PERSON].unique()))
    both = pairs.merge(done, on=[PERSON, "program_id"])
    assert both.empty


def test_inactive_people_get_nothing(frames, as_of):
    snap = build_snapshot(frames, as_of)
    inactive = snap.people.index[~snap.people["active"].astype(bool)]
    assert len(inactive) > 0
    assert candidate_pairs(snap, list(inactive)).empty


def test_no_people_means_no_candidates_for_every_program(frames, as_of):
    # An empty filter used to fail in the grade-range rule (an empty array is float, not bool).
    snap = build_snapshot(frames, as_of)
    ranged = snap.programs.index[snap.programs["min_grade"].map(lambda b: isinstance(b, str))]
    assert len(ranged) > 0
    assert candidate_pairs(snap, []).empty
    assert candidate_pairs(snap, ["not-a-person"], list(ranged)).empty
    assert eligibility_matrix(snap, list(ranged), []).shape == (0, len(ranged))


def test_people_of_a_unit_without_a_sector_are_checked_not_crashed_on(frames, as_of):
    # A unit first seen in a SIASN export has no sector yet (pd.NA), which numpy cannot compare.
    snap = build_snapshot(frames, as_of)
    people = snap.people.copy()
    people["sector"] = people["sector"].astype("string")
    people.iloc[:20, people.columns.get_loc("sector")] = pd.NA
    snap = dataclasses.replace(snap, people=people)
    scoped = snap.programs.index[snap.programs["eligible_sectors"].map(bool)]
    assert len(scoped) > 0
    elig = eligibility_matrix(snap, list(scoped))
    for j, pid in enumerate(scoped):
        units = snap.programs.at[pid, "eligible_units"]
        for i in range(20):  # no sector: only the unit list can admit them
            if elig[i, j]:
                assert people.iloc[i]["unit"] in units
