"""Numbers and dates as Indonesian and English spreadsheets write them, read without guessing.

Numbers: decimal comma (``87,5``) or point (``87.5``); thousands dots, commas or spaces
(``1.500.000``, ``1,500,000``, ``1 500 000``); ``Rp``/``Rp.``/``IDR`` before the amount, with or
without a space, and ``,-`` after it (``Rp 1.500.000,-``); a leading ``-`` (also after the
currency). A separator is a thousands separator only when it is followed by exactly three
digits and what comes before it can be a first group (one to three digits, not starting with
``0``); otherwise it is the decimal mark. Hence the one ambiguous shape: a single ``.`` or
``,`` between a one-to-three-digit first group and three digits (``1.500``, ``12,345``). It is
settled by a currency (rupiah are never written with three decimals, so ``Rp 1.500`` is 1500)
or by the decimal mark the other cells of the column prove (:func:`decimal_mark`); else it is
refused with the reason.

Dates: ``12 Januari 2024``, ``12-Jan-2024``, ``12/jan/2024``, ``Januari 12, 2024``, with an
optional weekday (``Senin, 12 Februari 2024``) that must agree with the date; Indonesian and
English month names and their usual abbreviations. Two-digit years are refused.

Results are canonical text (``1500000``, ``87.5``, ``2024-01-12``) and never look ambiguous
themselves, so reading a result again gives the same result.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass

MONTHS: dict[str, int] = {}
for _number, _names in enumerate((
    "januari jan january",
    "februari pebruari feb peb february",
    "maret mar march",
    "april apr",
    "mei may",
    "juni jun june",
    "juli jul july",
    "agustus agu ags agt agust august aug",
    "september sep sept",
    "oktober okt october oct",
    "november nopember nov nop",
    "desember des december dec",
), start=1):
    MONTHS.update(dict.fromkeys(_names.split(), _number))

WEEKDAY_NAMES = (("Senin", "Monday"), ("Selasa", "Tuesday"), ("Rabu", "Wednesday"),
                 ("Kamis", "Thursday"), ("Jumat", "Friday"), ("Sabtu", "Saturday"),
                 ("Minggu", "Sunday"))
WEEKDAYS: dict[str, int] = {}
for _number, _names in enumerate((
    "senin sen monday mon",
    "selasa sel tuesday tue tues",
    "rabu rab wednesday wed",
    "kamis kam thursday thu thur thurs",
    "jumat jum'at jum friday fri",
    "sabtu sab saturday sat",
    "minggu min ahad sunday sun",
)):
    WEEKDAYS.update(dict.fromkeys(_names.split(), _number))

_CURRENCY = re.compile(r"^(?:rp\.?|idr)\s*", re.IGNORECASE)
_SPACES = re.compile(r"[\s\u00a0\u202f]+")
_BODY = re.compile(r"^(?:\d|[.,](?=\d))+$")  # every separator followed by a digit
_GROUPED = re.compile(r"^[1-9]\d{0,2}(?:X\d{3})+$")
_PLAIN_INT = re.compile(r"^-?\d+$")
_WEEKDAY_PREFIX = re.compile(r"^([a-z']+)\.?(?:\s*,\s*|\s+)")
_DAY_MONTH_YEAR = re.compile(r"^(\d{1,2})(?:\s*[-/.]\s*|\s+)([a-z]+)\.?(?:\s*[-/.,]\s*|\s+)(\d+)$")
_MONTH_DAY_YEAR = re.compile(r"^([a-z]+)\.?\s+(\d{1,2})(?:st|nd|rd|th)?(?:\s*,\s*|\s+)(\d+)$")


@dataclass(frozen=True)
class Reading:
    """A cell read as canonical text (``value``), or why it cannot be (``problem``).

    ``problem`` is empty when the cell was read, and also when it is simply not in a form this
    module knows (then ``value`` is None and the caller's own rule applies).
    """

    value: str | None
    problem: str = ""


NOT_READ = Reading(None)


def _grouped(digits: str, separator: str) -> str | None:
    """The digits without ``separator`` when they are validly grouped in threes, else None."""
    if _GROUPED.match(digits.replace(separator, "X")):
        return digits.replace(separator, "")
    return None


def _canonical(sign: str, whole: str, fraction: str) -> str:
    whole = whole.lstrip("0") or "0"
    fraction = fraction.rstrip("0")
    if len(fraction) == 3 and len(whole) <= 3 and whole != "0":
        fraction += "0"  # "1.125" would read as ambiguous again; "1.1250" does not
    text = whole + ("." + fraction if fraction else "")
    return ("-" + text) if sign and text.strip("0.") else text


def _alternative(whole: str, fraction: str, mark: str) -> str:
    """``whole`` + ``fraction`` written with ``mark`` as the decimal mark, unambiguously."""
    fraction = fraction.rstrip("0")
    if len(fraction) == 3:
        fraction += "0"
    return whole + (mark + fraction if fraction else "")


def _take_sign(s: str) -> tuple[str, str]:
    if s[:1] in ("+", "-"):
        return ("-" if s[0] == "-" else ""), s[1:].lstrip()
    return "", s


def _split(text: str) -> tuple[str, bool, str] | None:
    """(sign, currency given, body) of a number, or None when it is not one."""
    s = _SPACES.sub(" ", text.strip().replace("\u2212", "-"))
    sign, s = _take_sign(s)
    currency = bool(m := _CURRENCY.match(s))
    if m:
        s = s[m.end():]
        if not sign:
            sign, s = _take_sign(s)
    if s.endswith((",-", ".-")):
        currency, s = True, s[:-2].rstrip()
    if not s or not (s[0].isdigit() or s[0] in ".,"):
        return None
    return sign, currency, s


def parse_number(text: str, decimal: str | None = None) -> Reading:
    """A number in either locale as canonical text (``.`` decimal, no separators).

    Args:
        text: the cell as written.
        decimal: ``","`` or ``"."`` when the column's other cells prove which is the decimal
            mark (see :func:`decimal_mark`); settles ``1.500``-shaped cells.
    """
    parts = _split(text)
    if parts is None:
        return NOT_READ
    sign, currency, body = parts
    if " " in body:  # a space is only ever a thousands separator
        mark = "." if "." in body else "," if "," in body else ""
        head, _, tail = body.partition(mark) if mark else (body, "", "")
        whole = _grouped(head, " ")
        if whole is None or (mark and not tail.isdigit()):
            return NOT_READ
        return Reading(_canonical(sign, whole, tail))
    if not _BODY.match(body):
        return NOT_READ
    dots, commas = body.count("."), body.count(",")
    if dots and commas:
        mark = "." if body.rfind(".") > body.rfind(",") else ","
        thousands = "," if mark == "." else "."
        head, _, tail = body.rpartition(mark)
        whole = _grouped(head, thousands)
        if whole is None or mark in head or not tail.isdigit():
            return NOT_READ
        return Reading(_canonical(sign, whole, tail))
    if not dots and not commas:
        return Reading(_canonical(sign, body, ""))
    separator = "." if dots else ","
    if body.count(separator) > 1:
        whole = _grouped(body, separator)
        return NOT_READ if whole is None else Reading(_canonical(sign, whole, ""))
    head, _, tail = body.partition(separator)
    if not tail:
        return NOT_READ
    if len(tail) != 3 or not head or head.startswith("0") or len(head) > 3:
        return Reading(_canonical(sign, head, tail))
    if currency or (decimal is not None and decimal != separator):
        return Reading(_canonical(sign, head + tail, ""))
    if decimal == separator:
        return Reading(_canonical(sign, head, tail))
    other = "," if separator == "." else "."
    fraction = tail.rstrip("0")
    as_fraction = f"{sign}{int(head)}" + (f".{fraction}" if fraction else "")
    as_whole = f"{sign}{int(head + tail)}"
    return Reading(None, (
        f"ambiguous: {text.strip()} can be {as_fraction} or {as_whole}; write {as_whole} or "
        f"{sign}{_alternative(head, tail, other)} (nothing else in the column shows which of "
        ". and , is the decimal mark)"))


def _proven_mark(body: str) -> str | None:
    """The decimal mark one cell proves by its shape alone (None when it proves nothing)."""
    dots, commas = body.count("."), body.count(",")
    if dots and commas:
        return "." if body.rfind(".") > body.rfind(",") else ","
    if dots + commas == 0:
        return None
    separator = "." if dots else ","
    other = "," if separator == "." else "."
    if dots + commas > 1:
        return other if _grouped(body, separator) else None
    head, _, tail = body.partition(separator)
    if len(tail) != 3 or not head or head.startswith("0") or len(head) > 3:
        return separator if tail else None
    return None


def decimal_mark(cells: Iterable[str]) -> str | None:
    """The decimal mark (``","`` or ``"."``) a column's cells prove, or None.

    A cell proves a mark by a shape only one reading allows: ``87,5`` or ``1.500,25`` or
    ``1.500.000`` prove ``,``; ``87.5`` or ``1,500.25`` or ``1,500,000`` prove ``.``. A column
    proving both proves nothing.
    """
    found: set[str] = set()
    for cell in cells:
        parts = _split(cell)
        if parts is None:
            continue
        body = parts[2]
        mark = ("." if "." in body else "," if "," in body else None) if " " in body \
            else _proven_mark(body)
        if mark:
            found.add(mark)
            if len(found) > 1:
                return None
    return found.pop() if found else None


def _weekday_text(number: int) -> str:
    indonesian, english = WEEKDAY_NAMES[number]
    return f"{english} ({indonesian})"


def parse_date(text: str) -> Reading:
    """A date written with a month name (optionally after a weekday) as ISO text."""
    s = _SPACES.sub(" ", text.strip().lower().replace("\u2019", "'"))
    weekday = None
    if (m := _WEEKDAY_PREFIX.match(s)) and m.group(1) in WEEKDAYS:
        weekday, s = WEEKDAYS[m.group(1)], s[m.end():]
    if m := _DAY_MONTH_YEAR.match(s):
        day, month, year = m.groups()
    elif m := _MONTH_DAY_YEAR.match(s):
        month, day, year = m.groups()
    else:
        return NOT_READ
    if month not in MONTHS:
        return NOT_READ
    if len(year) == 2:
        return Reading(None, f"two-digit year in {text.strip()}: write the year in full "
                             f"(19{year} or 20{year})")
    if len(year) != 4:
        return NOT_READ
    try:
        date = dt.date(int(year), MONTHS[month], int(day))
    except ValueError:
        return Reading(None, f"{text.strip()} is not a real date")
    if weekday is not None and date.weekday() != weekday:
        return Reading(None, f"{text.strip()}: {date.isoformat()} is a "
                             f"{_weekday_text(date.weekday())}, not a {_weekday_text(weekday)}")
    return Reading(date.isoformat())


def is_plain_int(text: str) -> bool:
    """Whether a cell is already a canonical whole number (the common case, kept as it is)."""
    return bool(_PLAIN_INT.match(text))
