"""Time-split evaluation: train before quarter Q, test on Q's observed outcomes.

Ranking is judged on the people who completed something in Q: relevant items are the programs
they completed, candidates are the eligible programs offered in Q. Engagement is judged on Q's
enrollments (completion; with progress checks, also at each checkpoint of the running training)
and, when the year of Q is complete in the data, on reaching the duty.
The same candidates are ranked by the model, by each baseline and, when an ``oracle`` is given
(synthetic data only: the harness passes it in), by the hidden truth.
"""

from __future__ import annotations

from typing import Callable

import numpy as np
import pandas as pd

from model.baselines import BASELINES, rank_by
from model.candidates import candidate_pairs, offered_programs
from model.checkpoints import HORIZONS, stack_checkpoints
from model.enrolment_rows import offering_starts, with_offerings
from model.config import ModelConfig
from model.metrics import (catalogue_coverage, graded_ndcg, probability_metrics, ranking_metrics,
                           reliability_curve)
from model.off_policy import exposure_of, policy_value
from model.recommender import Recommender
from model.snapshot import PERSON, conform
from model.training_data import engagement_examples, prepare_quarter, quarter_outcomes, yearly_jp

Oracle = Callable[[pd.DataFrame], np.ndarray]


def age_band(age: pd.Series) -> pd.Series:
    """Age bands used in group reports."""
    return pd.cut(age, [0, 30, 40, 50, 100], right=False,
                  labels=["<30", "30-39", "40-49", "50+"]).astype("string")


def corrected_ranking(rankings: dict[str, pd.DataFrame], truth: pd.DataFrame,
                      exposure: pd.DataFrame | None, as_of: str, k: int) -> dict:
    """Each ranking's naive and exposure-corrected precision@k (``model.off_policy``) on the
    people shown suggestions in ``as_of``; a note when the log has none for that quarter."""
    if exposure is None or exposure.empty:
        return {"note": "no exposure log: corrected metrics need the suggestions shown"}
    shown = exposure[exposure["quarter"] == as_of]
    if shown.empty:
        return {"note": f"no suggestions were logged as shown in {as_of}"}
    if not rankings:
        return {"note": f"no one shown suggestions in {as_of} is in the model's view"}
    seen = exposure_of(shown, PERSON, "program_id")
    return {name: policy_value(ranked, truth, seen, k, PERSON, "program_id")
            for name, ranked in rankings.items()}


def _rankings(rec: Recommender, ctx, pairs: pd.DataFrame, as_of: str, k: int,
              oracle: Oracle | None) -> tuple[dict[str, pd.DataFrame], np.ndarray | None]:
    """The top k of ``pairs`` by the model, each baseline and (given) the oracle, and the
    oracle's gain of every pair."""
    scored = rec.score_pairs(ctx, pairs)
    key = scored["mandatory"] * 10.0 * rec.config.mandatory_first + scored["score"]
    rankings = {"model": rank_by(scored, key.to_numpy(), PERSON, k)}
    for name, fn in BASELINES.items():
        rankings[name] = rank_by(scored, fn(scored), PERSON, k)
    true_gain = None
    if oracle is not None:
        true_gain = oracle(pairs.assign(quarter=as_of))
        rankings["oracle"] = rank_by(scored, true_gain, PERSON, k)
    return rankings, true_gain


def _ranking(rec: Recommender, frames, as_of: str, k: int, oracle: Oracle | None,
             exposure: pd.DataFrame | None = None):
    ctx = rec.context(frames, as_of)
    truth = quarter_outcomes(frames, as_of)
    truth = truth[(truth["completed"] == 1) & truth[PERSON].isin(ctx.snap.people.index)]
    offered = offered_programs(ctx.snap, as_of)
    pairs = candidate_pairs(ctx.snap, sorted(set(truth[PERSON])), offered)
    truth = truth[truth["program_id"].isin(offered)]
    rankings, true_gain = _rankings(rec, ctx, pairs, as_of, k, oracle)
    eligible = set(zip(pairs[PERSON], pairs["program_id"]))
    rows = {}
    for name, ranked in rankings.items():
        m = ranking_metrics(truth, ranked, k, PERSON, "program_id")
        if true_gain is not None:
            # Judged on the hidden truth (benefit x P(complete)) of every candidate of the same
            # people, not only on what they happened to complete.
            m[f"true_ndcg@{k}"] = graded_ndcg(pairs, true_gain, ranked, k, PERSON, "program_id")
        m["coverage"] = catalogue_coverage(ranked, len(offered), k, "program_id")
        m["eligibility"] = float(np.mean([(a, b) in eligible
                                          for a, b in zip(ranked[PERSON], ranked["program_id"])]))
        rows[name] = m
    groups = _ranking_by_group(ctx, truth, rankings["model"], k)
    info = {"users": int(truth[PERSON].nunique()), "relevant_pairs": int(len(truth)),
            "candidates": int(len(pairs)), "offered_programs": len(offered)}
    corrected = None
    if exposure is not None:
        # Every person shown suggestions in the quarter is ranked, not only those who
        # completed something: the estimators average over the people the log covers.
        shown = sorted(set(exposure.loc[exposure["quarter"] == as_of, PERSON])
                       & set(ctx.snap.people.index))
        judged = (_rankings(rec, ctx, candidate_pairs(ctx.snap, shown, offered), as_of, k,
                            oracle)[0] if shown else {})
        corrected = corrected_ranking(judged, truth, exposure, as_of, k)
    return rows, groups, info, corrected


