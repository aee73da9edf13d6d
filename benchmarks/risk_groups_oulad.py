"""Risk groups on OULAD: groups of 2014 students with high predicted withdrawal, checked against
what happened.

``python -m benchmarks.risk_groups_oulad [--data ../shared/datasets/oulad]``. Two protocols:

- ``walk-forward`` (the way the product is used, and the check that counts): each 2014
  presentation is predicted by models retrained on the presentations that had ended before it
  started (2014B from 2013B; 2014J from 2013B, 2013J and 2014B), calibrated on the latest of
  them;
- ``fixed`` (for reference): one model trained on all 2013 presentations, cross-fitted
  calibration (the earlier protocol of this benchmark).

Predictions, in each protocol:

- ``engine``: the product's engagement engine through ``service.oulad.run_oulad`` (adapter ->
  import -> ``CompletionModel``), its pre-start P(withdraw);
- ``engine_early``: the same engine's early P(withdraw) (plus progress by the first
  assessment's deadline, which sees the 2014 cohort's own early behaviour);
- ``plain``: a scikit-learn logistic regression on OULAD's own columns (module, demographics,
  credits, previous attempts), trained and calibrated the same way, for comparison.

Groups are discovered with ``model.risk_groups.discover_groups`` over region, age band, highest
education, IMD band and disability, on P(not withdrawing) (a group is at risk when it is
clearly below the cohort). A group *agrees* when its predicted withdrawal interval and the
Wilson interval of its observed 2014 withdrawal rate overlap; its *excess agrees* when the same
holds for both minus their cohort's rate. The walk-forward early groups also go through the
product's risk workbook (``write_report``). Writes ``benchmarks/results/risk_groups_oulad.json``
and ``risk_groups_oulad.xlsx``.
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path

import pandas as pd

RESULTS = Path(__file__).parent / "results" / "risk_groups_oulad.json"
REPORT = RESULTS.with_suffix(".xlsx")  # the risk workbook of the walk-forward early predictions
DEFAULT_DATA = Path(__file__).resolve().parents[2] / "shared" / "datasets" / "oulad"
KEYS = ["code_module", "code_presentation", "id_student"]
ATTRIBUTES = ["region", "age_band", "highest_education", "imd_band", "disability"]
PLAIN_COLUMNS = ["code_module", "gender", *ATTRIBUTES, "num_of_prev_attempts", "studied_credits"]
DISCOVERY = {"min_size": 30, "margin": 0.05, "max_depth": 3}


def _plain_estimator():
    from sklearn.compose import make_column_transformer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import OneHotEncoder, StandardScaler

    numeric = ["num_of_prev_attempts", "studied_credits"]
    cats = [c for c in PLAIN_COLUMNS if c not in numeric]
    prep = make_column_transformer((OneHotEncoder(handle_unknown="ignore"), cats),
                                   (StandardScaler(), numeric))
    return make_pipeline(prep, LogisticRegression(max_iter=1000))


def _plain_x(info: pd.DataFrame) -> pd.DataFrame:
    numeric = ["num_of_prev_attempts", "studied_credits"]
    return info[PLAIN_COLUMNS].fillna({c: "(missing)" for c in PLAIN_COLUMNS if c not in numeric})


def plain_predictions(info: pd.DataFrame) -> pd.Series:
    """P(withdraw) of the 2014 rows from a logistic regression fitted on the 2013 rows."""
    train = info["code_presentation"].str.startswith("2013")
    x = _plain_x(info)
    estimator = _plain_estimator().fit(x[train], info.loc[train, "withdrew"])
    return pd.Series(estimator.predict_proba(x[~train])[:, 1], index=info.index[~train])


def ended_before(courses: pd.DataFrame) -> dict[str, list[str]]:
    """Presentation -> the presentations that had ended (every module) before it started: the
    product's ``known_quarters`` over the adapter's offerings (one presentation per quarter)."""
    from service.adapters.oulad import programs_and_offerings
    from service.oulad import known_quarters

    _, offerings = programs_and_offerings(courses)
    quarter = _quarters_of(courses["code_presentation"])
    code = {q: p for p, q in quarter.items()}
    frames = {"offerings": offerings}
    return {p: [code[k] for k in known_quarters(frames, q)] for p, q in quarter.items()}


def _quarters_of(presentations: pd.Series) -> dict[str, str]:
    """Presentation code -> the quarter it starts in (``2014J`` -> ``2014Q4``)."""
    from model.quarters import quarter_of
    from service.adapters.oulad import presentation_start

    return {p: quarter_of(presentation_start(p)) for p in presentations.unique()}


def plain_walk_forward(info: pd.DataFrame, courses: pd.DataFrame) -> pd.Series:
    """P(withdraw) of the 2014 rows, each presentation from the logistic regression fitted on
    the presentations that had ended before it and calibrated (Platt) on the latest of them,
    as ``CompletionModel(calibration="recent")`` does."""
    from sklearn.calibration import CalibratedClassifierCV
    from sklearn.frozen import FrozenEstimator

    x, y, pres = _plain_x(info), info["withdrew"], info["code_presentation"]
    known = ended_before(courses)
    out = pd.Series(float("nan"), index=info.index)
    for test in sorted(p for p in pres.unique() if not p.startswith("2013")):
        train = known[test]
        if not train:
            raise ValueError(f"no presentation had ended before {test}")
        rows = pres == test
        if len(train) == 1:
            estimator = _plain_estimator().fit(x[pres == train[0]], y[pres == train[0]])
        else:
            older, latest = pres.isin(train[:-1]), pres == train[-1]
            fitted = _plain_estimator().fit(x[older], y[older])
            estimator = CalibratedClassifierCV(FrozenEstimator(fitted), method="sigmoid").fit(
                x[latest], y[latest])
        out[rows] = estimator.predict_proba(x[rows])[:, 1]
    return out.dropna()


def _discover(people: pd.DataFrame, p_withdraw: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The people as stay/stayed and the groups discovered on 1 - ``p_withdraw``."""
    from model.risk_groups import discover_groups

    frame = people.assign(p_stay=1.0 - people[p_withdraw], stayed=1 - people["withdrew"])
    groups = discover_groups(frame, "p_stay", actual_col="stayed", attributes=ATTRIBUTES,
                             **DISCOVERY)
    return frame, groups


