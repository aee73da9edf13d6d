"""Synthetic data speed: time and peak memory of ``synthetic.generate`` and writing its CSVs.

Cases: 6,000 employees x 5 years and 100,000 x 1 year, each against a 600-employee baseline
with the same years, run in the same session. Each case runs in a fresh process so its peak
resident memory (``ru_maxrss``) is its own. ``scaling`` = (time / baseline time) /
(employees / baseline employees): 1.0 means linear.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "results" / "synthetic_speed.json"
BASELINE_EMPLOYEES = 600
CASES = ((6000, 5), (100_000, 1))
END_QUARTER = "2026Q3"


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run_case(employees: int, years: int, seed: int = 7) -> dict:
    """Generate and write one world in this process; timings in seconds, memory in MB."""
    import numpy as np

    from model.quarters import quarter_end, quarter_start, shift
    from synthetic import generate, write_world
    from synthetic.population import build_population
    from synthetic.units import unit_table

    imported = _rss_mb()
    start = time.perf_counter()
    build_population(np.random.default_rng(seed), unit_table(), employees,
                     quarter_start(shift(END_QUARTER, -(4 * years - 1))), quarter_end(END_QUARTER))
    population_s = time.perf_counter() - start
    start = time.perf_counter()
    world = generate(employees, years, seed, end_quarter=END_QUARTER)
    generate_s = time.perf_counter() - start
    with tempfile.TemporaryDirectory() as folder:
        start = time.perf_counter()
        write_world(world, Path(folder) / "raw", Path(folder) / "truth")
        write_s = time.perf_counter() - start
    return {"employees": employees, "years": years,
            "enrollments": len(world.tables["enrollments"]),
            "assessments": len(world.tables["competency_assessments"]),
            "population_s": round(population_s, 2), "generate_s": round(generate_s, 2),
            "write_csv_s": round(write_s, 2), "peak_rss_mb": round(_rss_mb(), 1),
            "rss_over_imports_mb": round(_rss_mb() - imported, 1)}


def _in_child(employees: int, years: int) -> dict:
    out = subprocess.run([sys.executable, "-m", "benchmarks.synthetic_speed", "--case",
                          str(employees), str(years)], capture_output=True, text=True, check=True,
                         cwd=Path(__file__).resolve().parents[1])
    return json.loads(out.stdout.strip().splitlines()[-1])


def print_table(rows: list[dict]) -> None:
    """Print the results as a fixed-width table."""
    cols = ("employees", "years", "enrollments", "population_s", "generate_s", "write_csv_s",
            "peak_rss_mb", "rss_over_imports_mb", "scaling")
    print("  ".join(f"{c:>19}" for c in cols))
    for row in rows:
        print("  ".join(f"{row.get(c, ''):>19}" for c in cols))


def main(argv: list[str] | None = None) -> dict:
    """Run every case against its baseline, print the table, write the JSON."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--case", nargs=2, type=int, metavar=("EMPLOYEES", "YEARS"),
                        help="run one case in this process and print its JSON (internal)")
    args = parser.parse_args(argv)
    if args.case:
        print(json.dumps(run_case(*args.case)))
        return {}
    rows = []
    for employees, years in CASES:
        base = _in_child(BASELINE_EMPLOYEES, years)
        case = _in_child(employees, years)
        base["scaling"] = 1.0
        case["scaling"] = round((case["generate_s"] / base["generate_s"])
                                / (employees / BASELINE_EMPLOYEES), 2)
        rows += [base, case]
    print_table(rows)
    load = os.getloadavg()[0]
    print(f"load average {load:.2f} on {os.cpu_count()} cores; scaling = time ratio / size "
          "ratio against the 600-employee baseline with the same years (1.0 = linear)")
    result = {"end_quarter": END_QUARTER, "rows": rows, "load_average": load,
              "cpu_count": os.cpu_count()}
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(result, indent=2) + "\n")
    print(f"wrote {RESULTS}")
    return result


if __name__ == "__main__":
    main()