def _ranking_by_group(ctx, truth, ranked, k) -> dict:
    people = ctx.snap.people
    attrs = {"sex": people["sex"], "age_band": age_band(people["age"]),
             "job_family": people["job_family"], "employment_type": people["employment_type"]}
    out = {}
    for attr, values in attrs.items():
        per = {}
        for value, members in values.groupby(values).groups.items():
            t = truth[truth[PERSON].isin(members)]
            if t[PERSON].nunique() >= 10:  # small groups are not reported
                per[str(value)] = ranking_metrics(t, ranked, k, PERSON, "program_id")[f"ndcg@{k}"]
        out[attr] = per
    return out


def engagement_metrics(rec: Recommender, frames, as_of: str) -> dict:
    """P(complete) of the quarter's nominations and P(reaching the duty) of its year, judged on
    what happened, with the base-rate and own-history baselines."""
    qd = prepare_quarter(frames, as_of, rec.config)
    qd.cf = rec.cf_
    ex = engagement_examples(qd, rec.config)
    out: dict = {}
    if not ex.empty:
        p = rec.completion_.predict_proba(ex)
        y = ex["completed"].to_numpy()
        out["completion"] = probability_metrics(y, p)
        out["completion_baselines"] = {
            "base_rate": probability_metrics(y, np.full(len(y), rec.label_rates_["completed"])),
            "person_history": probability_metrics(y, ex["completion_rate"].to_numpy(dtype=float)),
        }
        out["reliability"] = reliability_curve(y, p).to_dict(orient="records")
        band = age_band(ex["age"])
        out["completion_by_age_band"] = {
            str(b): probability_metrics(y[m], p[m]) for b in band.dropna().unique()
            if (m := (band == b).to_numpy()).sum() >= 30}
        checkpoints = checkpoint_metrics(rec, frames, as_of, ex)
        if checkpoints:
            out["checkpoints"] = checkpoints
    year = as_of[:4]
    jp = yearly_jp(frames)
    if (conform(frames)["enrollments"]["quarter"] >= f"{year}Q4").any():
        people = qd.people[qd.snap.people["active"].to_numpy(dtype=bool)]
        total = jp.reindex(pd.MultiIndex.from_arrays([people.index, [year] * len(people)]))
        duty = qd.snap.people.loc[people.index, "jp_duty"].to_numpy()
        y = (np.nan_to_num(total.to_numpy()) >= duty).astype(int)
        out["duty"] = probability_metrics(y, rec.duty_.predict_proba(people))
    else:
        out["duty"] = {"note": f"year {year} is not complete in the data; not evaluated"}
    return out


def checkpoint_metrics(rec: Recommender, frames, as_of: str, examples: pd.DataFrame) -> dict:
    """P(complete) of the quarter's enrolments at each of ``HORIZONS`` by the checkpoint
    engine (what was known by each checkpoint's cutoff), judged on what happened; empty when the
    model has no checkpoint engine or the data no progress checks."""
    engine = getattr(rec, "checkpoint_", None)
    checks = conform(frames)["progress_checks"]
    if engine is None or checks.empty:
        return {}
    rows = stack_checkpoints(with_offerings(examples, frames, as_of), checks,
                             offering_starts(frames), HORIZONS)
    p, y = engine.predict_proba(rows), rows["completed"].to_numpy()
    return {h: probability_metrics(y[m], p[m]) for h in HORIZONS
            if (m := (rows["checkpoint"] == h).to_numpy()).any() and len(np.unique(y[m])) > 1}


def evaluate(frames: dict[str, pd.DataFrame], as_of: str, k: int = 10,
             oracle: Oracle | None = None, recommender: Recommender | None = None,
             progress=None, config: ModelConfig | None = None,
             exposure: pd.DataFrame | None = None) -> dict:
    """Train before ``as_of`` (unless a fitted recommender is given) and test on ``as_of``.

    ``exposure``: the impressions (``person_key``, ``program_id``, ``quarter``, ``propensity``)
    of the suggestions shown; with it, ``ranking_corrected`` adds the exposure-corrected
    estimates of ``model.off_policy`` next to the plain metrics.
    """
    frames = conform(frames)
    rec = recommender or Recommender(config).fit(frames, as_of, progress=progress)
    ranking, groups, info, corrected = _ranking(rec, frames, as_of, k, oracle, exposure)
    result = {"as_of": as_of, "k": k, "ranking": ranking, "ranking_by_group": groups,
              "test_set": info, "engagement": engagement_metrics(rec, frames, as_of),
              "train": rec.describe()}
    if corrected is not None:
        result["ranking_corrected"] = corrected
    model_ndcg = ranking["model"][f"ndcg@{k}"]
    best_base = max(v[f"ndcg@{k}"] for n, v in ranking.items() if n not in ("model", "oracle"))
    result["summary"] = {
        "ndcg_lift_over_best_baseline": model_ndcg / best_base - 1 if best_base > 0 else None,
        "share_of_oracle": (model_ndcg / ranking["oracle"][f"ndcg@{k}"]) if oracle else None,
    }
    return result
