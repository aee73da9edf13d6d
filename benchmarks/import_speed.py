"""Import speed: validated import of 6,000 employees and ~100k enrollments into fresh SQLite.

Compares, in the same run, the full import (``import_paths``), a re-import of the same files
(an upsert that changes nothing) and a baseline without validation (pandas ``read_csv`` +
``DataFrame.to_sql``). Run ``python -m benchmarks.import_speed``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sqlite3
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

from model import glossary as g
from model.identifiers import make_nip
from service.ingest.importer import import_paths
from service.ingest.readers import Limits
from service.storage.engine import get_engine, init_db

RESULTS = Path(__file__).parent / "results" / "import_speed.json"
TARGET_SECONDS = 30.0


def build_files(folder: Path, employees: int, enrollments: int, seed: int = 0) -> dict[str, int]:
    """Write a random, valid set of canonical CSV files; return rows per table."""
    rng = np.random.default_rng(seed)
    units = pd.DataFrame({"unit": [f"Dinas {i:02d}" for i in range(40)],
                          "sector": rng.choice(g.UNIT_SECTORS, 40)})
    births = pd.Timestamp("1965-01-01") + pd.to_timedelta(rng.integers(0, 12000, employees), "D")
    nips, sexes = [], rng.choice(["M", "F"], employees)
    for i, (birth, sex) in enumerate(zip(births, sexes)):
        appointed = dt.date(birth.year + 22 + int(rng.integers(0, 10)), int(rng.integers(1, 13)), 1)
        nips.append(make_nip(birth.date(), appointed, sex, i % 1000))
    staff = pd.DataFrame({
        "employee_id": nips, "name": [f"Pegawai {i}" for i in range(employees)], "sex": sexes,
        "birth_date": [b.date().isoformat() for b in births], "employment_type": "PNS",
        "grade": rng.choice(g.PNS_GRADES, employees), "job_kind": rng.choice(g.JOB_KINDS, employees),
        "position": "Staf", "unit": rng.choice(units["unit"], employees), "education": "S1",
        "active": "true",
    })
    programs = pd.DataFrame({"program_id": [f"P{i:03d}" for i in range(60)],
                             "title": [f"Pelatihan {i}" for i in range(60)],
                             "delivery": rng.choice(list(g.DELIVERIES), 60),
                             "jp": rng.integers(4, 80, 60)})
    offerings = pd.DataFrame({"offering_id": [f"O{i:04d}" for i in range(300)],
                              "program_id": rng.choice(programs["program_id"], 300),
                              "start_date": "2025-03-01", "end_date": "2025-03-05", "seats": 40})
    # Unique (employee, offering) pairs; the date makes the natural key unique.
    picks = rng.choice(employees * len(offerings), size=enrollments, replace=False)
    offer = offerings.iloc[picks % len(offerings)].reset_index(drop=True)
    days = pd.to_timedelta(rng.integers(0, 730, enrollments), "D")
    enrolled = pd.DataFrame({
        "employee_id": np.asarray(nips)[picks // len(offerings)],
        "program_id": offer["program_id"], "offering_id": offer["offering_id"],
        "date": (pd.Timestamp("2023-01-01") + days).strftime("%Y-%m-%d"),
        "status": rng.choice(g.ENROLLMENT_STATUSES, enrollments),
        "jp_earned": rng.integers(0, 40, enrollments), "source": rng.choice(g.ENROLLMENT_SOURCES, enrollments),
    }).drop_duplicates(["employee_id", "program_id", "date"])
    tables = {"units": units, "employees": staff, "programs": programs, "offerings": offerings,
              "enrollments": enrolled}
    for name, frame in tables.items():
        frame.to_csv(folder / f"{name}.csv", index=False)
    return {name: len(frame) for name, frame in tables.items()}


def baseline(folder: Path, db: Path) -> float:
    """Seconds to load the same files with read_csv + to_sql, no validation or upsert."""
    started = time.perf_counter()
    with sqlite3.connect(db) as conn:
        for name in ("units", "employees", "programs", "offerings", "enrollments"):
            pd.read_csv(folder / f"{name}.csv", dtype=str).to_sql(name, conn, index=False)
    return time.perf_counter() - started


def main(argv: list[str] | None = None) -> dict:
    """Run the benchmark, print a table and write the JSON results."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks.import_speed")
    parser.add_argument("--employees", type=int, default=6000)
    parser.add_argument("--enrollments", type=int, default=100_000)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "files"
        folder.mkdir()
        rows = build_files(folder, args.employees, args.enrollments)
        limits = Limits(max_bytes=10**9, max_rows=10**7)
        engine = get_engine(f"sqlite:///{Path(tmp) / 'asn.db'}")
        init_db(engine)
        timings: dict[str, float] = {}
        for run in ("full import", "re-import (no-op)"):
            report = import_paths([folder], engine, limits=limits)
            if not report.ok:
                raise RuntimeError(f"benchmark data is invalid: {report.problems[:3]}")
            timings[run] = report.seconds
        engine.dispose()
        timings["baseline read_csv+to_sql"] = baseline(folder, Path(tmp) / "baseline.db")
    result = {
        "rows": rows, "total_rows": sum(rows.values()), "seconds": timings,
        "target_seconds": TARGET_SECONDS,
        "meets_target": timings["full import"] < TARGET_SECONDS,
        "slowdown_vs_baseline": timings["full import"] / timings["baseline read_csv+to_sql"],
    }
    base = timings["baseline read_csv+to_sql"]
    print(f"{'run':<28}{'seconds':>9}{'rows/s':>11}{'x baseline':>12}")
    for run, seconds in timings.items():
        print(f"{run:<28}{seconds:>9.2f}{result['total_rows'] / seconds:>11,.0f}"
              f"{seconds / base:>12.1f}")
    print(f"rows: {rows}; target full import < {TARGET_SECONDS:.0f} s: "
          f"{'met' if result['meets_target'] else 'NOT met'}")
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(result, indent=2))
    return result


if __name__ == "__main__":
    main()
