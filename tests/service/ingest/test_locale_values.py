"""Numbers and dates written in the Indonesian or English locale: read back, or refused when
ambiguous; never guessed."""

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from service.ingest.locale_values import (
    MONTHS,
    WEEKDAY_NAMES,
    decimal_mark,
    parse_date,
    parse_number,
)

LOCALES = {"id": (".", ","), "en": (",", ".")}  # locale -> (thousands separator, decimal mark)


def _group(digits: str, separator: str) -> str:
    head = len(digits) % 3 or 3
    return separator.join([digits[:head]] + [digits[i:i + 3] for i in range(head, len(digits), 3)])


@st.composite
def written_numbers(draw):
    """(text, value, decimal mark, ambiguous?) for a number as one locale writes it."""
    whole = draw(st.one_of(st.integers(0, 999), st.integers(1000, 999_999), st.integers(0, 10**12)))
    fraction = draw(st.text("0123456789", max_size=4))
    negative = draw(st.booleans()) and (whole or fraction.strip("0"))
    locale = draw(st.sampled_from(sorted(LOCALES)))
    thousands, mark = LOCALES[locale]
    style = draw(st.sampled_from(["plain", "grouped", "spaced"]))
    currency = draw(st.sampled_from(["", "Rp ", "Rp", "Rp. ", "IDR "])) \
        if len(fraction) in (0, 2) else ""
    digits = str(whole)
    body = {"plain": digits, "grouped": _group(digits, thousands),
            "spaced": _group(digits, " ")}[style]
    if fraction:
        body += mark + fraction
    sign = "-" if negative else ""
    text = f"{sign}{currency}{body}" if draw(st.booleans()) else f"{currency}{sign}{body}"
    value = Decimal(f"{sign}{digits}.{fraction or '0'}")
    one_group = style == "grouped" and 1000 <= whole < 1_000_000 and not fraction
    three_decimals = len(fraction) == 3 and 0 < whole < 1000
    return text, value, mark, not currency and (one_group or three_decimals)


@given(written_numbers())
def test_numbers_in_both_locales_read_back_or_are_refused_as_ambiguous(case):
    text, value, mark, ambiguous = case
    reading = parse_number(text)
    if ambiguous:
        assert reading.value is None and reading.problem.startswith(f"ambiguous: {text} can be")
    else:
        assert not reading.problem and Decimal(reading.value) == value
        # a reading reads as itself again: validation can check normalised cells on their own
        assert parse_number(reading.value).value == reading.value


@given(written_numbers())
def test_the_columns_decimal_mark_settles_every_ambiguous_number(case):
    text, value, mark, _ = case
    assert Decimal(parse_number(text, decimal=mark).value) == value


@given(st.lists(written_numbers(), min_size=1, max_size=8), st.sampled_from(sorted(LOCALES)))
def test_a_column_never_proves_the_wrong_decimal_mark(cases, locale):
    thousands, mark = LOCALES[locale]
    same_locale = [text for text, _, m, _ in cases if m == mark]
    assert decimal_mark(same_locale) in (None, mark)


@pytest.mark.parametrize("text, value", [
    ("87,5", "87.5"), ("87.5", "87.5"), ("1.500.000", "1500000"), ("1,500,000", "1500000"),
    ("Rp 1.500.000", "1500000"), ("Rp1.500.000,00", "1500000"), ("IDR 1,500,000", "1500000"),
    ("Rp. 1.500.000,-", "1500000"), ("Rp 1.500", "1500"), ("1.500,25", "1500.25"),
    ("1,500.25", "1500.25"), ("1 500 000", "1500000"), ("-1.500.000", "-1500000"),
    ("Rp -2.000", "-2000"), ("0,500", "0.5"), ("1500,000", "1500"), (",5", "0.5"),
])
def test_written_forms(text, value):
    assert parse_number(text).value == value


