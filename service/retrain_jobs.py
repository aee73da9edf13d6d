"""One retraining at a time started from the dashboard or the API, run in a background thread.

The model page and `GET /api/v1/model/retrain` show the job; on promotion the served model is reloaded.
(``service.retraining`` holds its own file lock, so a CLI retrain at the same time is refused.)
"""

from __future__ import annotations

import datetime as dt
import threading
from dataclasses import dataclass, field
from typing import Any, Callable


@dataclass
class RetrainJob:
    """The latest retraining: who started it, progress, and outcome."""

    quarter: str | None = None
    actor: str | None = None
    started_at: dt.datetime | None = None
    finished_at: dt.datetime | None = None
    step: str = ""
    status: str | None = None  # promoted / rejected / skipped, or "failed"
    message: str = ""
    running: bool = False
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def start(self, quarter: str, actor: str, run: Callable[[Callable[[str, float], None]], Any],
              after: Callable[[Any], None]) -> bool:
        """Start ``run(progress)`` in a thread unless a job is running; False if one is."""
        with self._lock:
            if self.running:
                return False
            self.quarter, self.actor, self.running = quarter, actor, True
            self.started_at, self.finished_at = dt.datetime.now(dt.UTC), None
            self.step, self.status, self.message = "", None, ""

        def progress(step: str, _fraction: float) -> None:
            self.step = step

        def work() -> None:
            try:
                result = run(progress)
                self.status, self.message = result.status, result.message
                after(result)
            except Exception as exc:  # shown to the admin; the message names no person
                self.status, self.message = "failed", f"{type(exc).__name__}: {exc}"
            finally:
                self.finished_at, self.running = dt.datetime.now(dt.UTC), False

        threading.Thread(target=work, name="retrain", daemon=True).start()
        return True


JOB = RetrainJob()
