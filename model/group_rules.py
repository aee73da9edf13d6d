"""Rules over people's attributes: the values a rule sees and its wording in English and
Bahasa Indonesia (``job kind = pelaksana AND age band = 50+``)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import numpy as np
import pandas as pd

MISSING = "(missing)"
# attribute -> (English label, Indonesian label), used in rule text.
ATTRIBUTE_LABELS: dict[str, tuple[str, str]] = {
    "unit": ("unit", "unit kerja"),
    "unit_kind": ("unit kind", "jenis unit"),
    "job_family": ("job family", "rumpun jabatan"),
    "job_kind": ("job kind", "jenis jabatan"),
    "grade_band": ("grade band", "kelompok golongan"),
    "age_band": ("age band", "kelompok usia"),
    "sex": ("sex", "jenis kelamin"),
    "employment_type": ("employment type", "status kepegawaian"),
    "recent_form": ("recent training form", "bentuk pelatihan terakhir"),
    "months_since_last_training": ("months since last training", "bulan sejak pelatihan terakhir"),
    "head_participates": ("unit head trains", "kepala unit ikut pelatihan"),
    "digital_access": ("digital access", "akses digital"),
}
_WORDS = {
    "en": {"and": "AND", "in": "in", "not_in": "not in", "ne": "≠", True: "yes", False: "no",
           "all": "everyone"},
    "id": {"and": "DAN", "in": "salah satu dari", "not_in": "bukan salah satu dari", "ne": "≠",
           True: "ya", False: "tidak", "all": "semua pegawai"},
}
Conditions = dict[str, frozenset]


def attribute_values(people: pd.DataFrame, attribute: str) -> pd.Series:
    """The attribute as rules see it: missing values become ``"(missing)"``."""
    col = people[attribute]
    if isinstance(col.dtype, pd.CategoricalDtype):
        if col.isna().any():
            col = col.cat.add_categories([MISSING]).fillna(MISSING)
        return col
    return col.astype(object).where(col.notna(), MISSING)


def rule_text(conditions: Mapping[str, Iterable], values: Mapping[str, pd.Series] | None = None,
              language: str = "en") -> str:
    """Readable rule, e.g. ``job kind = pelaksana AND age band = 50+``.

    Args:
        conditions: attribute -> allowed values.
        values: attribute -> the observed values, to say "not in" when that is shorter.
        language: ``"en"`` or ``"id"``.
    """
    if language not in _WORDS:
        raise ValueError(f"language must be 'en' or 'id', got {language!r}")
    words = _WORDS[language]

    def show(vs: list) -> str:
        return ", ".join(str(words[v]) if isinstance(v, (bool, np.bool_)) else str(v) for v in vs)

    parts = []
    for attr, allowed in conditions.items():
        label = ATTRIBUTE_LABELS.get(attr, (attr, attr))[language == "id"]
        allowed = sorted(allowed, key=str)
        if values is not None and attr in values:
            everything = observed_values(values[attr])
            allowed = [v for v in everything if v in set(allowed)]
        else:
            everything = allowed
        excluded = [v for v in everything if v not in allowed]
        if len(allowed) == 1:
            parts.append(f"{label} = {show(allowed)}")
        elif len(excluded) == 1:
            parts.append(f"{label} {words['ne']} {show(excluded)}")
        elif 0 < len(excluded) < len(allowed):
            parts.append(f"{label} {words['not_in']} {{{show(excluded)}}}")
        else:
            parts.append(f"{label} {words['in']} {{{show(allowed)}}}")
    return f" {words['and']} ".join(parts) if parts else words["all"]


def observed_values(col: pd.Series) -> list:
    """The values present, in category order (ordered attributes) or sorted as text."""
    if isinstance(col.dtype, pd.CategoricalDtype):
        present = set(col.unique())
        return [c for c in col.cat.categories if c in present]
    return sorted(col.unique(), key=str)
