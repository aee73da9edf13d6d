"""Point-in-time view of the HR data: everything the models may know at the start of a quarter.

``build_snapshot(frames, as_of)`` keeps only what happened *before* the first day of ``as_of``:
enrollments of earlier quarters, assessments made before it, performance reviews of periods that
had ended, and employees appointed before it. Features are computed from a snapshot only, so a
change to anything on or after ``as_of`` cannot change them (tested).

Frames are the pseudonymised canonical tables: ``person_key`` replaces ``employee_id`` and
``head_person_key`` replaces ``head_employee_id``; names are absent.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from model import glossary as g
from model import quarters as qt
from model.competence_evidence import evidenced_levels
from model.config import ModelConfig
from model.outside_training import EXTERNAL, counting_dates, matched_records, without_repeats
from model.tables import TABLES, parse_list, parse_targets

PERSON = "person_key"

_ALIASES = {"employee_id": PERSON, "head_employee_id": "head_person_key"}


class Frames(dict):
    """Canonical frames conformed once (see ``conform``); passing them again costs nothing."""


def _blank_to_na(col: pd.Series) -> pd.Series:
    if not (col.dtype == object or isinstance(col.dtype, pd.StringDtype)):
        return col
    text = col.astype("string")
    return col.mask(text.str.strip().eq("").fillna(False))


_TRUE = {"true", "1", "ya", "yes", "y"}
_FALSE = {"false", "0", "tidak", "no", "n"}


def _to_bool(v):
    if isinstance(v, str):
        t = v.strip().lower()
        return True if t in _TRUE else False if t in _FALSE else pd.NA
    if v is None or (not isinstance(v, bool) and pd.isna(v)):
        return pd.NA
    return bool(v)


def conform(frames: dict[str, pd.DataFrame]) -> Frames:
    """Frames with every canonical column present (missing optional ones as NA), blank cells as
    NA, dates parsed, ids as text, and each enrollment's quarter in column ``quarter``."""
    if isinstance(frames, Frames):
        return frames
    out = Frames()
    for name, table in TABLES.items():
        df = frames.get(name)
        df = pd.DataFrame() if df is None else df.copy()
        for col in table.names:
            target = _ALIASES.get(col, col)
            if target not in df.columns:
                df[target] = pd.NA
        for c in table.columns:
            target = _ALIASES.get(c.name, c.name)
            if c.kind == "date":
                df[target] = pd.to_datetime(df[target], errors="coerce")
            elif c.kind in ("str", "list", "targets"):
                df[target] = _blank_to_na(df[target])
            elif c.kind == "bool":
                df[target] = df[target].map(_to_bool).astype("boolean")
            elif c.kind in ("int", "float"):
                df[target] = pd.to_numeric(df[target], errors="coerce")
        out[name] = df
    off = out["offerings"]
    off["program_id"] = off["program_id"].astype("string")
    off["quarter"] = qt.quarters_of(off["start_date"])
    enr = out["enrollments"]
    enr = enr[enr[PERSON].notna() & enr["program_id"].notna()].copy()
    enr[PERSON] = enr[PERSON].astype(str)
    enr["program_id"] = enr["program_id"].astype(str)
    enr["quarter"] = enrollment_quarters(enr, off)
    enr["jp_earned"] = pd.to_numeric(enr["jp_earned"], errors="coerce").fillna(0.0)
    records = out["training_records"]
    records = records[records[PERSON].notna() & records["start_date"].notna()].copy()
    records[PERSON] = records[PERSON].astype(str)
    # An outside training is known, and its hours count, once it has ended.
    records["quarter"] = qt.quarters_of(counting_dates(records))
    records["jp"] = pd.to_numeric(records["jp"], errors="coerce").fillna(0.0)
    matched = matched_records(records)
    out["enrollments"] = pd.concat([enr, external_enrollments(records[matched])],
                                   ignore_index=True)
    out["training_records"] = records[~matched].reset_index(drop=True)
    return out


def external_enrollments(records: pd.DataFrame) -> pd.DataFrame:
    """Matched training records as completed enrollments of their program (source external):
    the person holds that program, and its hours count toward the duty like any completion."""
    return pd.DataFrame({
        PERSON: records[PERSON].to_numpy(), "program_id": records["program_id"].astype(str).to_numpy(),
        "offering_id": pd.Series(pd.NA, index=range(len(records)), dtype=object),
        "date": records["start_date"].to_numpy(), "status": "completed",
        "jp_earned": records["jp"].to_numpy(dtype=float), "post_test_score": np.nan,
        "source": EXTERNAL, "study_load_jp": np.nan, "prior_attempts": np.nan,
        "quarter": records["quarter"].to_numpy(),
    })


