"""The population hangs together: grades, ages, job kinds, employment mix and unit heads."""

from __future__ import annotations

import numpy as np
import pandas as pd

from model import glossary as g

PNS_SCALE = ("PNS", "CPNS")


def _rank(grade: pd.Series) -> pd.Series:
    return grade.map(g.grade_rank)


def test_senior_grades_need_age_and_entry_grades_need_a_degree(staff):
    pns = staff[staff["employment_type"].isin(PNS_SCALE)]
    rank = _rank(pns["grade"])
    assert (pns.loc[rank >= g.PNS_GRADES.index("IV/b"), "age"] >= 38).all()
    assert (pns.loc[rank >= g.PNS_GRADES.index("III/a"), "age"] >= 21).all()
    entry = {"SMA": "II/a", "D3": "II/c", "S1": "III/a", "S2": "III/b"}
    for edu, grade in entry.items():
        sub = pns[pns["education"] == edu]
        assert (_rank(sub["grade"]) >= g.PNS_GRADES.index(grade)).all(), edu
    # about one step per 4 years of tenure: never faster than that
    steps = rank - pns["education"].map({"SMP": 2, "SMA": 4, "D3": 6, "D4": 8, "S1": 8,
                                          "S2": 9, "S3": 10})
    structural_floor = pns["job_kind"].isin(["jpt_pratama", "administrator", "pengawas"])
    assert (steps[~structural_floor] <= pns.loc[~structural_floor, "tenure"] / 4 + 0.01).all()


def test_job_kind_agrees_with_grade_and_employment(staff):
    rank = _rank(staff["grade"])
    jpt = staff["job_kind"].str.startswith("jpt")
    assert (rank[jpt] >= g.PNS_GRADES.index("IV/a")).all()
    assert (staff.loc[jpt, "employment_type"] == "PNS").all()
    pelaksana = staff["job_kind"] == "pelaksana"
    pns = staff["employment_type"].isin(PNS_SCALE)
    assert (rank[pelaksana & pns] <= g.PNS_GRADES.index("III/d")).all()
    pppk = staff["employment_type"] == "PPPK"
    assert staff.loc[pppk, "grade"].isin(g.PPPK_GRADES).all()
    assert staff.loc[~pppk, "grade"].isin(g.PNS_GRADES).all()
    assert not staff.loc[pppk, "job_kind"].isin(["administrator", "pengawas", "jpt_pratama"]).any()


def test_ages_and_appointments_are_plausible(staff):
    active = staff[staff["active"] == "true"]
    senior = active["job_kind"].isin(["ahli_madya", "ahli_utama"])
    assert active["age"].between(19, 58.01).where(~senior, True).all()
    assert active.loc[senior, "age"].between(19, 60.01).all()
    birth = pd.to_datetime(staff["birth_date"])
    appointed = pd.to_datetime(staff["appointment_date"])
    assert (appointed >= birth + pd.DateOffset(years=18)).all()
    cpns = staff[staff["employment_type"] == "CPNS"]
    assert len(cpns) > 0 and (cpns["tenure"] <= 2.0).all()
    inactive = staff[staff["active"] == "false"]
    assert 0 < len(inactive) < 0.05 * len(staff)


def test_employment_mix_and_sex_ratio_are_near_binjai_and_national_figures(staff):
    share = staff["employment_type"].value_counts(normalize=True)
    assert 0.50 <= share["PNS"] <= 0.70
    assert 0.02 <= share["CPNS"] <= 0.09
    assert 0.25 <= share["PPPK"] <= 0.45
    pns = staff[staff["employment_type"] == "PNS"]
    assert 0.45 <= (pns["sex"] == "F").mean() <= 0.62


def test_education_and_health_are_the_largest_units(world):
    sizes = world.tables["employees"]["unit"].value_counts()
    assert set(sizes.index[:2]) == {"Dinas Pendidikan", "Dinas Kesehatan"}
    units = world.tables["units"]
    assert {"Kecamatan Binjai Kota", "Kecamatan Binjai Barat"} <= set(units["unit"])
    kel = units[units["unit_kind"] == "kelurahan"]
    assert len(kel) >= 10 and kel["parent_unit"].isin(units["unit"]).all()


def test_every_unit_has_a_head_of_the_right_level_in_it(world):
    units = world.tables["units"]
    emp = world.tables["employees"].set_index("employee_id")
    heads = emp.loc[units["head_employee_id"]]
    assert (heads["unit"].to_numpy() == units["unit"].to_numpy()).all()
    expected = units["unit_kind"].map({"kecamatan": "administrator", "kelurahan": "pengawas"})
    assert (heads["job_kind"].to_numpy() == expected.fillna("jpt_pratama").to_numpy()).all()


def test_digital_access_is_worse_for_older_staff_and_kelurahan_offices(staff):
    poor = staff["digital_access"] == "poor"
    assert poor[staff["age"] >= 50].mean() > poor[staff["age"] < 35].mean()
    assert poor[staff["unit_kind"] == "kelurahan"].mean() > poor[staff["unit_kind"] == "dinas"
                                                                  ].mean()
    assert set(staff["digital_access"]) == {"good", "limited", "poor"}


def test_names_are_unique_enough_and_carry_no_digits(staff):
    assert staff["name"].nunique() > 0.9 * len(staff)
    assert not staff["name"].str.contains(r"\d").any()
    assert np.mean(staff["name"].str.contains(",")) > 0.3  # academic titles
