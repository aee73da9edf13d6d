"""The running-trainings cache: one computation per (key, day), bounded, reset by a new key."""

import pandas as pd

from service.running import RunningAnalysis, RunningCache


def _analysis(day: str) -> RunningAnalysis:
    return RunningAnalysis(pd.Timestamp(day), pd.DataFrame())


def test_each_day_is_computed_once_per_key_and_old_days_are_dropped():
    cache, calls = RunningCache(), []

    def compute(day):
        def run():
            calls.append(day)
            return _analysis(day or "2026-09-30")
        return run

    first = cache.get("v1", None, compute(None))
    assert cache.get("v1", None, compute(None)) is first and calls == [None]
    days = [f"2026-09-{d:02d}" for d in range(1, RunningCache.MAX_DAYS + 1)]
    for day in days:
        cache.get("v1", day, compute(day))
    assert len(calls) == 1 + len(days)
    cache.get("v1", None, compute(None))  # the oldest (the default day) was dropped
    assert calls[-1] is None and len(calls) == 2 + len(days)
    cache.get("v2", days[-1], compute(days[-1]))  # a new model or data version: recomputed
    assert calls[-1] == days[-1] and len(calls) == 3 + len(days)
