"""NIPs agree with birth date and sex and are unique; NI-PPPK numbers have their own shape."""

from __future__ import annotations

import pandas as pd

from model.identifiers import nip_problems


def test_every_pns_nip_is_valid_and_agrees_with_the_record(staff):
    pns = staff[staff["employment_type"] != "PPPK"]
    problems = [p for row in pns.itertuples()
                for p in nip_problems(row.employee_id, sex=row.sex, birth_date=row.birth_date)]
    assert problems == []
    appointed = pd.to_datetime(pns["appointment_date"]).dt.strftime("%Y%m")
    assert (pns["employee_id"].str[8:14] == appointed).all()


def test_ni_pppk_numbers_have_a_distinct_shape(staff):
    pppk = staff[staff["employment_type"] == "PPPK"]
    ids = pppk["employee_id"]
    assert ids.str.fullmatch(r"\d{18}").all()
    assert (ids.str[12:14] == "21").all()  # never a month, so never a valid NIP
    assert (ids.str[:8] == pppk["birth_date"].str.replace("-", "")).all()
    assert (ids.str[8:12] == pppk["appointment_date"].str[:4]).all()
    assert (ids.str[14] == pppk["sex"].map({"M": "1", "F": "2"})).all()
    assert all(nip_problems(i) for i in ids.head(20))


def test_employee_ids_are_unique(world):
    assert world.tables["employees"]["employee_id"].is_unique
