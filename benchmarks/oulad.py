"""OULAD withdrawal on 2014, trained on 2013: the product's engine against a plain baseline.

The engine is also run walk-forward (``run_oulad(protocol="walk-forward")``, the way the product
is used): the rows marked so are not comparable with the published 2013 -> 2014 figures.

Usage: ``python -m benchmarks.oulad [--data ../shared/datasets/oulad]``. Runs the same path as
``asn-reco oulad`` (adapter -> import -> model frames -> engagement model) and scores
``p_withdraw_prestart`` and ``p_withdraw_early`` on the 2014 presentations with ROC-AUC, PR-AUC
and Brier score. The baseline, in the same run, is a plain scikit-learn gradient boosting on
OULAD's obvious columns (module, demographics, credits, previous attempts, registration day;
for early also the first assessment submitted on time and its score), never
``date_unregistration``. Writes ``benchmarks/results/oulad.json``.
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.metrics import average_precision_score, brier_score_loss, roc_auc_score

from service.oulad import run_oulad

RESULTS = Path(__file__).parent / "results"
DEFAULT_DATA = Path(__file__).resolve().parents[2] / "shared" / "datasets" / "oulad"
KEYS = ["code_module", "code_presentation", "id_student"]
TARGETS = {"pre-start": 0.68, "early": 0.85}
OBVIOUS = ["code_module", "gender", "region", "highest_education", "imd_band", "age_band",
           "num_of_prev_attempts", "studied_credits", "disability", "date_registration"]


def metrics(y: np.ndarray, p: np.ndarray) -> dict:
    """ROC-AUC, PR-AUC and Brier score of probabilities ``p`` for labels ``y``."""
    return {"roc_auc": float(roc_auc_score(y, p)), "pr_auc": float(average_precision_score(y, p)),
            "brier": float(brier_score_loss(y, p)), "mean_predicted": float(np.mean(p)),
            "n": int(len(y))}


def _first_assessment(data: Path) -> pd.DataFrame:
    ass = pd.read_csv(data / "assessments.csv")
    ass = ass[ass["assessment_type"] != "Exam"].dropna(subset=["date"])
    day_one = ass.groupby(["code_module", "code_presentation"])["date"].transform("min")
    first = ass[ass["date"] == day_one]
    sub = pd.read_csv(data / "studentAssessment.csv", na_values="?")
    sub = sub.merge(first, on="id_assessment")
    sub = sub[sub["date_submitted"] <= sub["date"]]
    return sub.groupby(KEYS, as_index=False).agg(first_on_time=("score", "size"),
                                                 first_score=("score", "mean"))


def baseline(data: Path) -> pd.DataFrame:
    """Plain gradient boosting on the obvious columns, 2013 -> 2014: pre-start and early."""
    info = pd.read_csv(data / "studentInfo.csv")
    reg = pd.read_csv(data / "studentRegistration.csv")[KEYS + ["date_registration"]]
    d = info.merge(reg, on=KEYS).merge(_first_assessment(data), on=KEYS, how="left")
    d["first_on_time"] = d["first_on_time"].fillna(0)
    for col in OBVIOUS:
        if not pd.api.types.is_numeric_dtype(d[col]):
            d[col] = d[col].astype("category")
    y = (d["final_result"] == "Withdrawn").astype(int)
    train = d["code_presentation"].str.startswith("2013").to_numpy()
    out = d.loc[~train, KEYS].copy()
    early = OBVIOUS + ["first_on_time", "first_score"]
    for name, cols in (("pre-start", OBVIOUS), ("early", early)):
        est = HistGradientBoostingClassifier(categorical_features="from_dtype", random_state=0)
        est.fit(d.loc[train, cols], y[train])
        out[name] = est.predict_proba(d.loc[~train, cols])[:, 1]
    return out


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    args = parser.parse_args(argv)
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="oulad-bench-") as tmp:
        preds = run_oulad(args.data, Path(tmp), protocol="fixed")
    engine_seconds = time.perf_counter() - started
    with tempfile.TemporaryDirectory(prefix="oulad-bench-") as tmp:
        walk = run_oulad(args.data, Path(tmp), protocol="walk-forward")
    info = pd.read_csv(args.data / "studentInfo.csv", dtype={"id_student": str})
    truth = preds.merge(info[KEYS + ["final_result"]], on=KEYS, how="left", validate="one_to_one")
    walk = truth[KEYS].merge(walk, on=KEYS, how="left", validate="one_to_one")
    y = (truth["final_result"] == "Withdrawn").astype(int).to_numpy()
    base = baseline(args.data).assign(id_student=lambda f: f["id_student"].astype(str))
    base = truth[KEYS].merge(base, on=KEYS, how="left", validate="one_to_one")
    rows = {
        "engine pre-start": metrics(y, truth["p_withdraw_prestart"].to_numpy()),
        "engine early": metrics(y, truth["p_withdraw_early"].to_numpy()),
        "baseline GB pre-start": metrics(y, base["pre-start"].to_numpy()),
        "baseline GB early": metrics(y, base["early"].to_numpy()),
        # The way the product is used: retrained before each presentation on what had ended.
        "engine pre-start, walk-forward": metrics(y, walk["p_withdraw_prestart"].to_numpy()),
        "engine early, walk-forward": metrics(y, walk["p_withdraw_early"].to_numpy()),
    }
    print(f"{'model':32} {'roc_auc':>8} {'pr_auc':>8} {'brier':>8} {'mean':>6} {'n':>7}")
    for name, m in rows.items():
        print(f"{name:32} {m['roc_auc']:8.3f} {m['pr_auc']:8.3f} {m['brier']:8.3f} "
              f"{m['mean_predicted']:6.3f} {m['n']:7d}")
    result = {
        "test": "2014 presentations (trained on 2013; walk-forward rows: each presentation "
                "trained on the presentations that had ended before it)",
        "withdrawn_rate": float(y.mean()),
        "rows": rows, "targets_roc_auc": TARGETS,
        "meets_targets": {k: rows[f"engine {k}"]["roc_auc"] >= v for k, v in TARGETS.items()},
        "engine_seconds": round(engine_seconds, 1),
    }
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "oulad.json").write_text(json.dumps(result, indent=2))
    print(f"wrote {RESULTS / 'oulad.json'}")
    return result


if __name__ == "__main__":
    main()
