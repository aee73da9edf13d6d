"""Vectorised NIP and NI-PPPK numbers for the synthetic population.

NIP (Perka BKN 22/2007): birth ``YYYYMMDD`` + TMT CPNS ``YYYYMM`` + sex digit (1 male,
2 female) + 3-digit serial, agreeing with ``model.identifiers.nip_problems``.
NI-PPPK (the shape printed on PPPK appointment decrees, an assumption documented in
docs/synthetic-data.md): birth ``YYYYMMDD`` + TMT year ``YYYY`` + ``21`` + sex digit + serial.
Digits 13-14 are ``21``, never a month, so an NI-PPPK is never mistaken for a NIP.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

PPPK_CODE = "21"


def employee_ids(birth: pd.Series, appointment: pd.Series, sex: pd.Series,
                 employment_type: pd.Series) -> pd.Series:
    """A unique NIP (PNS/CPNS) or NI-PPPK (PPPK) per person, serials counted per prefix."""
    b = pd.to_datetime(birth)
    a = pd.to_datetime(appointment)
    sex_digit = np.where(sex.to_numpy() == "M", "1", "2")
    pppk = employment_type.to_numpy() == "PPPK"
    middle = np.where(pppk, a.dt.strftime("%Y").to_numpy().astype(object) + PPPK_CODE,
                      a.dt.strftime("%Y%m").to_numpy().astype(object))
    prefix = pd.Series(b.dt.strftime("%Y%m%d").to_numpy().astype(object) + middle + sex_digit,
                       index=birth.index)
    serial = prefix.groupby(prefix).cumcount() + 1
    if int(serial.max()) > 999:
        raise ValueError("more than 999 people share a birth date, appointment month and sex")
    return prefix + serial.map("{:03d}".format)