def test_ambiguous_numbers_say_both_readings_and_how_to_write_each():
    assert parse_number("1.500").problem.startswith(
        "ambiguous: 1.500 can be 1.5 or 1500; write 1500 or 1,5")
    assert parse_number("1,500").problem.startswith(
        "ambiguous: 1,500 can be 1.5 or 1500; write 1500 or 1.5")
    # the suggested fraction must not be ambiguous itself
    assert "write 12125 or 12,1250" in parse_number("12.125").problem


@pytest.mark.parametrize("cells, mark", [
    (["87,5", "1.500"], ","), (["1.500.000", "1.500"], ","), (["87.5", "1,500"], "."),
    (["1,500,000"], "."), (["1.500", "2.000"], None), (["87,5", "87.5"], None),
    (["Rp 1.500.000", "IDR 1,500,000"], None),
])
def test_decimal_mark_of_a_column(cells, mark):
    assert decimal_mark(cells) == mark


@pytest.mark.parametrize("text", ["abc", "1..5", "1.50.000", "1.5.", "1,500.000,5", "1e3", ""])
def test_what_is_not_a_written_number_is_left_to_the_callers_rule(text):
    assert parse_number(text).value is None and not parse_number(text).problem


MONTH_NAMES = {n: [w for w, m in MONTHS.items() if m == n] for n in range(1, 13)}
WEEKDAY_WORDS = [[i, e, e[:3]] for i, e in WEEKDAY_NAMES]


@given(st.dates(dt.date(1900, 1, 1), dt.date(2100, 12, 31)), st.data())
def test_dates_with_month_names_in_both_languages_read_back(date, data):
    month = data.draw(st.sampled_from(MONTH_NAMES[date.month]))
    month = data.draw(st.sampled_from([month, month.title(), month.upper()]))
    day = data.draw(st.sampled_from([str(date.day), f"{date.day:02d}"]))
    pattern = data.draw(st.sampled_from(["{d} {m} {y}", "{d}-{m}-{y}", "{d}/{m}/{y}",
                                         "{m} {d}, {y}", "{m} {d} {y}"]))
    text = pattern.format(d=day, m=month, y=date.year)
    if data.draw(st.booleans()):
        text = f"{data.draw(st.sampled_from(WEEKDAY_WORDS[date.weekday()]))}, {text}"
    assert parse_date(text).value == date.isoformat()


@given(st.dates(dt.date(1900, 1, 1), dt.date(2100, 12, 31)), st.integers(1, 6))
def test_a_weekday_that_disagrees_with_the_date_is_refused(date, shift):
    wrong = WEEKDAY_NAMES[(date.weekday() + shift) % 7][0]
    reading = parse_date(f"{wrong}, {date.day} {MONTH_NAMES[date.month][0]} {date.year}")
    assert reading.value is None and f"not a {WEEKDAY_NAMES[(date.weekday() + shift) % 7][1]}" \
        in reading.problem


@pytest.mark.parametrize("text, iso", [
    ("12 Januari 2024", "2024-01-12"), ("12 Jan 2024", "2024-01-12"),
    ("12-Jan-2024", "2024-01-12"), ("Senin, 12 Februari 2024", "2024-02-12"),
    ("Januari 12, 2024", "2024-01-12"), ("5 Peb. 2024", "2024-02-05"),
    ("17 Agt 1945", "1945-08-17"), ("Jum'at, 1 Maret 2024", "2024-03-01"),
    ("1 Nop 2024", "2024-11-01"), ("25 Des 2024", "2024-12-25"),
])
def test_written_dates(text, iso):
    assert parse_date(text).value == iso


@pytest.mark.parametrize("text, problem", [
    ("12-Jan-24", "two-digit year"), ("31 Februari 2024", "not a real date"),
    ("Selasa, 12 Februari 2024", "is a Monday (Senin), not a Tuesday (Selasa)"),
])
def test_dates_refused_with_the_reason(text, problem):
    assert parse_date(text).value is None and problem in parse_date(text).problem
