"""Run every benchmark listed here, one after the other: ``python -m benchmarks``."""

from __future__ import annotations

import importlib
import sys

MODULES = (
    "benchmarks.model_quality",
    "benchmarks.decisions_effect",
    "benchmarks.calibration",
    "benchmarks.movielens",
    "benchmarks.cf_speed",
    "benchmarks.import_speed",
    "benchmarks.synthetic_speed",
    "benchmarks.plan_solve",
    "benchmarks.plan_demo",
    "benchmarks.risk_groups",
    "benchmarks.oulad",
    "benchmarks.risk_groups_oulad",
    "benchmarks.serve_latency",
    "benchmarks.load_swap",
    "benchmarks.api_fuzz",
    "benchmarks.scale",
)


def main() -> int:
    """Run each module's ``main()``; return non-zero if any failed."""
    failed = []
    for name in MODULES:
        print(f"== {name}", flush=True)
        try:
            importlib.import_module(name).main([])
        except Exception as exc:  # keep going: one broken benchmark must not hide the others
            print(f"{name} failed: {exc!r}", file=sys.stderr)
            failed.append(name)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