def groups_against_outcomes(people: pd.DataFrame, p_withdraw: str) -> dict:
    """Discover groups on 1 - ``p_withdraw`` and compare each with its observed withdrawal."""
    _, groups = _discover(people, p_withdraw)
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


def write_report(people: pd.DataFrame, p_withdraw: str, path: Path, language: str = "en",
                 threshold: int = 10) -> dict:
    """The product's risk workbook for these groups: the discovered groups with the playbook's
    interventions, and predicted vs observed completion (1 - withdrawal) per presentation
    quarter by highest education; nothing under ``threshold`` people is shown."""
    from openpyxl import load_workbook

    from model.playbook import annotate_groups
    from model.trend import participation_trend
    from service.reports.risk_report import write_risk_report

    frame, groups = _discover(people, p_withdraw)
    quarter = _quarters_of(frame["code_presentation"])
    history = pd.DataFrame({"person_key": frame["person_key"],
                            "quarter": frame["code_presentation"].map(quarter),
                            "predicted": frame["p_stay"], "actual": frame["stayed"],
                            "highest_education": frame["highest_education"]})
    trend = participation_trend(history, by="highest_education", threshold=threshold)
    write_risk_report(annotate_groups(groups), trend, path, language=language,
                      threshold=threshold)
    book = load_workbook(path, read_only=True)
    sheets = {ws.title: ws.max_row for ws in book.worksheets}
    book.close()
    return {"file": path.name, "sheets": sheets, "groups": len(groups),
            "trend_cells_hidden": int(trend["suppressed"].sum()),
            "trend": [{k: (round(v, 3) if isinstance(v, float) else v) for k, v in r.items()}
                      for r in trend[trend["group"] == "(all)"].to_dict("records")]}


def _people(info: pd.DataFrame, engine: pd.DataFrame, plain: pd.Series) -> pd.DataFrame:
    engine = engine.assign(id_student=engine["id_student"].astype(str))
    people = info.assign(p_plain=plain)[~info["code_presentation"].str.startswith("2013")].merge(
        engine[KEYS + ["p_withdraw_prestart", "p_withdraw_early"]], on=KEYS, how="inner",
        validate="one_to_one")
    people["person_key"] = people[KEYS].astype(str).agg("|".join, axis=1)
    people[ATTRIBUTES] = people[ATTRIBUTES].fillna("(missing)")
    return people


