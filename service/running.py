"""Running trainings for the API and the dashboard: who is slipping now, per served model and
data version (``model.slipping``), kept until either changes so that a request after the first
is a lookup, and scoped to what one user may see."""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable
from dataclasses import dataclass

import pandas as pd

from model.slipping import latest_day, score_running
from model.suppression import DEFAULT_THRESHOLD


@dataclass(frozen=True)
class RunningAnalysis:
    """Every running enrolment on ``day``, ranked by risk (stays inside the service)."""

    day: pd.Timestamp
    rows: pd.DataFrame


def analyse(recommender, frames, day: pd.Timestamp | None = None,
            threshold: int = DEFAULT_THRESHOLD) -> RunningAnalysis:
    """The running enrolments on ``day`` (default: ``latest_day`` of the data) with their risk."""
    day = latest_day(frames) if day is None else pd.Timestamp(day).normalize()
    return RunningAnalysis(day, score_running(recommender, frames, day, threshold=threshold))


class RunningCache:
    """The analyses of the latest key (model version, data version, ...) by requested day
    (``None``: the default day), the ``MAX_DAYS`` most recently computed."""

    MAX_DAYS = 8

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._key: Hashable | None = None
        self._by_day: dict[str | None, RunningAnalysis] = {}

    def get(self, key: Hashable, day: str | None,
            compute: Callable[[], RunningAnalysis]) -> RunningAnalysis:
        with self._lock:
            if key != self._key:
                self._key, self._by_day = key, {}
            if day not in self._by_day:
                if len(self._by_day) >= self.MAX_DAYS:
                    self._by_day.pop(next(iter(self._by_day)))
                self._by_day[day] = compute()
            return self._by_day[day]


def summary(rows: pd.DataFrame, threshold: int = DEFAULT_THRESHOLD) -> list[dict]:
    """Per running offering: people and mean risk; offerings of fewer than ``threshold`` people
    in ``rows`` are left out (their number of such offerings is not shown either)."""
    if rows.empty:
        return []
    g = rows.groupby(["program_id", "offering_id"], dropna=False)
    out = pd.DataFrame({"people": g.size(), "mean_risk": g["risk"].mean(),
                        "slipping": g["change"].apply(lambda c: int((c > 0).sum()))})
    out = out[out["people"] >= threshold].reset_index()
    return out.sort_values(["mean_risk", "offering_id"], ascending=[False, True]).to_dict("records")
