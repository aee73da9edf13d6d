"""Reasons are worded from the signals that raised each item, with the item's own values."""

import pandas as pd

from model.reasons import word_reasons

NAMES = pd.DataFrame({"name_id": ["Manajemen Kinerja"], "name_en": ["Performance management"]},
                     index=pd.Index(["MK09"], name="code"))


def _row(**kw):
    base = dict(mandatory=0.0, best_comp=0, best_from=2, best_to=3, jp_missing=12.0, jp=24.0,
                jp_this_year=8.0, pop_unit=0.25, pop_family=0.1, form="klasikal",
                sector_match=1.0, job_specific=0.0, sector="health")
    base.update(kw)
    return base


def test_strongest_signal_first_with_its_values():
    feats = pd.DataFrame([_row(), _row()])
    contrib = pd.DataFrame({"gap": [0.30, 0.01], "jp": [0.10, 0.20], "popular": [-0.1, 0.05]})
    rid, ren = word_reasons(feats, contrib, NAMES, ["MK09"])
    assert ren[0][0] == "Closes the gap in Performance management, level 2 -> 3 required"
    assert rid[0][0] == "Menutup kesenjangan Manajemen Kinerja, level 2 → 3 yang dibutuhkan"
    assert ren[0][1].startswith("Still 12 JP short of the 20 JP duty")
    assert len(ren[0]) == 2  # popularity lowered this item: not a reason
    assert ren[1][0].startswith("Still 12 JP short")
    assert ren[1][1] == "Completed by 25% of colleagues in your unit in the past year"


def test_mandatory_first_and_at_most_three():
    feats = pd.DataFrame([_row(mandatory=1.0)])
    contrib = pd.DataFrame({"gap": [0.3], "jp": [0.2], "popular": [0.1], "fit": [0.05]})
    rid, ren = word_reasons(feats, contrib, NAMES, ["MK09"])
    assert ren[0][0] == "Mandatory for you"
    assert len(ren[0]) == 3 and len(rid[0]) == 3


def test_falls_back_to_what_the_program_offers():
    feats = pd.DataFrame([_row(best_comp=-1, jp_missing=0.0, pop_unit=0.0, pop_family=0.0,
                               sector_match=0.5)])
    contrib = pd.DataFrame({"gap": [-0.1], "jp": [-0.2]})
    _, ren = word_reasons(feats, contrib, NAMES, ["MK09"])
    assert ren[0] == ["An eligible classroom program of 24 JP"]
