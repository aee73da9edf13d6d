"""Populations for the scale benchmark: a generated city tiled into many cities, and a larger
catalogue.

``synthetic.generate`` simulates every person's quarters, so its cost and memory grow with the
population times the years; a national population does not need new behaviour, only more people.
``tile_world`` therefore copies one generated city (employees, units, assessments, reviews and
enrollment history) ``n / base`` times under new ids and unit names, the way 500 regencies each
have their own units, while the catalogue stays national (shared program ids and offerings).
``widen_catalogue`` adds program variants up to ``n_programs`` (new ids, jittered JP and cost, no
history: cold-start programs) and ``plan_quarter`` schedules one offering of every program in the
scored quarter, as HR publishes a quarter's schedule.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

PERSON_TABLES = ("competency_assessments", "performance_reviews", "enrollments")


def _suffix(values: pd.Series, tag: str) -> pd.Series:
    """``value + tag`` for non-blank text cells; blanks stay as they were."""
    text = values.astype("string")
    blank = text.isna() | text.str.strip().eq("")
    return text.where(blank, text + tag)


def _copy(tables: dict[str, pd.DataFrame], c: int, keep: int | None) -> dict[str, pd.DataFrame]:
    """Copy ``c`` of the city (copy 0 is the original); ``keep`` its first employees only."""
    tag, unit_tag = (f"-{c:03d}", f" [{c}]") if c else ("", "")
    emp = tables["employees"] if keep is None else tables["employees"].iloc[:keep]
    out = {"employees": emp.assign(employee_id=_suffix(emp["employee_id"], tag),
                                   unit=_suffix(emp["unit"], unit_tag))}
    ids = set(emp["employee_id"])
    for name in PERSON_TABLES:
        frame = tables[name]
        frame = frame if keep is None else frame[frame["employee_id"].isin(ids)]
        out[name] = frame.assign(employee_id=_suffix(frame["employee_id"], tag))
    units = tables["units"]
    out["units"] = units.assign(unit=_suffix(units["unit"], unit_tag),
                                parent_unit=_suffix(units["parent_unit"], unit_tag),
                                head_employee_id=_suffix(units["head_employee_id"], tag))
    return out


def tile_world(tables: dict[str, pd.DataFrame], n_employees: int) -> dict[str, pd.DataFrame]:
    """``n_employees`` people made of whole copies of the city in ``tables`` (and a part copy).

    Programs restricted to some units name those units in every copy.
    """
    base = len(tables["employees"])
    copies = math.ceil(n_employees / base)
    parts = [_copy(tables, c, None if (c + 1) * base <= n_employees else n_employees - c * base)
             for c in range(copies)]
    out = {name: pd.concat([p[name] for p in parts], ignore_index=True)
           for name in ("employees", "units", *PERSON_TABLES)}
    tags = [f" [{c}]" if c else "" for c in range(copies)]
    programs = tables["programs"].copy()
    programs["eligible_units"] = programs["eligible_units"].map(
        lambda cell: cell if not isinstance(cell, str) or not cell.strip() else ";".join(
            u.strip() + t for u in cell.split(";") for t in tags))
    for name in ("competencies", "offerings"):
        out[name] = tables[name]
    out["programs"] = programs
    return out


def widen_catalogue(tables: dict[str, pd.DataFrame], n_programs: int,
                    seed: int = 0) -> dict[str, pd.DataFrame]:
    """The tables with variants of the catalogue's programs added up to ``n_programs``."""
    programs = tables["programs"]
    extra = n_programs - len(programs)
    if extra <= 0:
        return dict(tables, programs=programs.iloc[:n_programs].reset_index(drop=True))
    rng = np.random.default_rng(seed)
    src = programs.iloc[np.arange(extra) % len(programs)].reset_index(drop=True)
    variant = np.arange(extra) // len(programs) + 1
    jp = pd.to_numeric(src["jp"], errors="coerce").fillna(8.0)
    cost = pd.to_numeric(src["cost_idr"], errors="coerce").fillna(0.0)
    new = src.assign(
        program_id=src["program_id"].astype(str) + "-V" + pd.Series(variant).astype(str),
        title=src["title"].astype(str) + " (varian " + pd.Series(variant).astype(str) + ")",
        jp=np.maximum(np.round(jp * rng.uniform(0.7, 1.3, extra)), 2).astype(int),
        cost_idr=(np.round(cost * rng.uniform(0.6, 1.5, extra), -3)).astype(int),
        # A variant is an alternative, never a second legal duty.
        mandatory="false")
    return dict(tables, programs=pd.concat([programs, new], ignore_index=True))


def plan_quarter(tables: dict[str, pd.DataFrame], quarter: str) -> dict[str, pd.DataFrame]:
    """The tables with one offering of every program starting two weeks into ``quarter``."""
    from model.quarters import quarter_start

    start = pd.Timestamp(quarter_start(quarter)) + pd.Timedelta(days=14)
    ids = tables["programs"]["program_id"].astype(str)
    planned = pd.DataFrame({
        "offering_id": "PLAN-" + quarter + "-" + ids, "program_id": ids.to_numpy(),
        "start_date": start.date().isoformat(),
        "end_date": (start + pd.Timedelta(days=2)).date().isoformat(), "seats": 30,
        "location": "Aula"})
    return dict(tables, offerings=pd.concat([tables["offerings"], planned], ignore_index=True))


def scale_population(base: dict[str, pd.DataFrame], n_employees: int, n_programs: int,
                     quarter: str) -> dict[str, pd.DataFrame]:
    """Tiled people, a catalogue of ``n_programs`` and the scored quarter's offerings."""
    return plan_quarter(widen_catalogue(tile_world(base, n_employees), n_programs), quarter)