def enrollment_quarters(enrollments: pd.DataFrame, offerings: pd.DataFrame) -> pd.Series:
    """Quarter of each enrollment: its offering's start quarter, else the enrollment date's."""
    starts = offerings.drop_duplicates("offering_id").set_index("offering_id")["start_date"]
    start = enrollments["offering_id"].map(starts)
    when = pd.to_datetime(start).fillna(pd.to_datetime(enrollments["date"]))
    return qt.quarters_of(when)


@dataclass
class Snapshot:
    """What is known at the start of quarter ``as_of`` (see module docstring)."""

    as_of: str
    start: pd.Timestamp
    people: pd.DataFrame          # index person_key; static and as-of attributes
    programs: pd.DataFrame        # index program_id; parsed eligibility and targets
    offerings: pd.DataFrame       # all offerings with their quarter (the catalogue may be planned)
    history: pd.DataFrame         # enrollments before as_of, with column quarter
    external_jp: pd.DataFrame     # unmatched training records before as_of: person, quarter, jp
    pending: pd.DataFrame         # registrations made before as_of for as_of or later (no outcome)
    comp_codes: list[str]
    assessed: np.ndarray          # people x competencies, latest assessed level (NaN unknown)
    required: np.ndarray          # people x competencies, required level (NaN unknown)
    targets: np.ndarray           # programs x competencies, target level (0 = not covered)
    competencies: pd.DataFrame    # index code: name_id, name_en, type
    # HR's decisions on suggestions made before as_of (model.decision_labels).
    decisions: pd.DataFrame = field(default_factory=pd.DataFrame)
    # Person-independent aggregates derived from the fields above, computed once on first use
    # (see ``cached``): a snapshot serves many requests.
    cache: dict = field(default_factory=dict, repr=False)

    def cached(self, key: str, compute):
        """``compute()`` once per snapshot, then the stored value."""
        if key not in self.cache:
            self.cache[key] = compute()
        return self.cache[key]

    def person_pos(self, keys) -> np.ndarray:
        return self.people.index.get_indexer(pd.Index(keys))

    def history_of(self, persons) -> pd.DataFrame:
        """The history rows of ``persons``, in history order, without a pass over the whole
        history (a batch of a national population asks for a few thousand people at a time)."""
        persons = pd.unique(np.asarray(persons, dtype=object))
        if len(persons) * 2 >= len(self.people):
            return self.history[self.history[PERSON].isin(persons)]
        keys, starts, order = self.cached("history_rows", lambda: _rows_by_person(self.history))
        pos = keys.get_indexer(persons)
        pos = pos[pos >= 0]
        if not len(pos):
            return self.history.iloc[0:0]
        rows = np.sort(np.concatenate([order[starts[i]:starts[i + 1]] for i in pos]))
        return self.history.iloc[rows]

    def program_pos(self, ids) -> np.ndarray:
        return self.programs.index.get_indexer(pd.Index(ids))


def _rows_by_person(history: pd.DataFrame) -> tuple[pd.Index, np.ndarray, np.ndarray]:
    """person -> positions of their history rows: (persons, start offsets, row order)."""
    codes, persons = pd.factorize(history[PERSON], use_na_sentinel=True)
    ok = codes >= 0
    order = np.flatnonzero(ok)[np.argsort(codes[ok], kind="stable")]
    starts = np.concatenate([[0], np.cumsum(np.bincount(codes[ok], minlength=len(persons)))])
    return pd.Index(persons), starts, order


def _review_end(period: pd.Series) -> pd.Series:
    """Date on which a review period ends (year -> 31 Dec; YYYY-S1 -> 30 Jun)."""
    p = period.astype("string").str.strip().str.upper()
    year = pd.to_numeric(p.str.slice(0, 4), errors="coerce")
    semester = p.str.extract(r"S([12])$")[0].fillna("")
    month = np.where((semester == "1").to_numpy(dtype=bool), 6, 12)
    return pd.to_datetime(
        pd.DataFrame({"year": year, "month": month, "day": np.where(month == 6, 30, 31)}),
        errors="coerce",
    )


