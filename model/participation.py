"""The people frame for risk-group discovery, the drivers of a group and its trend history.

``people_frame`` joins each active employee's readable attributes (bands, recent training form,
whether the unit head trains) to the engagement model's forecast: P(reaching the JP duty this
year), expected JP by year end and JP so far. ``group_drivers`` says which factor groups of the
duty model lower a group's predictions; ``trend_history`` scores past quarters so the predicted
rate at the start of each quarter can be set beside the rate actually reached that year, each
past year predicted by a model fitted before it (``duty_model_before``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from model import quarters as qt
from model.engagement import FACTOR_GROUPS
from model.snapshot import PERSON
from model.training_data import yearly_jp

AGE_BANDS = ("<30", "30-39", "40-49", "50+")
GRADE_BANDS = ("I", "II", "III", "IV", "PPPK")
MONTHS_BANDS = ("0-5", "6-11", "12-23", "24+", "never")
RECENT_FORMS = ("klasikal", "non_klasikal", "e_learning", "none")
PREDICTION_COLUMNS = ("p_reach", "expected_jp", "jp_this_year", "jp_duty")


def age_band(age: pd.Series) -> pd.Categorical:
    """Ordered age bands; ``50+`` is where e-learning is known to lose people (DOMAIN.md)."""
    cut = pd.cut(age.astype(float), [-np.inf, 30, 40, 50, np.inf], right=False, labels=AGE_BANDS)
    return pd.Categorical(cut, categories=AGE_BANDS, ordered=True)


def grade_band(grade: pd.Series) -> pd.Categorical:
    """Golongan I..IV for PNS grades (``III/a`` -> ``III``); PPPK grades form their own band."""
    text = grade.astype("string")
    pns = text.str.extract(r"^(IV|III|II|I)/[a-e]$")[0]
    band = pns.where(pns.notna(), np.where(text.notna(), "PPPK", None))
    return pd.Categorical(band, categories=GRADE_BANDS, ordered=False)


def months_band(quarters_since_last: pd.Series) -> pd.Categorical:
    """Months since the last training, banded (``never`` when there is none in the history)."""
    months = quarters_since_last.astype(float) * 3
    cut = pd.cut(months, [-np.inf, 6, 12, 24, np.inf], right=False, labels=MONTHS_BANDS[:-1])
    band = pd.Series(cut.astype(object), index=quarters_since_last.index).where(
        months.notna(), "never")
    return pd.Categorical(band, categories=MONTHS_BANDS, ordered=True)


def recent_form(history: pd.DataFrame, programs: pd.DataFrame, as_of: str,
                keys: pd.Index, quarters: int = 8) -> pd.Series:
    """Form of each person's trainings in the last ``quarters`` quarters.

    ``e_learning`` when at least half were e-learning, else the majority form (``klasikal`` or
    ``non_klasikal``), ``none`` without any enrollment in the window.
    """
    recent = history[history["quarter"] >= qt.shift(as_of, -quarters)]
    form = recent["program_id"].map(programs["form"]).astype(object)
    elearn = recent["program_id"].map(programs["delivery"]).eq("e_learning")
    per = pd.DataFrame({PERSON: recent[PERSON].to_numpy(), "elearn": elearn.to_numpy(),
                        "klasikal": form.eq("klasikal").to_numpy()}).groupby(PERSON).mean()
    label = np.where(per["elearn"] >= 0.5, "e_learning",
                     np.where(per["klasikal"] >= 0.5, "klasikal", "non_klasikal"))
    out = pd.Series(label, index=per.index).reindex(keys).fillna("none")
    return pd.Series(pd.Categorical(out, categories=RECENT_FORMS), index=keys)


def people_frame(recommender: Any, ctx: Any, active_only: bool = True) -> pd.DataFrame:
    """One row per employee: ``person_key``, attributes for rules, and the forecasts.

    Args:
        recommender: a fitted ``Recommender`` (``engagement`` is used).
        ctx: its ``Context`` at the quarter to analyse.
        active_only: leave out employees marked inactive.

    Returns:
        Columns ``person_key``, unit, unit_kind, sector, job_family, job_kind, grade_band,
        age_band, sex, employment_type, digital_access, recent_form,
        months_since_last_training, head_participates, then ``PREDICTION_COLUMNS``.
    """
    snap, feats = ctx.snap, ctx.people
    attrs = snap.people.loc[feats.index]
    if active_only and "active" in attrs.columns:
        attrs = attrs[attrs["active"].fillna(True).astype(bool)]
    keys = attrs.index
    eng = recommender.engagement(ctx, persons=list(keys)).set_index(PERSON).reindex(keys)
    f = feats.loc[keys]
    out = pd.DataFrame(index=keys)
    for col in ("unit", "unit_kind", "sector", "job_family", "job_kind", "sex",
                "employment_type", "digital_access"):
        out[col] = attrs[col].astype(object).where(attrs[col].notna(), None)
    out["grade_band"] = grade_band(attrs["grade"])
    out["age_band"] = age_band(attrs["age"])
    out["recent_form"] = recent_form(snap.history, snap.programs, snap.as_of, keys)
    out["months_since_last_training"] = months_band(f["quarters_since_last"])
    head = f["head_trained_4q"]
    out["head_participates"] = head.gt(0).astype(object).where(head.notna(), None)
    out["p_reach"] = eng["p_reach_duty"].astype(float)
    out["expected_jp"] = eng["expected_jp"].astype(float)
    out["jp_this_year"] = eng["jp_this_year"].astype(float)
    out["jp_duty"] = eng["jp_duty"].astype(float)
    return out.reset_index()


def group_drivers(duty: Any, feats: pd.DataFrame,
                  members: Mapping[str, Sequence[str]]) -> dict[str, pd.Series]:
    """What lowers each group's P(reaching the duty), from the duty model's factor groups.

    A factor's importance for a group is minus the members' mean change in probability when
    the factor's features are set to a typical value: positive when the factor pulls the
    group's predictions down.

    Args:
        duty: the fitted duty model (``factors(feats, top)`` as in ``model.engagement``).
        feats: person features (index ``person_key``), e.g. ``ctx.people``.
        members: group_id -> its members' person keys.

    Returns:
        group_id -> factor -> importance, largest first.
    """
    out = {}
    for gid, keys in members.items():
        keys = [k for k in keys if k in feats.index]
        if not keys:
            out[gid] = pd.Series(dtype=float)
            continue
        per_person = duty.factors(feats.loc[keys], top=len(FACTOR_GROUPS))
        rows = [dict(p) for p in per_person]
        mean = pd.DataFrame(rows).reindex(columns=list(FACTOR_GROUPS)).fillna(0.0).mean()
        out[gid] = (-mean).sort_values(ascending=False)
    return out


def duty_model_before(recommender: Any, frames: Mapping[str, pd.DataFrame], year: str,
                      context_at: Callable[[str], Any] | None = None,
                      jp: pd.Series | None = None) -> Any | None:
    """A duty model fitted the way ``recommender``'s was (same settings and training window),
    on the quarters before ``year`` only: what a model serving in ``year`` could have known.
    ``context_at`` and ``jp`` (``yearly_jp(frames)``) let a caller share work between years.

    Returns None when those quarters hold no examples of both outcomes.
    """
    from model.engagement import DutyModel
    from model.training_data import QuarterData, duty_examples, training_quarters

    cfg = recommender.config
    context_at = context_at or (lambda q: recommender.context(frames, q))
    jp = yearly_jp(frames) if jp is None else jp
    parts = []
    for t in training_quarters(f"{year}Q1", cfg.train_quarters):
        ctx = context_at(t)
        if len(ctx.people):
            parts.append(duty_examples(QuarterData(ctx.snap, ctx.people, None, pd.DataFrame()), jp))
    if not parts:
        return None
    examples = pd.concat(parts, ignore_index=True)
    if examples["reached"].nunique() < 2:
        return None
    return DutyModel(seed=cfg.seed).fit(examples)


def trend_history(recommender: Any, frames: Mapping[str, pd.DataFrame], as_of: str,
                  quarters: int = 8, active_only: bool = True,
                  out_of_time: bool = True) -> pd.DataFrame:
    """Predicted and actual duty attainment for each of the ``quarters`` quarters before ``as_of``.

    The prediction is P(reach) from the snapshot at the start of the quarter; the actual is
    whether the person's JP that year reached their duty, NA while the year has not ended by
    ``as_of``. With ``out_of_time`` (default) a quarter of an ended year is predicted by
    ``duty_model_before`` that year, never by a model that learned from the year's outcomes (the
    serving model did, so its "prediction" of a past year would look better than any forecast
    can); a quarter with no earlier year to learn from is left out. Quarters of the running
    year use the serving model.

    Returns:
        Columns ``person_key``, ``quarter``, ``predicted``, ``actual``, one row per person
        present at the start of each quarter.
    """
    jp = yearly_jp(frames)
    contexts: dict[str, Any] = {}

    def context_at(q: str) -> Any:
        if q not in contexts:
            contexts[q] = recommender.context(frames, q)
        return contexts[q]

    shown = [qt.shift(as_of, -i) for i in range(quarters, 0, -1)]
    ended_years = sorted({q[:4] for q in shown if int(q[:4]) < int(as_of[:4])})
    before = ({y: duty_model_before(recommender, frames, y, context_at, jp) for y in ended_years}
              if out_of_time else {})
    rows = []
    for q in shown:
        ctx = context_at(q)
        eng = people_frame(recommender, ctx, active_only)
        ended = int(q[:4]) < int(as_of[:4])
        predicted = eng["p_reach"].to_numpy()
        if ended and out_of_time:
            duty = before[q[:4]]
            if duty is None:
                continue
            predicted = duty.predict_proba(ctx.people.loc[eng[PERSON]])
        index = pd.MultiIndex.from_arrays([eng[PERSON], [q[:4]] * len(eng)])
        got = pd.Series(jp.reindex(index).to_numpy(), dtype=float).fillna(0.0)
        actual = (got.to_numpy() >= eng["jp_duty"].to_numpy()).astype(float)
        rows.append(pd.DataFrame({PERSON: eng[PERSON], "quarter": q, "predicted": predicted,
                                  "actual": actual if ended else np.nan}))
    if not rows:
        return pd.DataFrame(columns=[PERSON, "quarter", "predicted", "actual"])
    return pd.concat(rows, ignore_index=True)
