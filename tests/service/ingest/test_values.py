"""Unambiguous value normalisation; anything else is left for validation to report."""

import pandas as pd

from model.tables import TABLES
from service.ingest.values import normalise_date, normalise_frame


def test_dates_in_common_formats_become_iso():
    assert [normalise_date(v) for v in ("2025-01-31", "31-01-2025", "31/01/2025", "45688",
                                        "2025-01-31 00:00:00")] == ["2025-01-31"] * 5
    assert normalise_date("31 Januari 2025") == "31 Januari 2025"


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