def _people(emp: pd.DataFrame, units: pd.DataFrame, start: pd.Timestamp,
            config: ModelConfig) -> pd.DataFrame:
    emp = emp[emp[PERSON].notna()].copy()
    appointed = emp["appointment_date"]
    emp = emp[appointed.isna() | (appointed < start)]
    active = emp["active"].map(lambda v: True if pd.isna(v) else bool(v))
    unit_info = units.drop_duplicates("unit").set_index("unit")
    people = pd.DataFrame(index=pd.Index(emp[PERSON].astype(str), name=PERSON))
    for col in ("sex", "employment_type", "grade", "job_kind", "unit", "education",
                "digital_access", "position"):
        people[col] = emp[col].astype("string").to_numpy()
    people["active"] = active.to_numpy()
    people["sector"] = people["unit"].map(unit_info["sector"]).astype("string")
    people["unit_kind"] = people["unit"].map(unit_info["unit_kind"]).astype("string")
    people["head_person_key"] = people["unit"].map(unit_info["head_person_key"]).astype("string")
    days = (start - emp["birth_date"]).dt.days.to_numpy()
    people["age"] = days / 365.25
    people["tenure"] = ((start - emp["appointment_date"]).dt.days / 365.25).to_numpy()
    people["grade_rank"] = people["grade"].map(
        lambda v: g.grade_rank(v) if isinstance(v, str) else -1).astype(float)
    people["job_family"] = people["job_kind"].map(
        lambda v: g.job_family(v) if isinstance(v, str) else pd.NA).astype("string")
    people["standard_level"] = people["job_kind"].map(g.STANDARD_LEVEL).astype(float)
    people["jp_duty"] = [config.duty_for(t if isinstance(t, str) else None)
                         for t in people["employment_type"]]
    return people


def _programs(prog: pd.DataFrame, offerings: pd.DataFrame) -> pd.DataFrame:
    prog = prog[prog["program_id"].notna()].drop_duplicates("program_id").copy()
    prog["program_id"] = prog["program_id"].astype(str)
    out = prog.set_index("program_id")
    for col in ("eligible_job_kinds", "eligible_employment_types", "eligible_units",
                "eligible_sectors"):
        out[col] = [parse_list(v if isinstance(v, str) else None) for v in out[col]]
    out["target_map"] = [parse_targets(v if isinstance(v, str) else None)
                         for v in out["competencies"]]
    out["mandatory"] = out["mandatory"].map(lambda v: False if pd.isna(v) else bool(v))
    out["jp"] = pd.to_numeric(out["jp"], errors="coerce").fillna(0.0)
    out["cost_idr"] = pd.to_numeric(out["cost_idr"], errors="coerce").fillna(0.0)
    out["max_age"] = pd.to_numeric(out["max_age"], errors="coerce")
    out["min_rank"] = out["min_grade"].map(lambda v: g.grade_rank(v) if isinstance(v, str) else np.nan)
    out["max_rank"] = out["max_grade"].map(lambda v: g.grade_rank(v) if isinstance(v, str) else np.nan)
    form = out["form"].astype("string")
    derived = out["delivery"].map(g.DELIVERIES).astype("string")
    out["form"] = form.fillna(derived)
    first = offerings.groupby("program_id")["quarter"].min()
    out["first_quarter"] = out.index.map(first)
    return out


