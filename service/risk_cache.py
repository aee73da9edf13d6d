"""The risk analysis, kept per served model and data version and computed ahead of requests.

The groups of one (model version, data version, quarter) take seconds; their trend rebuilds a
snapshot per past quarter and takes much longer. ``RiskCache`` computes the groups once per key
and fills the trend in a background thread, so a request never waits for the trend;
``keep_warm`` watches the model server and precomputes whenever the served key changes, so
the first request after a new model or new data is answered from the cache too.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Hashable
from typing import Any

import pandas as pd

from service.risk import RiskAnalysis

log = logging.getLogger(__name__)


class RiskCache:
    """One analysis for the latest key; its trend arrives later (``trend_pending``)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()  # one analysis at a time
        self._key: Hashable | None = None
        self._analysis: RiskAnalysis | None = None
        self._trend_thread: threading.Thread | None = None
        self.last_error: str | None = None

    def get(self, key: Hashable, groups: Callable[[], RiskAnalysis],
            history: Callable[[], pd.DataFrame] | None = None) -> RiskAnalysis:
        """The analysis of ``key``, computing its groups now if needed.

        Args:
            key: what the analysis depends on, e.g. (model version, data version, quarter).
            groups: computes the analysis without its trend.
            history: computes the trend history (run in a background thread), or None.
        """
        with self._lock:
            if self._key == key and self._analysis is not None:
                return self._analysis
            analysis = groups()
            self._key, self._analysis = key, analysis
            if history is not None:
                self._trend_thread = threading.Thread(
                    target=self._fill_trend, args=(key, analysis, history),
                    name="risk-trend", daemon=True)
                self._trend_thread.start()
            return analysis

    def trend_pending(self, analysis: RiskAnalysis) -> bool:
        """True while the analysis' trend is still being computed."""
        thread = self._trend_thread
        return (analysis.history is None and thread is not None and thread.is_alive()
                and self._analysis is analysis)

    def wait_trend(self, timeout: float = 60.0) -> bool:
        """Wait for the running trend computation; False on timeout."""
        thread = self._trend_thread
        if thread is not None:
            thread.join(timeout)
            return not thread.is_alive()
        return True

    def _fill_trend(self, key: Hashable, analysis: RiskAnalysis,
                    history: Callable[[], pd.DataFrame]) -> None:
        try:
            trend = history()
        except Exception as exc:  # the groups stay served without a trend
            self.last_error = f"risk trend failed: {type(exc).__name__}: {exc}"
            log.warning("%s", self.last_error)
            return
        if self._key == key:
            analysis.history = trend


def keep_warm(cache: RiskCache, server: Any, compute: Callable[[Any], tuple],
              stop: threading.Event, poll_seconds: float = 5.0) -> threading.Thread:
    """Start a daemon thread that precomputes the analysis whenever the served key changes.

    Args:
        cache: the cache requests read.
        server: a ``ModelServer`` (its ``state`` is the served model and context, or None).
        compute: state -> (key, groups callable, history callable), as requests call ``get``.
        stop: set to end the thread.
        poll_seconds: how often the server's state is checked.
    """
    def loop() -> None:
        failed = None  # a key that failed is not retried until the server's state changes
        while not stop.is_set():
            state = server.state
            if state is not None:
                key, groups, history = compute(state)
                if key != failed:
                    try:
                        cache.get(key, groups, history)
                    except Exception as exc:  # requests then compute it themselves
                        failed = key
                        cache.last_error = f"risk precompute failed: {type(exc).__name__}: {exc}"
                        log.warning("%s", cache.last_error)
            stop.wait(poll_seconds)

    thread = threading.Thread(target=loop, name="risk-warm", daemon=True)
    thread.start()
    return thread
