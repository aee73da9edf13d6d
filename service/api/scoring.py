"""Scoring employees with the served model: pseudonyms in, employee ids back out.

The recommender sees only ``person_key``; the mapping back to employee ids and names happens
here, for the rows the caller was allowed to see.
"""

from __future__ import annotations

import io
import math

import numpy as np
import pandas as pd

from model.exploration import explore
from service.api.schemas.recommendations import (Engagement, EmployeeRecommendations, Factor,
                                                 Recommendation)
from service.model_serving import Serving
from service.pseudonym import person_key
from service.storage.export import export_frame

NOT_IN_VIEW = ("not in the model's view at {as_of} (appointed later, inactive, or no data yet); "
               "retrain or wait for the data refresh")
NO_MATCH = "no eligible program matches the filters"


def _keys(rows: list[dict], key: bytes) -> dict[str, dict]:
    return {person_key(r["employee_id"], key): r for r in rows}


def _known(serving: Serving, keys: list[str]) -> set[str]:
    index = serving.ctx.people.index
    return {k for k in keys if k in index}


def _num(value, default: float | None = None) -> float | None:
    if value is None or (isinstance(value, float) and math.isnan(value)) or pd.isna(value):
        return default
    return float(value)


def _ranked(serving: Serving, known: set[str], k: int, quarter: str | None, form: str | None,
            max_cost: float | None) -> dict[str, list[dict]]:
    default = quarter is None and form is None and max_cost is None
    if serving.precomputed is not None and default and k <= serving.precomputed_k:
        return {pk: serving.precomputed.get(pk, [])[:k] for pk in known}
    frame = serving.recommender.recommend(serving.ctx, persons=sorted(known), k=k,
                                          quarter=quarter, form=form, max_cost=max_cost,
                                          reasons=True)
    return ({pk: g.to_dict("records") for pk, g in frame.groupby("person_key", sort=False)}
            if len(frame) else {})


def _explored(groups: dict[str, list[dict]], k: int, share: float,
              rng: np.random.Generator) -> dict[str, list[dict]]:
    """Each list's ``k`` slots with a share explored from the rest (``model.exploration``)."""
    out = {}
    for pk, ranked in groups.items():
        slots = explore(ranked, k, share, rng)
        out[pk] = [{**s.item, "rank": rank, "explored": s.explored, "propensity": s.propensity}
                   for rank, s in enumerate(slots, start=1)]
    return out


def recommend(serving: Serving, key: bytes, rows: list[dict], *, k: int, quarter: str | None,
              form: str | None, max_cost: float | None, explore_share: float = 0.0,
              explore_pool: int = 20, rng: np.random.Generator | None = None
              ) -> list[EmployeeRecommendations]:
    """Top-k recommendations for each row (an employee), in the order of ``rows``; with an
    ``explore_share``, that share of the slots (on average) is drawn from the next
    ``explore_pool`` programs and marked with its propensity."""
    by_key = _keys(rows, key)
    known = _known(serving, list(by_key))
    if explore_share > 0:
        groups = _explored(_ranked(serving, known, k + explore_pool, quarter, form, max_cost),
                           k, explore_share, rng or np.random.default_rng())
    else:
        groups = _ranked(serving, known, k, quarter, form, max_cost)
    out = []
    for pk, row in by_key.items():
        items = [Recommendation(
            explored=bool(r.get("explored", False)), propensity=float(r.get("propensity", 1.0)),
            rank=int(r["rank"]), program_id=str(r["program_id"]), title=r["title"],
            score=float(r["score"]), relevance=float(r["relevance"]),
            p_complete=float(r["p_complete"]), mandatory=bool(r["mandatory"]), form=r["form"],
            jp=_num(r["jp"]), cost_idr=_num(r["cost_idr"]),
            reasons_id=list(r["reasons_id"]), reasons_en=list(r["reasons_en"]))
            for r in groups.get(pk, [])]
        note = None
        if pk not in known:
            note = NOT_IN_VIEW.format(as_of=serving.as_of)
        elif not items:
            note = NO_MATCH
        out.append(EmployeeRecommendations(
            employee_id=row["employee_id"], name=row.get("name"), unit=row.get("unit"),
            model_version=serving.version, as_of=serving.as_of, items=items, note=note))
    return out


def engagement(serving: Serving, key: bytes, rows: list[dict],
               factors: bool = False) -> tuple[list[Engagement], list[dict]]:
    """Engagement of the rows the model knows, and the rows it does not know."""
    by_key = _keys(rows, key)
    known = _known(serving, list(by_key))
    frame = serving.recommender.engagement(serving.ctx, persons=sorted(known), factors=factors)
    out = []
    for r in frame.to_dict("records"):
        row = by_key[r["person_key"]]
        fac = None
        if factors and "factors" in r:
            fac = [Factor(factor=str(name), effect=float(effect)) for name, effect in r["factors"]]
        out.append(Engagement(employee_id=row["employee_id"], name=row.get("name"),
                              unit=row.get("unit"), jp_this_year=_num(r["jp_this_year"], 0.0),
                              jp_duty=_num(r["jp_duty"], 0.0),
                              p_reach_duty=float(r["p_reach_duty"]),
                              expected_jp=float(r["expected_jp"]), factors=fac))
    out.sort(key=lambda e: (e.p_reach_duty, e.employee_id))
    return out, [r for pk, r in by_key.items() if pk not in known]


EXPORT_COLUMNS = ["employee_id", "name", "unit", "rank", "program_id", "title", "score",
                  "p_complete", "mandatory", "form", "jp", "cost_idr", "reasons_id", "reasons_en",
                  "model_version", "as_of", "note"]


def export_rows(result: list[EmployeeRecommendations]) -> pd.DataFrame:
    """One row per recommendation (or per employee without one), text formula-escaped."""
    records = []
    for e in result:
        base = {"employee_id": e.employee_id, "name": e.name, "unit": e.unit,
                "model_version": e.model_version, "as_of": e.as_of, "note": e.note}
        if not e.items:
            records.append(base)
        for item in e.items:
            records.append({**base, **item.model_dump(),
                            "reasons_id": " | ".join(item.reasons_id),
                            "reasons_en": " | ".join(item.reasons_en)})
    frame = pd.DataFrame.from_records(records, columns=EXPORT_COLUMNS)
    text = ["employee_id", "name", "unit", "program_id", "title", "form", "reasons_id",
            "reasons_en", "model_version", "as_of", "note"]
    frame[text] = frame[text].astype("string")
    return export_frame(frame)


def to_bytes(frame: pd.DataFrame, fmt: str) -> bytes:
    """CSV (UTF-8 with BOM, for spreadsheets) or XLSX bytes of an exported frame."""
    if fmt == "csv":
        return frame.to_csv(index=False).encode("utf-8-sig")
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet("recommendations")
    sheet.append(list(frame.columns))
    for row in frame.itertuples(index=False):
        sheet.append([None if v is None or (isinstance(v, float) and math.isnan(v)) else v
                      for v in row])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