def build_snapshot(frames: dict[str, pd.DataFrame], as_of: str,
                   config: ModelConfig | None = None) -> Snapshot:
    """Build the point-in-time snapshot at the start of quarter ``as_of``."""
    config = config or ModelConfig()
    f = conform(frames)
    start = pd.Timestamp(qt.quarter_start(as_of))

    offerings = f["offerings"]
    people = _people(f["employees"], f["units"], start, config)
    programs = _programs(f["programs"], offerings)

    enr = f["enrollments"]
    # Quarter labels sort as text (YYYYQn), so a string comparison orders them.
    # An outcome is known once the offering has ended: a long training that is still running
    # at as_of is in the history as registered, without its (future) outcome.
    history = enr[(enr["quarter"] < as_of) & (enr["date"] < start)]
    # Decided within what is known: a record repeating a later enrollment counts until then.
    history = without_repeats(history).reset_index(drop=True)
    ends = offerings.drop_duplicates("offering_id").set_index("offering_id")["end_date"]
    running = pd.to_datetime(history["offering_id"].map(ends)).ge(start).to_numpy(dtype=bool)
    if running.any():
        history.loc[running, "status"] = "registered"
        history.loc[running, "jp_earned"] = 0.0
        history.loc[running, "post_test_score"] = np.nan
    records = f["training_records"]
    end = records["end_date"].fillna(records["start_date"])
    external_jp = records.loc[end < start, [PERSON, "quarter", "jp"]].reset_index(drop=True)
    # Registrations already made for this quarter or later are known, their outcome is not.
    # (An outside training still running is no registration: it is known once it has ended.)
    pending = enr.loc[(enr["quarter"] >= as_of) & (enr["date"] < start)
                      & enr["source"].ne(EXTERNAL).fillna(True),
                      [PERSON, "program_id", "offering_id", "date", "quarter", "study_load_jp",
                       "prior_attempts"]].reset_index(drop=True)

    comp = f["competencies"]
    codes = sorted(set(comp["code"].dropna().astype(str))
                   | {c for m in programs["target_map"] for c in m})
    col = {c: i for i, c in enumerate(codes)}
    assessed = np.full((len(people), len(codes)), np.nan, dtype=np.float32)
    required = np.full_like(assessed, np.nan)
    ass = f["competency_assessments"]
    ass = ass[(ass["assessed_on"] < start) & ass[PERSON].notna()]
    ass = ass.sort_values("assessed_on").drop_duplicates([PERSON, "competency_code"], keep="last")
    rows = people.index.get_indexer(ass[PERSON].astype(str))
    cols = ass["competency_code"].astype(str).map(col).to_numpy()
    ok = (rows >= 0) & pd.notna(cols)
    rows, cols = rows[ok], cols[ok].astype(int)
    assessed[rows, cols] = pd.to_numeric(ass["assessed_level"], errors="coerce").to_numpy()[ok]
    assessed_on = np.full(assessed.shape, np.datetime64("NaT"), dtype="datetime64[ns]")
    assessed_on[rows, cols] = pd.to_datetime(ass["assessed_on"]).to_numpy()[ok]
    required[rows, cols] = pd.to_numeric(ass["required_level"], errors="coerce").to_numpy()[ok]
    # Managerial competencies without a recorded requirement take the job's standard level.
    ctype = comp.drop_duplicates("code").set_index(comp["code"].drop_duplicates().astype(str))["type"]
    managerial = np.array([ctype.get(c) == "manajerial" for c in codes], dtype=bool)
    std = people["standard_level"].to_numpy(dtype=np.float32)[:, None]
    fill = np.isnan(required) & managerial[None, :] & ~np.isnan(std)
    required = np.where(fill, np.broadcast_to(std, required.shape), required).astype(np.float32)

    targets = np.zeros((len(programs), len(codes)), dtype=np.float32)
    for i, m in enumerate(programs["target_map"]):
        for c, lvl in m.items():
            targets[i, col[c]] = lvl

    reviews = f["performance_reviews"]
    reviews = reviews[_review_end(reviews["period"]) < start]
    score = pd.to_numeric(reviews["skp_score"], errors="coerce")
    rating = reviews["skp_rating"].map(g.SKP_RATING_SCORE)
    reviews = reviews.assign(_end=_review_end(reviews["period"]), _rating=rating, _score=score)
    last = reviews.sort_values("_end").drop_duplicates(PERSON, keep="last").set_index(PERSON)
    people["skp_rating_last"] = people.index.map(last["_rating"]).astype(float)
    people["skp_score_last"] = people.index.map(last["_score"]).astype(float)
    # SKP 2022's two components of the latest review (1 below, 2 as, 3 above expectation):
    # the same predikat can come from a weak work result or from weak behaviour.
    for column, name in (("work_result_rating", "skp_work_result_last"),
                         ("behaviour_rating", "skp_behaviour_last")):
        people[name] = people.index.map(last[column].map(g.SKP_EXPECTATION_SCORE)).astype(float)

    decisions = f["decisions"]
    decisions = (decisions.loc[decisions["decided_at"] < start,
                               [PERSON, "program_id", "decision", "reason_code", "decided_at"]]
                 .reset_index(drop=True) if config.use_decisions else decisions.iloc[0:0])
    # HR's "already competent" is newer evidence of level than an old assessment.
    assessed = evidenced_levels(
        assessed, assessed_on, decisions,
        people.index.get_indexer(decisions[PERSON].astype(str)),
        programs.index.get_indexer(decisions["program_id"].astype(str)), targets)

    return Snapshot(as_of=as_of, start=start, people=people, programs=programs,
                    offerings=offerings, history=history, external_jp=external_jp,
                    pending=pending, comp_codes=codes, decisions=decisions,
                    assessed=assessed, required=required, targets=targets,
                    competencies=comp.dropna(subset=["code"]).drop_duplicates("code")
                    .assign(code=lambda d: d["code"].astype(str)).set_index("code"))
