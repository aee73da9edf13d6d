"""Engagement calibration: one quarter ahead ("recent") against cross-fitted isotonic ("crossfit").

``python -m benchmarks.calibration [--employees 6000 --years 5 --seeds 7 11]``. For each seed a
synthetic city is generated and, for each test quarter, the recommender is fitted twice on the
quarters before it, changing only ``ModelConfig.engagement_calibration``; P(complete) is judged
on the test quarter's nominations (ROC-AUC, Brier, ECE; the base rate in the same run is the
baseline). Also the duty model out of time: fitted on the quarters before a year, judged on that
year's quarters, with the cross-fitted calibration and with one calibrated on the latest year.
Writes ``benchmarks/results/calibration.json``.
"""

from __future__ import annotations

import argparse
import json
import time
from dataclasses import replace
from pathlib import Path

RESULTS = Path(__file__).parent / "results" / "calibration.json"
QUARTERS = ("2025Q4", "2026Q3")
DUTY_YEARS = ("2024", "2025")
KEY = b"calibration-benchmark-key"
METRICS = ("roc_auc", "brier", "ece")


def _frames(employees: int, years: int, seed: int):
    from model.snapshot import conform
    from service.pseudonym import pseudonymise_tables
    from synthetic import generate

    world = generate(n_employees=employees, years=years, seed=seed)
    return conform(pseudonymise_tables(dict(world.tables), key=KEY))


def completion_rows(frames, seed: int) -> list[dict]:
    """P(complete) on each test quarter with either calibration (only that setting changes)."""
    from model.config import ModelConfig
    from model.evaluation import engagement_metrics
    from model.recommender import Recommender

    rows = []
    for q in QUARTERS:
        for calibration in ("crossfit", "recent"):
            config = replace(ModelConfig(), engagement_calibration=calibration)
            recommender = Recommender(config).fit(frames, q)
            eng = engagement_metrics(recommender, frames, q)
            rows.append({"seed": seed, "test": q, "calibration": calibration,
                         "calibrated_on": recommender.completion_.calibrated_on_,
                         **{m: round(eng["completion"][m], 4) for m in METRICS},
                         "base_rate_brier": round(eng["completion_baselines"]["base_rate"]["brier"], 4)})
            print(_line(rows[-1]), flush=True)
    return rows


def duty_rows(frames, seed: int) -> list[dict]:
    """The duty model fitted before each year and judged on that year's quarters."""
    import numpy as np
    import pandas as pd

    from model.config import ModelConfig
    from model.engagement import DutyModel
    from model.metrics import probability_metrics
    from model.recommender import Recommender
    from model.training_data import QuarterData, duty_examples, training_quarters, yearly_jp

    config = ModelConfig()
    contexts: dict = {}
    jp = yearly_jp(frames)
    shell = Recommender(config)  # only its context() is used: no fit needed

    def examples(q: str) -> pd.DataFrame:
        if q not in contexts:
            contexts[q] = shell.context(frames, q)
        ctx = contexts[q]
        return duty_examples(QuarterData(ctx.snap, ctx.people, None, pd.DataFrame()), jp)

    rows = []
    for year in DUTY_YEARS:
        train = pd.concat([examples(t) for t in training_quarters(f"{year}Q1", config.train_quarters)],
                          ignore_index=True)
        test = pd.concat([examples(f"{year}Q{i}") for i in range(1, 5)], ignore_index=True)
        for calibration in ("crossfit", "recent"):
            # Periods are years here: "recent" calibrates on the latest year of the window.
            duty = DutyModel(seed=config.seed, calibration=calibration)
            duty.fit(train.assign(quarter=train["quarter"].str[:4]))
            p, y = duty.predict_proba(test), test["reached"].to_numpy()
            m = probability_metrics(y, p)
            rows.append({"seed": seed, "test": year, "calibration": calibration,
                         "calibrated_on": duty.calibrated_on_,
                         **{k: round(m[k], 4) for k in METRICS},
                         "mean_predicted": round(float(np.mean(p)), 4),
                         "observed": round(float(np.mean(y)), 4)})
            print(_line(rows[-1]), flush=True)
    return rows


def _line(r: dict) -> str:
    return (f"seed {r['seed']:>3}  {r['test']:>6}  {r['calibration']:>8}  ROC-AUC {r['roc_auc']:.3f}"
            f"  Brier {r['brier']:.4f}  ECE {r['ece']:.3f}")


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--employees", type=int, default=6000)
    parser.add_argument("--years", type=int, default=5)
    parser.add_argument("--seeds", type=int, nargs="+", default=[7, 11])
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    started = time.perf_counter()
    result: dict = {"benchmark": "calibration", "employees": args.employees, "years": args.years,
                    "completion": [], "duty": []}
    for seed in args.seeds:
        frames = _frames(args.employees, args.years, seed)
        print(f"== seed {seed}: P(complete) on the test quarter", flush=True)
        result["completion"] += completion_rows(frames, seed)
        print(f"== seed {seed}: P(reaching the duty), out of time", flush=True)
        result["duty"] += duty_rows(frames, seed)
    result["seconds"] = round(time.perf_counter() - started, 1)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2), encoding="utf-8")
    print(f"wrote {args.out}")
    return result


if __name__ == "__main__":
    main()
