"""Matching outside training to the catalogue: clear matches are made, doubtful ones are not."""

import pandas as pd

from model.training_match import MatchRule, match_programs, normalise_title

CATALOGUE = pd.DataFrame({
    "program_id": ["P1", "P2", "P3", "P4", "P5"],
    "title": ["Pelatihan Pengelolaan Keuangan Daerah", "Pelatihan Dasar CPNS Golongan II",
              "Pelatihan Dasar CPNS Golongan III", "E-Learning Sistem Administrasi Kependudukan",
              "Pelatihan Sistem Administrasi Kependudukan"],
    "jp": [30, 40, 40, 16, 32],
})


def _match(titles, jp, rule=None):
    return match_programs(pd.Series(titles), pd.Series(jp, dtype=float), CATALOGUE, rule)


def test_batch_year_case_and_synonyms_do_not_hide_the_program():
    assert normalise_title("DIKLAT PENGELOLAAN KEUANGAN DAERAH ANGKATAN II TAHUN 2024") == \
        "pelatihan pengelolaan keuangan daerah"
    out = _match(["DIKLAT PENGELOLAAN KEUANGAN DAERAH ANGKATAN II", "Bimtek Keuangan"], [30, 8])
    assert out["program_id"].tolist() == ["P1", None]


def test_a_grade_number_is_part_of_the_name_not_a_batch():
    out = _match(["PELATIHAN DASAR CPNS GOLONGAN III", "Pelatihan Dasar CPNS Golongan II"], [40, 40])
    assert out["program_id"].tolist() == ["P3", "P2"]


def test_lookalike_programs_need_the_exact_words_to_match():
    out = _match(["E-Learning Sistem Administrasi Kependudukan Tahun 2026",
                  "Sistem Administrasi Kependudukan"], [16, 16])
    assert out.loc[0, "program_id"] == "P4"
    # Two programs are equally near: HR decides, the matcher does not guess.
    assert out.loc[1, "program_id"] is None
    assert out.loc[1, "best_program_id"] in ("P4", "P5")


def test_hours_far_from_the_program_s_block_the_match():
    out = _match(["Pelatihan Pengelolaan Keuangan Daerah"] * 2, [4, float("nan")])
    assert out["program_id"].tolist() == [None, "P1"]
    assert out.loc[0, "score"] == 1.0


def test_outside_courses_stay_unmatched_and_stricter_rules_match_less():
    titles = ["Kursus Bahasa Inggris untuk Aparatur", "Pelatihan Pengelolaan Keuangan Kota"]
    loose = _match(titles, [24, 30], MatchRule(min_score=0.5, margin=0.0))
    strict = _match(titles, [24, 30])
    assert strict["program_id"].isna().all()
    assert loose["program_id"].notna().sum() >= strict["program_id"].notna().sum()
    assert loose.loc[1, "program_id"] == "P1"
