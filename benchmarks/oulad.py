"""OULAD withdrawal on the 2014 presentations: the product's checkpoint engine against a plain
gradient boosting, at every horizon, in both protocols.

Usage: ``python -m benchmarks.oulad [--data ../shared/datasets/oulad]``. Runs the same path as
``asn-reco oulad`` (adapter -> import -> model frames -> checkpoint engine) with
``--protocol fixed`` (one model on 2013) and ``--protocol walk-forward`` (each 2014
presentation from what had ended before it started) and scores ``p_withdraw_<horizon>`` for
``HORIZONS`` (before the start, after the first assessment's deadline, days 30, 60 and 90) with
ROC-AUC, Brier score and ECE. In the same run and protocol (the same training presentations) the
plain baseline is a ``HistGradientBoostingClassifier`` on OULAD's own columns: module, region,
education, IMD band, age band, previous attempts, studied credits, registration day and, after
day D, the non-exam assessments due by D (how many were due, handed in by their deadline, that
share, their mean and lowest score). Never sex, disability or ``date_unregistration``.
Writes ``benchmarks/results/oulad.json``.
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
from sklearn.metrics import brier_score_loss, roc_auc_score

from model.checkpoints import HORIZONS, day_of
from model.metrics import expected_calibration_error
from service.oulad import run_oulad

RESULTS = Path(__file__).parent / "results"
DEFAULT_DATA = Path(__file__).resolve().parents[2] / "shared" / "datasets" / "oulad"
KEYS = ["code_module", "code_presentation", "id_student"]
PLAIN = ["code_module", "region", "highest_education", "imd_band", "age_band",
         "num_of_prev_attempts", "studied_credits", "date_registration"]
PLAIN_PROGRESS = ["due", "on_time", "share_on_time", "mean_score", "min_score"]
# Presentation -> the presentations that had ended before it started (walk-forward).
# Filled from the engine's own run (service.oulad.known_quarters) in ``main``.
MARGIN = 0.01


def metrics(y: np.ndarray, p: np.ndarray) -> dict:
    """ROC-AUC, Brier score and ECE (10 bins) of P(withdraw) ``p`` for labels ``y``."""
    return {"roc_auc": float(roc_auc_score(y, p)), "brier": float(brier_score_loss(y, p)),
            "ece": float(expected_calibration_error(y, p)), "mean_predicted": float(np.mean(p)),
            "n": int(len(y))}


def plain_frame(data: Path) -> pd.DataFrame:
    """One row per registration: the plain columns and ``withdrawn``."""
    info = pd.read_csv(data / "studentInfo.csv")
    reg = pd.read_csv(data / "studentRegistration.csv")[KEYS + ["date_registration"]]
    d = info.merge(reg, on=KEYS, how="left", validate="one_to_one")
    d["withdrawn"] = (d["final_result"] == "Withdrawn").astype(int)
    return d[KEYS + [c for c in PLAIN if c not in KEYS] + ["withdrawn"]]


def plain_progress(data: Path, horizon: str) -> pd.DataFrame:
    """Per registration, the non-exam assessments due by the horizon's day (``early``: the
    presentation's first one): how many, handed in by the deadline, share, mean and lowest score."""
    ass = pd.read_csv(data / "assessments.csv")
    ass = ass[ass["assessment_type"] != "Exam"].dropna(subset=["date"])
    pres = ["code_module", "code_presentation"]
    if horizon == "early":
        day = ass.groupby(pres)["date"].transform("min")
    else:
        day = pd.Series(float(day_of(horizon)), index=ass.index)
    ass = ass[ass["date"] <= day]
    info = pd.read_csv(data / "studentInfo.csv")[KEYS]
    due = info.merge(ass[pres + ["id_assessment", "date"]], on=pres)
    sub = pd.read_csv(data / "studentAssessment.csv", na_values="?")
    due = due.merge(sub[["id_student", "id_assessment", "date_submitted", "score"]],
                    on=["id_student", "id_assessment"], how="left")
    on_time = due["date_submitted"].notna() & (due["date_submitted"] <= due["date"])
    due = due.assign(on_time=on_time, score=due["score"].where(on_time))
    g = due.groupby(KEYS)
    out = pd.DataFrame({"due": g.size(), "on_time": g["on_time"].sum(),
                        "mean_score": g["score"].mean(), "min_score": g["score"].min()})
    out["share_on_time"] = out["on_time"] / out["due"]
    return out.reset_index()


