"""Indonesian and English number, money and date formats."""

import datetime as dt

from service.web import formatting as f


def test_rupiah_in_indonesian_and_english():
    assert f.money(1_250_000, "id") == "Rp 1.250.000"
    assert f.money(1_250_000, "en") == "IDR 1,250,000"
    assert f.money(None, "id") == "–"


def test_decimals_use_the_comma_in_indonesian():
    assert f.number(1234.5, "id", 1) == "1.234,5"
    assert f.number(1234.5, "en", 1) == "1,234.5"
    assert f.percent(0.853, "id", 1) == "85,3%"
    assert f.percent(float("nan"), "id") == "–"


def test_dates_use_indonesian_month_names():
    assert f.date(dt.date(2026, 11, 23), "id") == "23 Nov 2026"
    assert f.date(dt.date(2026, 8, 17), "id") == "17 Agu 2026"
    assert f.date(dt.date(2026, 8, 17), "en") == "17 Aug 2026"
    assert f.date("2026-10-01", "id") == "1 Okt 2026"
    assert f.date(dt.datetime(2026, 12, 5, 14, 5), "id") == "5 Des 2026"
    assert f.datetime(dt.datetime(2026, 12, 5, 14, 5), "en") == "5 Dec 2026 14:05"
