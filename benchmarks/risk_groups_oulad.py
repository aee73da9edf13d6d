"""Risk groups on OULAD: groups of 2014 students with high predicted withdrawal, checked against
what happened.

``python -m benchmarks.risk_groups_oulad [--data ../shared/datasets/oulad]``. Predictions come
from models trained on the 2013 presentations only:

- ``engine``: the product's engagement engine through ``service.oulad.run_oulad`` (adapter ->
  import -> ``CompletionModel``), its pre-start P(withdraw);
- ``engine_early``: the same engine's early P(withdraw) (plus progress by the first
  assessment's deadline, which sees the 2014 cohort's own early behaviour), same check;
- ``plain``: a scikit-learn logistic regression on OULAD's own columns (module, demographics,
  credits, previous attempts), for comparison.

Groups are discovered with ``model.risk_groups.discover_groups`` over region, age band, highest
education, IMD band and disability, on P(not withdrawing) (a group is at risk when it is
clearly below the cohort). A group *agrees* when its predicted withdrawal interval and the
Wilson interval of its observed 2014 withdrawal rate overlap; its *excess agrees* when the same
holds for both minus their cohort's rate (withdrawal rose from about 0.28 in 2013 to 0.34 in
2014 for everyone, which no model trained on 2013 can know). Writes
``benchmarks/results/risk_groups_oulad.json``.
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path

import pandas as pd

RESULTS = Path(__file__).parent / "results" / "risk_groups_oulad.json"
DEFAULT_DATA = Path(__file__).resolve().parents[2] / "shared" / "datasets" / "oulad"
KEYS = ["code_module", "code_presentation", "id_student"]
ATTRIBUTES = ["region", "age_band", "highest_education", "imd_band", "disability"]
PLAIN_COLUMNS = ["code_module", "gender", *ATTRIBUTES, "num_of_prev_attempts", "studied_credits"]
DISCOVERY = {"min_size": 30, "margin": 0.05, "max_depth": 3}


def plain_predictions(info: pd.DataFrame) -> pd.Series:
    """P(withdraw) of the 2014 rows from a logistic regression fitted on the 2013 rows."""
    from sklearn.compose import make_column_transformer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import OneHotEncoder, StandardScaler

    numeric = ["num_of_prev_attempts", "studied_credits"]
    cats = [c for c in PLAIN_COLUMNS if c not in numeric]
    prep = make_column_transformer((OneHotEncoder(handle_unknown="ignore"), cats),
                                   (StandardScaler(), numeric))
    estimator = make_pipeline(prep, LogisticRegression(max_iter=1000))
    train = info["code_presentation"].str.startswith("2013")
    x = info[PLAIN_COLUMNS].fillna({c: "(missing)" for c in cats})
    estimator.fit(x[train], info.loc[train, "withdrew"])
    return pd.Series(estimator.predict_proba(x[~train])[:, 1], index=info.index[~train])


def groups_against_outcomes(people: pd.DataFrame, p_withdraw: str) -> dict:
    """Discover groups on 1 - ``p_withdraw`` and compare each with its observed withdrawal."""
    from model.risk_groups import discover_groups

    frame = people.assign(p_stay=1.0 - people[p_withdraw], stayed=1 - people["withdrew"])
    groups = discover_groups(frame, "p_stay", actual_col="stayed", attributes=ATTRIBUTES,
                             **DISCOVERY)
    org_pred, org_seen = float(people[p_withdraw].mean()), float(people["withdrew"].mean())
    rows = []
    for _, g in groups.iterrows():
        pred = (1 - g["predicted_high"], 1 - g["predicted"], 1 - g["predicted_low"])
        seen = (1 - g["actual_high"], 1 - g["actual"], 1 - g["actual_low"])
        # Excess over the cohort: insensitive to a cohort-wide shift between 2013 and 2014.
        pred_gap, seen_gap = [v - org_pred for v in pred], [v - org_seen for v in seen]
        rows.append({"rule": g["rule_en"], "people": int(g["people"]),
                     "predicted_withdrawal": [round(v, 3) for v in pred],
                     "observed_withdrawal": [round(v, 3) for v in seen],
                     "agrees": bool(pred[0] <= seen[2] and seen[0] <= pred[2]),
                     "excess_agrees": bool(pred_gap[0] <= seen_gap[2]
                                           and seen_gap[0] <= pred_gap[2])})
    return {"org_predicted_withdrawal": round(org_pred, 3),
            "org_observed_withdrawal": round(org_seen, 3),
            "groups": len(rows), "agreeing": sum(r["agrees"] for r in rows),
            "excess_agreeing": sum(r["excess_agrees"] for r in rows),
            "observed_higher_than_cohort": sum(r["observed_withdrawal"][0] > org_seen
                                               for r in rows),
            "detail": rows}


def main(argv: list[str] | None = None) -> dict:
    """Predict, discover, compare; print a summary and write the JSON."""
    from service.oulad import run_oulad

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    args = parser.parse_args(argv)
    started = time.perf_counter()
    info = pd.read_csv(args.data / "studentInfo.csv", dtype={"id_student": str})
    info["withdrew"] = (info["final_result"] == "Withdrawn").astype(int)
    info["p_plain"] = plain_predictions(info)
    with tempfile.TemporaryDirectory(prefix="oulad-risk-") as tmp:
        engine = run_oulad(args.data, Path(tmp))
    engine["id_student"] = engine["id_student"].astype(str)
    people = info[~info["code_presentation"].str.startswith("2013")].merge(
        engine[KEYS + ["p_withdraw_prestart", "p_withdraw_early"]], on=KEYS, how="inner", validate="one_to_one")
    people["person_key"] = people[KEYS].astype(str).agg("|".join, axis=1)
    people[ATTRIBUTES] = people[ATTRIBUTES].fillna("(missing)")
    train = info["code_presentation"].str.startswith("2013")
    result = {"benchmark": "risk_groups_oulad", "test": "2014 presentations, trained on 2013",
              "students": len(people),
              "withdrawal_2013": round(float(info.loc[train, "withdrew"].mean()), 3), "discovery": DISCOVERY,
              "engine": groups_against_outcomes(people, "p_withdraw_prestart"),
              "engine_early": groups_against_outcomes(people, "p_withdraw_early"),
              "plain": groups_against_outcomes(people, "p_plain"),
              "seconds": round(time.perf_counter() - started, 1)}
    for name in ("engine", "engine_early", "plain"):
        r = result[name]
        print(f"{name:7} groups {r['groups']:3d}  agreeing {r['agreeing']:3d}  excess agreeing "
              f"{r['excess_agreeing']:3d}  predicted "
              f"{r['org_predicted_withdrawal']:.3f}  observed {r['org_observed_withdrawal']:.3f}")
        for d in r["detail"]:
            print(f"   {d['people']:5d} pred {d['predicted_withdrawal'][1]:.3f} "
                  f"obs {d['observed_withdrawal'][1]:.3f} {'ok ' if d['agrees'] else 'NO '}"
                  f"{'ok ' if d['excess_agrees'] else 'NO '}"
                  f"{d['rule'][:90]}")
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(result, indent=2), encoding="utf-8")
    return result


if __name__ == "__main__":
    main()