def plain_predictions(data: Path, train_for: dict[str, list[str]]) -> pd.DataFrame:
    """P(withdraw) of the plain baseline for every horizon; ``train_for`` maps each predicted
    presentation to its training presentations."""
    d = plain_frame(data)
    progress = {h: d.merge(plain_progress(data, h), on=KEYS, how="left")
                for h in HORIZONS if h != "prestart"}
    out = []
    for test, train in train_for.items():
        block = d.loc[d["code_presentation"] == test, KEYS].copy()
        for h in HORIZONS:
            cols = PLAIN
            frame = d.copy()
            if h != "prestart":
                frame = progress[h].copy()
                frame["due"] = frame["due"].fillna(0)
                frame["on_time"] = frame["on_time"].fillna(0)
                cols = PLAIN + PLAIN_PROGRESS
            for col in PLAIN[:5]:
                frame[col] = frame[col].astype("category")
            fit = frame["code_presentation"].isin(train).to_numpy()
            est = HistGradientBoostingClassifier(categorical_features="from_dtype",
                                                 random_state=0)
            est.fit(frame.loc[fit, cols], frame.loc[fit, "withdrawn"])
            rows = frame[frame["code_presentation"] == test]
            p = pd.Series(est.predict_proba(rows[cols])[:, 1], index=rows.index)
            block[f"p_withdraw_{h}"] = p.reindex(block.index).to_numpy()
        out.append(block)
    return pd.concat(out, ignore_index=True)


def _presentations(trained_on: dict[str, list[str]]) -> dict[str, list[str]]:
    """Engine quarters -> OULAD presentations (2014Q1 -> 2014B, 2014Q4 -> 2014J)."""
    label = {"Q1": "B", "Q4": "J"}
    return {f"{q[:4]}{label[q[4:]]}": [f"{t[:4]}{label[t[4:]]}" for t in train]
            for q, train in trained_on.items()}


def table(rows: dict) -> str:
    """The engine vs plain table in Markdown (ROC-AUC / Brier / ECE)."""
    lines = ["| protocol | horizon | engine ROC-AUC | plain ROC-AUC | engine Brier | plain Brier "
             "| engine ECE | plain ECE |", "| --- | --- | --- | --- | --- | --- | --- | --- |"]
    for protocol, by_h in rows.items():
        for h, r in by_h.items():
            e, p = r["engine"], r["plain"]
            lines.append(f"| {protocol} | {h} | {e['roc_auc']:.3f} | {p['roc_auc']:.3f} | "
                         f"{e['brier']:.4f} | {p['brier']:.4f} | {e['ece']:.3f} | {p['ece']:.3f} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    args = parser.parse_args(argv)
    truth = plain_frame(args.data).assign(id_student=lambda f: f["id_student"].astype(str))
    rows, seconds, trained = {}, {}, {}
    for protocol in ("fixed", "walk-forward"):
        started = time.perf_counter()
        found: dict = {}
        with tempfile.TemporaryDirectory(prefix="oulad-bench-") as tmp:
            preds = run_oulad(args.data, Path(tmp), protocol=protocol, trained_on=found)
        seconds[protocol] = round(time.perf_counter() - started, 1)
        trained[protocol] = _presentations(found)
        plain = plain_predictions(args.data, trained[protocol])
        plain["id_student"] = plain["id_student"].astype(str)
        got = preds.merge(truth[KEYS + ["withdrawn"]], on=KEYS, how="left", validate="one_to_one")
        got = got.merge(plain, on=KEYS, how="left", suffixes=("", "_plain"),
                        validate="one_to_one")
        y = got["withdrawn"].to_numpy()
        rows[protocol] = {h: {"engine": metrics(y, got[f"p_withdraw_{h}"].to_numpy()),
                              "plain": metrics(y, got[f"p_withdraw_{h}_plain"].to_numpy())}
                          for h in HORIZONS}
    text = table(rows)
    print(text)
    beats = {f"{pr} {h}": (r["engine"]["roc_auc"] >= r["plain"]["roc_auc"] + MARGIN
                           and r["engine"]["brier"] <= r["plain"]["brier"]
                           and r["engine"]["ece"] <= r["plain"]["ece"])
             for pr, by_h in rows.items() for h, r in by_h.items()}
    result = {
        "test": "2014 presentations; fixed: trained on 2013; walk-forward: each presentation "
                "trained on the presentations that had ended before it started",
        "withdrawn_rate": float(truth.loc[truth["code_presentation"].str.startswith("2014"),
                                          "withdrawn"].mean()),
        "trained_on": trained, "rows": rows, "table": text,
        "engine_beats_plain": beats, "all_beat": all(beats.values()),
        "engine_seconds": seconds,
    }
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "oulad.json").write_text(json.dumps(result, indent=2))
    print(f"engine >= plain + {MARGIN} ROC-AUC with Brier and ECE no worse everywhere: "
          f"{result['all_beat']}")
    print(f"wrote {RESULTS / 'oulad.json'}")
    return result


if __name__ == "__main__":
    main()
