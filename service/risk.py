"""Low-participation risk groups, assembled for the API, the CLI report and the dashboard.

``analyse`` runs the whole chain on a fitted recommender and its context: the people frame,
group discovery, drivers and interventions, and (given the frames) the trend of past quarters.
Its result holds person-level rows and never leaves the service: ``scoped`` turns it into what
one user may see (all groups, or a unit head's own unit), with every group and trend cell of
fewer than ``threshold`` people dropped or hidden, and ``to_dashboard`` into plain dicts.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from model.participation import group_drivers, people_frame, trend_history
from model.playbook import Playbook, annotate_groups, load_playbook
from model.group_stats import member_stats
from model.risk_groups import discover_groups, group_members
from model.suppression import DEFAULT_THRESHOLD, filter_groups
from model.trend import participation_trend

PERSON = "person_key"
OTHER = "other"
# Rules are built from who people are and where they work, not from their recent training
# behaviour: "people who have not trained lately" restates the prediction and cannot be targeted.
# Behaviour still shows up in the drivers. ``margin``: a group is reported when its mean
# P(reaching the duty) is at least 0.3 below the organisation's (a rate about half the usual);
# sequential covering and rule simplification are on (``discover_groups``). Chosen on the
# synthetic seed 7 and checked on held-out seeds (benchmarks/risk_groups.py).
RULE_ATTRIBUTES = ("unit", "unit_kind", "job_kind", "grade_band", "age_band", "sex",
                   "employment_type", "head_participates", "digital_access")
DISCOVERY: dict[str, Any] = {"attributes": RULE_ATTRIBUTES, "max_depth": 4, "margin": 0.3,
                             "min_size": 10}
GROUP_FIELDS = ("group_id", "rule_id", "rule_en", "people", "predicted", "predicted_low",
                "predicted_high", "org_predicted", "gap", "drivers_id", "drivers_en",
                "interventions_id", "interventions_en")


@dataclass
class RiskAnalysis:
    """Person-level result of ``analyse`` (stays inside the service)."""

    as_of: str
    people: pd.DataFrame
    groups: pd.DataFrame
    members: dict[str, frozenset]
    history: pd.DataFrame | None = None
    settings: dict = field(default_factory=dict)


def analyse(recommender: Any, ctx: Any, frames: dict[str, pd.DataFrame] | None = None,
            trend_quarters: int = 8, playbook: Playbook | None = None,
            **discovery: Any) -> RiskAnalysis:
    """Discover the risk groups at the context's quarter, with drivers, interventions, trend.

    Args:
        recommender: a fitted ``Recommender``.
        ctx: its ``Context`` at the quarter to analyse.
        frames: the model frames; needed for the trend (skipped when None).
        trend_quarters: past quarters in the trend.
        playbook: interventions; the packaged playbook by default.
        **discovery: overrides of ``DISCOVERY`` passed to ``discover_groups``.
    """
    people = people_frame(recommender, ctx)
    options = {**DISCOVERY, **discovery}
    options["attributes"] = [a for a in options["attributes"] if a in people.columns]
    groups = discover_groups(people, prediction_col="p_reach", **options)
    members = group_members(people, groups)
    drivers = group_drivers(recommender.duty_, ctx.people, members)
    groups = annotate_groups(groups, drivers, playbook or load_playbook())
    history = None
    if frames is not None and trend_quarters > 0:
        history = trend_history(recommender, frames, ctx.snap.as_of, trend_quarters)
    return RiskAnalysis(ctx.snap.as_of, people, groups, members, history,
                        {k: v for k, v in options.items() if k != "attributes"})


def trend_of(recommender: Any, frames: dict[str, pd.DataFrame], as_of: str,
             trend_quarters: int = 8) -> pd.DataFrame:
    """The trend history of ``analyse`` on its own (slow: one snapshot per past quarter)."""
    return trend_history(recommender, frames, as_of, trend_quarters)


def scoped(analysis: RiskAnalysis, unit: str | None = None,
           threshold: int = DEFAULT_THRESHOLD) -> tuple[pd.DataFrame, pd.DataFrame, dict]:
    """Groups, trend and summary one user may see; nothing below ``threshold`` people.

    Args:
        analysis: output of ``analyse``.
        unit: a unit head's unit (groups are cut to their members in it), or None for all.
        threshold: fewest people in a shown group or cell.

    Returns:
        (groups, trend, summary): groups without person keys, ``participation_trend`` output
        by risk group, and the scope's head count and rates (None when below the threshold).
    """
    people = analysis.people
    org = float(people["p_reach"].mean())
    in_scope = people if unit is None else people[people["unit"] == unit]
    keys = set(in_scope[PERSON])
    p_by_key = in_scope.set_index(PERSON)["p_reach"]
    rows = []
    for _, g in analysis.groups.iterrows():
        mine = [k for k in analysis.members[g["group_id"]] if k in keys]
        if len(mine) < threshold:
            continue
        stats = member_stats(p_by_key.loc[mine].to_numpy(), org)
        rows.append({**{f: g[f] for f in GROUP_FIELDS if f in g}, **stats})
    groups = filter_groups(pd.DataFrame(rows, columns=list(GROUP_FIELDS) + ["impact"]),
                           threshold)
    trend = _trend(analysis, keys, set(groups["group_id"]), threshold)
    n = len(in_scope)
    summary = {
        "as_of": analysis.as_of, "threshold": threshold, "unit": unit,
        "people": n if n >= threshold else None,
        "org_predicted": org,
        "scope_predicted": float(in_scope["p_reach"].mean()) if n >= threshold else None,
        "groups_shown": len(groups),
        "people_in_groups": int(groups["people"].sum()) if len(groups) else 0,
    }
    return groups, trend, summary


def _trend(analysis: RiskAnalysis, keys: set, shown: set, threshold: int) -> pd.DataFrame:
    history = analysis.history
    if history is None:
        return pd.DataFrame(columns=["quarter", "group", "people", "predicted", "actual",
                                     "suppressed"])
    label = {k: gid for gid, ms in analysis.members.items() if gid in shown for k in ms}
    h = history[history[PERSON].isin(keys)]
    if h.empty:
        return pd.DataFrame(columns=["quarter", "group", "people", "predicted", "actual",
                                     "suppressed"])
    h = h.assign(risk_group=h[PERSON].map(label).astype(object).fillna(OTHER))
    return participation_trend(h, by="risk_group", threshold=threshold)


def to_dashboard(analysis: RiskAnalysis, unit: str | None = None,
                 threshold: int = DEFAULT_THRESHOLD) -> dict:
    """What the dashboard shows, as plain JSON-ready dicts (see ``scoped``)."""
    groups, trend, summary = scoped(analysis, unit, threshold)
    return {**summary,
            "groups": [_plain(r) for r in groups.drop(columns=["impact"]).to_dict("records")],
            "trend": [_plain(r) for r in trend.to_dict("records")]}


def write_report(analysis: RiskAnalysis, path: str | Path, fmt: str = "xlsx",
                 threshold: int = DEFAULT_THRESHOLD, language: str = "id") -> Path:
    """Write the organisation-wide report as ``xlsx`` (for the head of BKPSDM), ``csv`` or
    ``json``; a csv report is the groups table."""
    from service.reports.risk_report import write_risk_report

    path = Path(path)
    if fmt == "xlsx":
        groups, trend, summary = scoped(analysis, None, threshold)
        groups.attrs.update(org_predicted=summary["org_predicted"], people_total=summary["people"])
        return write_risk_report(groups, trend, path, language, threshold)
    if fmt == "json":
        path.write_text(json.dumps(to_dashboard(analysis, None, threshold), ensure_ascii=False,
                                   indent=2), encoding="utf-8")
        return path
    if fmt == "csv":
        groups, _, _ = scoped(analysis, None, threshold)
        groups.drop(columns=["impact"]).to_csv(path, index=False)
        return path
    raise ValueError(f"format must be xlsx, csv or json, got {fmt!r}")


def _plain(row: dict) -> dict:
    out = {}
    for k, v in row.items():
        if v is None or v is pd.NA or (isinstance(v, float) and math.isnan(v)):
            out[k] = None
        elif isinstance(v, np.generic):
            out[k] = v.item()
        else:
            out[k] = v
    return out
