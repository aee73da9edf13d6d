"""NIP parsing: the checks HR staff rely on to catch typos in employee numbers."""

import datetime as dt

import pytest

from model.identifiers import make_nip, nip_problems, parse_nip

GOOD = "198503122010012001"  # born 1985-03-12, TMT CPNS 2010-01, female, serial 001


def test_a_valid_nip_is_split_into_its_parts():
    nip = parse_nip(GOOD)
    assert nip.birth_date == dt.date(1985, 3, 12)
    assert (nip.appointment_year, nip.appointment_month) == (2010, 1)
    assert nip.sex == "F"
    assert nip.serial == "001"
    assert nip_problems(GOOD, sex="F", birth_date="1985-03-12") == []


def test_printed_nips_with_spaces_are_accepted():
    assert parse_nip("19850312 201001 2 001").birth_date == dt.date(1985, 3, 12)


@pytest.mark.parametrize(
    "nip, fragment",
    [
        ("19850312201001200", "18 digits"),
        ("1985031220100120011", "18 digits"),
        ("19850312201001200A", "non-digits"),
        ("198502302010012001", "birth date"),        # 30 February
        ("198503122010132001", "appointment month"),  # month 13
        ("198503121984012001", "not after the birth date"),
        ("198503122010013001", "digit 15"),
    ],
)
def test_each_malformed_part_is_named(nip, fragment):
    problems = nip_problems(nip)
    assert any(fragment in p for p in problems), problems
    with pytest.raises(ValueError, match=fragment):
        parse_nip(nip)


def test_sex_and_birth_date_must_agree_with_the_nip():
    problems = nip_problems(GOOD, sex="M", birth_date=dt.date(1985, 3, 13))
    assert any("sex M does not match" in p for p in problems)
    assert any("birth_date 1985-03-13 does not match" in p for p in problems)


def test_problems_never_repeat_the_nip_itself():
    for nip in ("198502302010012001", "198503122010013001", "12345"):
        assert all(nip not in p for p in nip_problems(nip, sex="M", birth_date="1990-01-01"))


def test_make_nip_round_trips_through_parse_nip():
    text = make_nip(dt.date(1990, 7, 1), dt.date(2015, 3, 1), "M", 42)
    assert text == "199007012015031042"
    nip = parse_nip(text)
    assert (nip.birth_date, nip.appointment_month_start, nip.sex) == (
        dt.date(1990, 7, 1), dt.date(2015, 3, 1), "M")


def test_make_nip_refuses_impossible_parts():
    with pytest.raises(ValueError, match="sex"):
        make_nip(dt.date(1990, 7, 1), dt.date(2015, 3, 1), "X", 1)
    with pytest.raises(ValueError, match="not after"):
        make_nip(dt.date(1990, 7, 1), dt.date(1990, 7, 1), "F", 1)
