"""The catalogue: about 150 programs in every delivery, regulation-shaped eligibility, seats."""

from __future__ import annotations

import pandas as pd

from model import glossary as g
from model.quarters import quarters_of
from model.tables import parse_list, parse_targets


def test_catalogue_covers_every_delivery_and_category(world):
    programs = world.tables["programs"]
    assert 130 <= len(programs) <= 170
    assert set(programs["delivery"]) == set(g.DELIVERIES)
    assert set(programs["category"]) == set(g.PROGRAM_CATEGORIES)
    assert (programs["form"] == programs["delivery"].map(g.DELIVERIES)).all()
    codes = set(world.tables["competencies"]["code"])
    for cell in programs["competencies"]:
        assert set(parse_targets(cell)) <= codes


def test_competency_dictionary_has_the_regulation_competencies(world):
    comps = world.tables["competencies"]
    managerial = comps[comps["type"] == "manajerial"]["name_id"]
    assert {"Integritas", "Kerjasama", "Komunikasi", "Orientasi pada Hasil", "Pelayanan Publik",
            "Pengembangan Diri dan Orang Lain", "Mengelola Perubahan",
            "Pengambilan Keputusan"} == set(managerial)
    assert "Perekat Bangsa" in set(comps.loc[comps["type"] == "sosial_kultural", "name_id"])
    technical = comps[comps["type"] == "teknis"]
    assert technical["sector"].nunique() >= 10
    assert comps["name_en"].str.len().gt(0).all()


def test_leadership_and_latsar_eligibility_follow_the_regulations(world):
    programs = world.tables["programs"].set_index("title")
    latsar = programs[programs["category"] == "latsar"]
    assert (latsar["eligible_employment_types"] == "CPNS").all()
    assert (latsar["mandatory"] == "true").all()
    pkp = programs.loc["Pelatihan Kepemimpinan Pengawas (PKP)"]
    assert parse_list(pkp["eligible_job_kinds"]) == ["pengawas"]
    pka = programs.loc["Pelatihan Kepemimpinan Administrator (PKA)"]
    assert parse_list(pka["eligible_job_kinds"]) == ["administrator"]
    pkn = programs.loc["Pelatihan Kepemimpinan Nasional Tingkat II (PKN II)"]
    assert set(parse_list(pkn["eligible_job_kinds"])) == {"jpt_pratama", "administrator"}
    assert pkn["min_grade"] == "IV/a" and int(pkn["max_age"]) == 55


def test_costs_are_zero_for_many_e_learnings_and_millions_for_classrooms(world):
    programs = world.tables["programs"]
    elearning = programs[programs["delivery"] == "e_learning"]
    assert (elearning["cost_idr"] == 0).mean() > 0.4
    classroom = programs[programs["delivery"] == "pelatihan"]
    assert classroom["cost_idr"].median() >= 1_000_000


def test_cold_start_programs_are_first_offered_in_the_last_year(world):
    offerings = world.tables["offerings"]
    first = quarters_of(offerings["start_date"]).groupby(offerings["program_id"]).min()
    titles = world.tables["programs"].set_index("program_id")["title"]
    new = titles[titles.str.contains("Kecerdasan Artifisial|Identitas Kependudukan Digital")]
    assert len(new) == 2
    assert (first.reindex(new.index) >= "2025Q4").all()
    assert (first.drop(new.index) < "2025Q4").mean() > 0.9


def test_offerings_have_seats_and_sane_dates(world):
    offerings = world.tables["offerings"]
    assert (offerings["seats"] > 0).all()
    assert (pd.to_datetime(offerings["end_date"]) >= pd.to_datetime(offerings["start_date"])).all()
    assert offerings["program_id"].isin(world.tables["programs"]["program_id"]).all()
    assert offerings["offering_id"].is_unique
