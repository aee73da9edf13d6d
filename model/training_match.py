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
from scipy import sparse
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.preprocessing import normalize

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

    min_score: float = 0.85   # the title's similarity to the program
    margin: float = 0.08      # ... ahead of the runner-up, hours counted (see jp_weight)
    max_jp_ratio: float = 2.0  # the hours may differ by at most this factor
    # How much a doubling of the hours away from a program's counts against it when the
    # best and the runner-up are compared (a 16 JP record is nearer a 16 JP program).
    jp_weight: float = 0.1


def normalise_title(title: object) -> str:
    """A title reduced to the words that name the training (``DIKLAT X ANGKATAN II`` -> ``pelatihan x``)."""
    text = " " + _NOT_WORD.sub(" ", str(title).lower()).strip() + " "
    for word, canonical in SYNONYMS.items():
        text = text.replace(f" {word} ", f" {canonical} ")
    text = _YEAR.sub(" ", _BATCH.sub(" ", text))
    return " ".join(text.split())


def _similarity(queries: np.ndarray, names: np.ndarray) -> np.ndarray:
    """Cosine of character n-gram TF-IDF vectors, the IDF from the catalogue alone.

    A record's score so depends only on its title and the catalogue, never on which other
    records came in the same file (an n-gram no program has gets the highest IDF).
    """
    counts = TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5), sublinear_tf=True,
                             use_idf=False, norm=None)
    counts.fit(np.concatenate([names, queries]))
    x_names, x_queries = counts.transform(names), counts.transform(queries)
    df = np.asarray((x_names > 0).sum(axis=0)).ravel()
    idf = sparse.diags(np.log((1 + len(names)) / (1 + df)) + 1)
    x_names, x_queries = normalize(x_names @ idf), normalize(x_queries @ idf)
    return (x_queries @ x_names.T).toarray()


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
    sims = _similarity(queries, names)
    record_jp = pd.to_numeric(jp, errors="coerce").to_numpy(dtype=float)
    catalogue_jp = pd.to_numeric(catalogue["jp"], errors="coerce").to_numpy(dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        distance = np.abs(np.log2(record_jp[:, None] / catalogue_jp[None, :]))
    distance = np.where(np.isfinite(distance), distance, 0.0)  # unknown hours: no evidence
    adjusted = sims - rule.jp_weight * distance
    order = np.argsort(-adjusted, axis=1)
    rows = np.arange(len(sims))
    best = order[:, 0]
    top = sims[rows, best]
    lead = adjusted[rows, best] - (adjusted[rows, order[:, 1]] if sims.shape[1] > 1 else 0.0)
    ratio = 2.0 ** distance[rows, best]
    # The same words as exactly one program is clear whatever the runner-up scores.
    counts = pd.Series(names).value_counts()
    exact = (queries == names[best]) & (pd.Series(names[best]).map(counts).to_numpy() == 1)
    clear = ((top >= rule.min_score) & (lead >= rule.margin) | exact) \
        & (ratio <= rule.max_jp_ratio)
    ids = catalogue["program_id"].astype(str).to_numpy()[best]
    out["best_program_id"] = ids
    out["score"] = np.round(top, 4)
    out["program_id"] = pd.Series([i if c else None for i, c in zip(ids, clear)],
                                  index=titles.index, dtype=object)
    return out
