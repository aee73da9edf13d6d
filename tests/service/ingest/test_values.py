"""Unambiguous value normalisation; anything else is left for validation to report."""

import pandas as pd

from model.tables import TABLES
from service.ingest.values import normalise_date, normalise_frame


def test_dates_in_common_formats_become_iso():
    assert [normalise_date(v) for v in ("2025-01-31", "31-01-2025", "31/01/2025", "45688",
                                        "2025-01-31 00:00:00")] == ["2025-01-31"] * 5
    assert [normalise_date(v) for v in ("31 Januari 2025", "Jumat, 31 Jan 2025",
                                        "January 31, 2025")] == ["2025-01-31"] * 3
    assert normalise_date("31 Juni 2025") == "31 Juni 2025"  # no such day: left for validation


def test_numbers_in_either_locale_become_canonical():
    frame = pd.DataFrame({"program_id": ["P1", "P2", "P3", "P4"],
                          "jp": ["20", "1.000", "2,5", "32"],
                          "cost_idr": ["Rp 1.500.000", "Rp1.500.000,00", "IDR 1,500,000", ""]})
    out = normalise_frame(frame, TABLES["programs"])
    assert out["cost_idr"].tolist() == ["1500000", "1500000", "1500000", ""]
    # "2,5" proves the comma is the decimal mark, so "1.000" is a thousand; 2.5 is not a whole
    # number of jp and is left as written for validation to report
    assert out["jp"].tolist() == ["20", "1000", "2,5", "32"]


def test_an_ambiguous_number_is_left_as_written():
    frame = pd.DataFrame({"skp_score": ["1.500", "88"]})
    assert normalise_frame(frame, TABLES["performance_reviews"])["skp_score"].tolist() == \
        ["1.500", "88"]
    settled = pd.DataFrame({"skp_score": ["87,125", "88,5"]})
    assert normalise_frame(settled, TABLES["performance_reviews"])["skp_score"].tolist() == \
        ["87.1250", "88.5"]


def test_employee_values_are_normalised():
    frame = pd.DataFrame({
        "sex": ["L", "Perempuan", "laki-laki", "X"],
        "grade": ["Penata Muda, III/a", "iv/e", "IX", "golongan tiga"],
        "job_kind": ["Ahli Pertama", "JPT Pratama", "PELAKSANA", "Fungsional"],
        "education": ["S-1", "D-III", "SLTA", "S2"],
        "active": ["Ya", "tidak", "1", "mungkin"],
    })
    out = normalise_frame(frame, TABLES["employees"])
    assert out["sex"].tolist() == ["M", "F", "M", "X"]
    assert out["grade"].tolist() == ["III/a", "IV/e", "IX", "golongan tiga"]
    assert out["job_kind"].tolist() == ["ahli_pertama", "jpt_pratama", "pelaksana", "Fungsional"]
    assert out["education"].tolist() == ["S1", "D3", "SMA", "S2"]
    assert out["active"].tolist() == ["true", "false", "true", "mungkin"]


def test_skp_ratings_and_list_cells_ignore_case():
    reviews = normalise_frame(pd.DataFrame({"skp_rating": ["sangat baik", "BUTUH PERBAIKAN"]}),
                              TABLES["performance_reviews"])
    assert reviews["skp_rating"].tolist() == ["Sangat Baik", "Butuh Perbaikan"]
    programs = normalise_frame(pd.DataFrame({"eligible_employment_types": ["pns; cpns", ""]}),
                               TABLES["programs"])
    assert programs["eligible_employment_types"].tolist() == ["PNS;CPNS", ""]
