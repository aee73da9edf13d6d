"""Matching training taken outside the catalogue to catalogue programs, by name and hours.

A SIASN history row says "DIKLAT PENGELOLAAN KEUANGAN DAERAH ANGKATAN II, 30 JP"; the catalogue
has "Pelatihan Pengelolaan Keuangan Daerah", 30 JP. Titles are normalised (case, punctuation,
batch and year words, the usual synonyms such as diklat/pelatihan and bimtek/bimbingan teknis),
compared as character n-gram TF-IDF vectors (cosine), and a record is matched only when the
match is clear: the best program scores at least ``min_score``, beats the runner-up by
``margin``, and its JP is within a factor of two of the record's when both are known. Anything
less is left unmatched for HR to review: a wrong match would hide a real need.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import pandas as pd
from sklearn.feature_extraction.text import TfidfVectorizer

# Words that name a batch or a year rather than the training, with the number after them
# ("Angkatan II", "Tahun 2024", "Gelombang 3"); other numbers stay ("Golongan II" is a program).
BATCH_WORDS = ("angkatan", "akt", "gelombang", "tahap", "batch", "kelas", "tahun", "ta",
               "periode")
_BATCH = re.compile(r"\b(?:" + "|".join(BATCH_WORDS) + r")\s+(?:ke\s+)?(?:\d+|[ivx]+)\b")
_YEAR = re.compile(r"\b(?:19|20)\d\d\b")
# Spellings of the same kind of training (after lower-casing and removing punctuation).
SYNONYMS = {
    "diklat": "pelatihan", "pendidikan dan pelatihan": "pelatihan", "latihan": "pelatihan",
    "bimtek": "bimbingan teknis", "e learning": "elearning", "online": "daring",
    "webinar": "seminar", "lokakarya": "workshop",
}
_NOT_WORD = re.compile(r"[^0-9a-z]+")


@dataclass(frozen=True)
class MatchRule:
    """When a match is clear enough to be made without HR."""

    min_score: float = 0.85
    margin: float = 0.08
    max_jp_ratio: float = 2.0


def normalise_title(title: object) -> str:
    """A title reduced to the words that name the training (``DIKLAT X ANGKATAN II`` -> ``pelatihan x``)."""
    text = " " + _NOT_WORD.sub(" ", str(title).lower()).strip() + " "
    for word, canonical in SYNONYMS.items():
        text = text.replace(f" {word} ", f" {canonical} ")
    text = _YEAR.sub(" ", _BATCH.sub(" ", text))
    return " ".join(text.split())


def match_programs(titles: pd.Series, jp: pd.Series, programs: pd.DataFrame,
                   rule: MatchRule | None = None) -> pd.DataFrame:
    """The clear catalogue match of each record, if any.

    Args:
        titles: the records' titles.
        jp: the records' hours (NaN when unknown), aligned with ``titles``.
        programs: the catalogue, with ``program_id``, ``title`` and ``jp``.
        rule: thresholds (default ``MatchRule()``).

    Returns:
        A frame aligned with ``titles``: ``program_id`` (None when not clear), ``score`` (the
        best program's similarity, 0-1) and ``best_program_id`` (the nearest program, matched
        or not, for HR's review).
    """
    rule = rule or MatchRule()
    out = pd.DataFrame({"program_id": None, "score": 0.0, "best_program_id": None},
                       index=titles.index)
    catalogue = programs.dropna(subset=["title"]).drop_duplicates("program_id")
    if titles.empty or catalogue.empty:
        return out
    names = catalogue["title"].map(normalise_title).to_numpy()
    queries = titles.map(normalise_title).to_numpy()
    vectoriser = TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5), sublinear_tf=True)
    vectoriser.fit(np.concatenate([names, queries]))
    sims = (vectoriser.transform(queries) @ vectoriser.transform(names).T).toarray()
    order = np.argsort(-sims, axis=1)
    best = order[:, 0]
    top = sims[np.arange(len(sims)), best]
    second = sims[np.arange(len(sims)), order[:, 1]] if sims.shape[1] > 1 else np.zeros(len(sims))
    program_jp = pd.to_numeric(catalogue["jp"], errors="coerce").to_numpy(dtype=float)[best]
    record_jp = pd.to_numeric(jp, errors="coerce").to_numpy(dtype=float)
    known = (record_jp > 0) & (program_jp > 0)
    ratio = np.where(known, np.maximum(record_jp, program_jp)
                     / np.where(known, np.minimum(record_jp, program_jp), 1.0), 1.0)
    # The same words as exactly one program is clear whatever the runner-up scores.
    counts = pd.Series(names).value_counts()
    exact = (queries == names[best]) & (pd.Series(names[best]).map(counts).to_numpy() == 1)
    clear = ((top >= rule.min_score) & (top - second >= rule.margin) | exact) \
        & (ratio <= rule.max_jp_ratio)
    ids = catalogue["program_id"].astype(str).to_numpy()[best]
    out["best_program_id"] = ids
    out["score"] = np.round(top, 4)
    out["program_id"] = pd.Series([i if c else None for i, c in zip(ids, clear)],
                                  index=titles.index, dtype=object)
    return out