def _by_presentation(people: pd.DataFrame) -> dict:
    """Mean predicted and observed withdrawal per 2014 presentation (calibration in the large)."""
    cols = {"engine": "p_withdraw_prestart", "engine_early": "p_withdraw_early", "plain": "p_plain"}
    out = {}
    for pres, d in people.groupby("code_presentation"):
        out[pres] = {"observed": round(float(d["withdrew"].mean()), 3),
                     **{k: round(float(d[c].mean()), 3) for k, c in cols.items()}}
    return out


def main(argv: list[str] | None = None) -> dict:
    """Predict, discover, compare under both protocols; print a summary and write the JSON."""
    from service.oulad import run_oulad

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    args = parser.parse_args(argv)
    started = time.perf_counter()
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    info = pd.read_csv(args.data / "studentInfo.csv", dtype={"id_student": str})
    courses = pd.read_csv(args.data / "courses.csv", dtype=str)
    info["withdrew"] = (info["final_result"] == "Withdrawn").astype(int)
    train = info["code_presentation"].str.startswith("2013")
    result = {"benchmark": "risk_groups_oulad", "test": "2014 presentations",
              "withdrawal_2013": round(float(info.loc[train, "withdrew"].mean()), 3),
              "discovery": DISCOVERY, "trained_on": ended_before(courses), "protocols": {}}
    plains = {"walk-forward": plain_walk_forward(info, courses),
              "fixed": plain_predictions(info)}
    for protocol, plain in plains.items():
        with tempfile.TemporaryDirectory(prefix="oulad-risk-") as tmp:
            engine = run_oulad(args.data, Path(tmp), protocol=protocol)
        people = _people(info, engine, plain)
        result["students"] = len(people)
        result["protocols"][protocol] = {
            "by_presentation": _by_presentation(people),
            "engine": groups_against_outcomes(people, "p_withdraw_prestart"),
            "engine_early": groups_against_outcomes(people, "p_withdraw_early"),
            "plain": groups_against_outcomes(people, "p_plain")}
        if protocol == "walk-forward":
            result["report"] = write_report(people, "p_withdraw_early", REPORT)
    result["seconds"] = round(time.perf_counter() - started, 1)
    for protocol, res in result["protocols"].items():
        print(f"== {protocol}: mean predicted / observed withdrawal by presentation")
        for pres, v in res["by_presentation"].items():
            print(f"   {pres}: observed {v['observed']:.3f}  engine {v['engine']:.3f}  "
                  f"engine_early {v['engine_early']:.3f}  plain {v['plain']:.3f}")
        for name in ("engine", "engine_early", "plain"):
            r = res[name]
            print(f"   {name:12} groups {r['groups']:3d}  agreeing {r['agreeing']:3d}  excess "
                  f"agreeing {r['excess_agreeing']:3d}  predicted "
                  f"{r['org_predicted_withdrawal']:.3f}  observed {r['org_observed_withdrawal']:.3f}")
            for d in r["detail"]:
                lo, mid, hi = d["predicted_withdrawal"]
                olo, omid, ohi = d["observed_withdrawal"]
                print(f"      {d['people']:5d} pred {mid:.3f} [{lo:.3f}, {hi:.3f}] obs {omid:.3f} "
                      f"[{olo:.3f}, {ohi:.3f}] {'ok ' if d['agrees'] else 'NO '}"
                      f"{'ok ' if d['excess_agrees'] else 'NO '}{d['rule'][:80]}")
    r = result["report"]
    print(f"== risk workbook {r['file']}: {r['groups']} groups, sheets {r['sheets']}; "
          f"predicted / observed completion by quarter: "
          + ", ".join(f"{t['quarter']} {t['predicted']:.3f}/{t['actual']:.3f}" for t in r["trend"]))
    RESULTS.write_text(json.dumps(result, indent=2), encoding="utf-8")
    return result


if __name__ == "__main__":
    main()
