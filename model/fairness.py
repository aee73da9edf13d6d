"""Group fairness of the recommendations and of the engagement model's calibration.

Selection rate: for a group (e.g. ``sex=F``) and a program category, the share of the group's
people eligible for the category who receive at least one program of it in their top 10. The four-fifths rule
compares each group's rate with the highest group's rate for the same attribute and category: a
ratio under 0.8 flags the pair for human review. Calibration: per group, the mean predicted
P(complete) against the observed completion rate of the group's enrollments, and the group's ECE.
Groups with fewer than ``min_group`` people are not evaluated (and not reported).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from model.candidates import candidate_pairs, offered_programs
from model.metrics import expected_calibration_error
from model.snapshot import PERSON
from model.training_data import engagement_examples, prepare_quarter

GROUP_ATTRIBUTES = ("sex", "age_band", "job_family", "employment_type")


def age_band(age: pd.Series) -> pd.Series:
    """Age bands of the group reports (the same bands as the evaluation's)."""
    return pd.cut(age, [0, 30, 40, 50, 100], right=False,
                  labels=["<30", "30-39", "40-49", "50+"]).astype("string")


def person_groups(people: pd.DataFrame) -> pd.DataFrame:
    """The group attributes of each person (index kept) from a snapshot's people frame."""
    out = pd.DataFrame(index=people.index)
    for attr in GROUP_ATTRIBUTES:
        if attr == "age_band":
            out[attr] = age_band(people["age"])
        else:
            out[attr] = people[attr].astype("string")
    return out


def selection_rates(recommended: pd.DataFrame, groups: pd.DataFrame,
                    eligible: pd.DataFrame | None = None, min_group: int = 10) -> pd.DataFrame:
    """Share of each group's people with at least one recommendation of each category.

    Args:
        recommended: one row per recommendation with ``person`` and ``category`` columns.
        groups: index person, one column per group attribute (everyone recommended for).
        eligible: ``person``, ``category`` pairs a person could be recommended at all; when
            given, a group's rate for a category counts only its eligible people (so Latsar,
            for new civil servants only, is not "withheld" from older staff).
    """
    got = recommended[["person", "category"]].dropna().drop_duplicates()
    categories = sorted(got["category"].astype(str).unique())
    hit = pd.crosstab(got["person"], got["category"].astype(str)).reindex(
        index=groups.index, columns=categories, fill_value=0).gt(0)
    if eligible is None:
        can = pd.DataFrame(True, index=groups.index, columns=categories)
    else:
        el = eligible[["person", "category"]].dropna().drop_duplicates()
        can = pd.crosstab(el["person"], el["category"].astype(str)).reindex(
            index=groups.index, columns=categories, fill_value=0).gt(0) | hit
    rows = []
    for attr in groups.columns:
        for value, members in groups.groupby(groups[attr], dropna=True).groups.items():
            for c in categories:
                pool = can.loc[members, c]
                n = int(pool.sum())
                if n < min_group:
                    continue
                rows.append({"attribute": attr, "group": str(value), "category": c, "n": n,
                             "rate": float(hit.loc[members, c][pool.to_numpy()].mean())})
    return pd.DataFrame(rows, columns=["attribute", "group", "category", "n", "rate"])


def four_fifths(rates: pd.DataFrame, threshold: float = 0.8, min_rate: float = 0.0) -> pd.DataFrame:
    """Rates with ``ratio`` to the best group's and ``flagged`` where the ratio < threshold.

    Categories whose best group's rate is below ``min_rate`` are not judged (too rare to
    compare): their ratio is NaN and they are never flagged.
    """
    out = rates.copy()
    best = out.groupby(["attribute", "category"])["rate"].transform("max")
    judged = (best > 0) & (best >= min_rate)
    out["ratio"] = np.where(judged, out["rate"] / best.where(best > 0, 1.0), np.nan)
    out["flagged"] = judged & (out["ratio"] < threshold)
    return out


def calibration_by_group(person: pd.Series, y: np.ndarray, p: np.ndarray, groups: pd.DataFrame,
                         min_group: int = 10) -> pd.DataFrame:
    """Per group: mean predicted vs observed rate, their gap and the group's ECE.

    Args:
        person: the person of each prediction (aligned with ``y`` and ``p``).
    """
    y, p = np.asarray(y, dtype=float), np.asarray(p, dtype=float)
    person = pd.Series(np.asarray(person), dtype="object")
    rows = []
    for attr in groups.columns:
        of_row = person.map(groups[attr]).astype("string")
        for value in sorted(of_row.dropna().unique()):
            m = (of_row == value).to_numpy(dtype=bool)
            n_people = person[m].nunique()
            if n_people < min_group:
                continue
            rows.append({"attribute": attr, "group": str(value), "people": int(n_people),
                         "n": int(m.sum()), "mean_predicted": float(p[m].mean()),
                         "observed": float(y[m].mean()),
                         "gap": float(abs(p[m].mean() - y[m].mean())),
                         "ece": expected_calibration_error(y[m], p[m])})
    return pd.DataFrame(rows, columns=["attribute", "group", "people", "n", "mean_predicted",
                                       "observed", "gap", "ece"])


def fairness_report(rates: pd.DataFrame, calibration: pd.DataFrame, threshold: float = 0.8,
                    min_rate: float = 0.0, max_gap: float = 0.1) -> dict:
    """Flags of the four-fifths rule and of calibration gaps, as plain data for tags and cards."""
    judged = four_fifths(rates, threshold, min_rate)
    flagged = judged[judged["flagged"]]
    miscal = calibration[calibration["gap"] > max_gap]
    return {
        "four_fifths_threshold": threshold, "min_rate": min_rate, "max_calibration_gap": max_gap,
        "selection_flags": [f"{r.attribute}={r.group} / {r.category}: rate {r.rate:.2f}, "
                            f"ratio {r.ratio:.2f}" for r in flagged.itertuples()],
        "calibration_flags": [f"{r.attribute}={r.group}: predicted {r.mean_predicted:.2f} vs "
                              f"observed {r.observed:.2f}" for r in miscal.itertuples()],
        "min_selection_ratio": float(judged["ratio"].min()) if judged["ratio"].notna().any() else None,
        "worst_calibration_gap": float(calibration["gap"].max()) if len(calibration) else None,
        "groups_evaluated": int(rates[["attribute", "group"]].drop_duplicates().shape[0]),
        "selection": judged.round(4).to_dict(orient="records"),
        "calibration": calibration.round(4).to_dict(orient="records"),
        "needs_review": bool(len(flagged) or len(miscal)),
    }


def audit(serving, holdout, frames: dict[str, pd.DataFrame], quarter: str, k: int = 10,
          threshold: float = 0.8, min_rate: float = 0.0, max_gap: float = 0.1,
          min_group: int = 10) -> dict:
    """Fairness of a challenger: selection rates of what ``serving`` would recommend now (top
    ``k`` of every active person at its serving quarter) and calibration of ``holdout`` (a fit
    that did not see ``quarter``) on ``quarter``'s enrollments."""
    ctx = serving.context(frames)
    if not (ctx.snap.offerings["quarter"] == ctx.snap.as_of).any():
        # No catalogue planned yet for the serving quarter: audit on the latest offered one.
        # (Also sidesteps a failure of features._lead_days on a quarter without offerings.)
        ctx = serving.context(frames, quarter)
    people = ctx.snap.people[ctx.snap.people["active"].to_numpy(dtype=bool)]
    top = serving.recommend(ctx, list(people.index), k=k, reasons=False)
    category = ctx.snap.programs["category"]
    recommended = pd.DataFrame({"person": top[PERSON].to_numpy(),
                                "category": top["program_id"].map(category).to_numpy()})
    programs = offered_programs(ctx.snap, ctx.snap.as_of) or list(ctx.snap.programs.index)
    pairs = candidate_pairs(ctx.snap, list(people.index), programs)
    eligible = pd.DataFrame({"person": pairs[PERSON].to_numpy(),
                             "category": pairs["program_id"].map(category).to_numpy()})
    rates = selection_rates(recommended, person_groups(people), eligible, min_group)
    qd = prepare_quarter(frames, quarter, holdout.config)
    qd.cf = holdout.cf_
    ex = engagement_examples(qd, holdout.config)
    if ex.empty:
        calibration = calibration_by_group(pd.Series([], dtype=object), [], [], pd.DataFrame())
    else:
        p = holdout.completion_.predict_proba(ex)
        calibration = calibration_by_group(ex[PERSON], ex["completed"].to_numpy(), p,
                                           person_groups(qd.snap.people), min_group)
    report = fairness_report(rates, calibration, threshold, min_rate, max_gap)
    return {"k": k, "serving_from": ctx.snap.as_of, "calibration_quarter": quarter,
            "people": int(len(people)), **report}
