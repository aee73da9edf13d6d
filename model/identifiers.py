"""NIP (Nomor Induk Pegawai) parsing and checks, as pure functions.

A PNS/CPNS NIP has 18 digits (Perka BKN 22/2007)::

    YYYYMMDD  YYYYMM  S  NNN
    birth     TMT     sex serial
    0-7       8-13    14  15-17

The sex digit is 1 for male and 2 for female. PPPK numbers (NI-PPPK) have another shape and
are not checked here. A NIP is personal data: never log it, never use it as a feature.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

NIP_LENGTH = 18
# Sex digit of a NIP -> canonical sex code (see model.glossary.SEXES).
NIP_SEX_DIGIT: dict[str, str] = {"1": "M", "2": "F"}
# Earliest plausible year in a NIP (birth or appointment): guards against typos like 0198.
MIN_YEAR = 1900


@dataclass(frozen=True)
class Nip:
    """The parts of a well-formed NIP."""

    birth_date: dt.date
    appointment_year: int
    appointment_month: int
    sex: str
    serial: str

    @property
    def appointment_month_start(self) -> dt.date:
        """First day of the appointment (TMT CPNS) month."""
        return dt.date(self.appointment_year, self.appointment_month, 1)


def _as_date(value: dt.date | str | None) -> dt.date | None:
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10])


def nip_problems(
    nip: str,
    sex: str | None = None,
    birth_date: dt.date | str | None = None,
) -> list[str]:
    """Every reason ``nip`` is not a valid PNS/CPNS NIP; empty when it is valid.

    Args:
        nip: the NIP as text (spaces are ignored, as printed NIPs are often grouped).
        sex: the employee's recorded sex (``M``/``F``), checked against digit 15 when given.
        birth_date: the recorded birth date, checked against digits 1-8 when given.

    Returns:
        Human-readable problems that do not repeat the NIP itself (it is personal data).
    """
    text = str(nip).replace(" ", "")
    if len(text) != NIP_LENGTH or not text.isdigit():
        return [f"NIP must be {NIP_LENGTH} digits, got {len(text)} characters"
                + ("" if text.isdigit() else " including non-digits")]
    problems: list[str] = []
    birth: dt.date | None = None
    try:
        birth = dt.date(int(text[0:4]), int(text[4:6]), int(text[6:8]))
        if birth.year < MIN_YEAR:
            problems.append(f"birth year {birth.year} in the NIP is before {MIN_YEAR}")
    except ValueError:
        problems.append("digits 1-8 of the NIP are not a real birth date (YYYYMMDD)")
    year, month = int(text[8:12]), int(text[12:14])
    if not 1 <= month <= 12 or year < MIN_YEAR:
        problems.append("digits 9-14 of the NIP are not a real appointment month (YYYYMM)")
    elif birth is not None and (year, month) <= (birth.year, birth.month):
        problems.append("appointment month in the NIP (digits 9-14) is not after the birth date")
    sex_digit = text[14]
    if sex_digit not in NIP_SEX_DIGIT:
        problems.append(f"digit 15 of the NIP (sex) must be 1 or 2, got {sex_digit}")
    elif sex and sex in NIP_SEX_DIGIT.values() and NIP_SEX_DIGIT[sex_digit] != sex:
        problems.append(f"sex {sex} does not match digit 15 of the NIP ({sex_digit})")
    if birth is not None and birth_date is not None:
        recorded = _as_date(birth_date)
        if recorded is not None and recorded != birth:
            problems.append(f"birth_date {recorded.isoformat()} does not match digits 1-8 of the NIP")
    return problems


def parse_nip(nip: str) -> Nip:
    """Split a NIP into its parts; raise ValueError naming every problem."""
    problems = nip_problems(nip)
    if problems:
        raise ValueError("; ".join(problems))
    text = str(nip).replace(" ", "")
    return Nip(
        birth_date=dt.date(int(text[0:4]), int(text[4:6]), int(text[6:8])),
        appointment_year=int(text[8:12]),
        appointment_month=int(text[12:14]),
        sex=NIP_SEX_DIGIT[text[14]],
        serial=text[15:18],
    )


def make_nip(birth_date: dt.date, appointment: dt.date, sex: str, serial: int) -> str:
    """Compose a NIP from its parts (for the synthetic generator and tests).

    Raises:
        ValueError: when the parts cannot make a valid NIP (sex not M/F, serial outside
            0-999, appointment not after the birth month).
    """
    digit = {v: k for k, v in NIP_SEX_DIGIT.items()}.get(sex)
    if digit is None:
        raise ValueError(f"sex must be M or F, got {sex!r}")
    if not 0 <= serial <= 999:
        raise ValueError(f"serial must be 0-999, got {serial}")
    text = f"{birth_date:%Y%m%d}{appointment:%Y%m}{digit}{serial:03d}"
    problems = nip_problems(text)
    if problems:
        raise ValueError("; ".join(problems))
    return text
