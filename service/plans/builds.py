"""Plans built in the background: the ``building`` row, a small bounded pool of workers, progress.

Building a plan for every employee (candidates, solve, reasons) takes longer than a request
may, so ``POST /api/v1/plans`` stores a ``building`` row and answers at once; a worker thread
runs the build and turns the row into a ``draft``, or into ``failed`` with the reason. The
status lives in the database; the progress of a running build only in the process running it.
The CLI (``asn-reco plan``) still builds in the foreground with ``creation.create_plan``.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import threading
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any, Callable

import sqlalchemy as sa

from model.planning import PlanConfig, PlanInfeasibleError, PlanInputError, PlanTimeoutError
from service import audit
from service.plans import drafts
from service.storage.schema import plans

log = logging.getLogger(__name__)
BUILDING, FAILED = drafts.BUILDING, drafts.FAILED
Progress = Callable[[str, float], None]
Build = Callable[[str, Progress], Any]
# Failures whose message is written for HR (no ids); anything else is logged, not shown.
EXPECTED = (PlanInputError, PlanInfeasibleError, PlanTimeoutError, drafts.PlanStateError)


class BuildQueueFullError(RuntimeError):
    """Too many plans are building or waiting; try again later."""


def start_row(engine: sa.Engine, *, quarter: str, config: PlanConfig, actor: str,
              model_version: str | None) -> str:
    """Store a new plan with status ``building`` (no lines yet); return its plan_id."""
    plan_id = drafts.new_plan_id()
    with engine.begin() as conn:
        conn.execute(plans.insert().values(
            plan_id=plan_id, quarter=quarter, status=BUILDING,
            budget_idr=float(config.budget_idr), settings=json.dumps(drafts.settings_of(config)),
            candidates=b"", offerings="[]", summary=None, model_version=model_version,
            created_by=actor))
        audit.record(conn, actor, "plan_build", "plan", plan_id,
                     {"quarter": quarter, "budget_idr": config.budget_idr,
                      "model_version": model_version})
    return plan_id


def mark_failed(engine: sa.Engine, plan_id: str, message: str) -> None:
    """Turn a ``building`` plan into ``failed`` with the reason (kept in its summary)."""
    with engine.begin() as conn:
        conn.execute(plans.update().where(plans.c.plan_id == plan_id,
                                          plans.c.status == BUILDING)
                     .values(status=FAILED, summary=json.dumps({"error": message}),
                             solved_at=dt.datetime.now(dt.UTC)))


def failure_message(exc: BaseException) -> str:
    """What HR reads about a failed build."""
    if isinstance(exc, EXPECTED):
        return str(exc)
    return f"the plan could not be built ({type(exc).__name__}); the service log has the details"


class PlanBuilds:
    """A bounded pool of build threads, created on the first build, and their progress."""

    def __init__(self, max_workers: int = 2, max_waiting: int = 8) -> None:
        self.max_workers, self.max_waiting = max_workers, max_waiting
        self._lock = threading.Lock()
        self._pool: ThreadPoolExecutor | None = None
        self._progress: dict[str, tuple[str, float]] = {}

    def start(self, engine: sa.Engine, build: Build, *, quarter: str, config: PlanConfig,
              actor: str, model_version: str | None) -> tuple[str, Future]:
        """Store the ``building`` row and queue ``build(plan_id, progress)``.

        Raises:
            BuildQueueFullError: when ``max_workers + max_waiting`` builds are under way.
        """
        with self._lock:
            if len(self._progress) >= self.max_workers + self.max_waiting:
                raise BuildQueueFullError(f"{len(self._progress)} plans are being built; "
                                          "try again when one is done")
            plan_id = start_row(engine, quarter=quarter, config=config, actor=actor,
                                model_version=model_version)
            self._progress[plan_id] = ("waiting for a worker", 0.0)
            if self._pool is None:
                self._pool = ThreadPoolExecutor(self.max_workers, thread_name_prefix="plan-build")
            future = self._pool.submit(self._run, engine, plan_id, build)
        return plan_id, future

    def progress(self, plan_id: str) -> tuple[str, float] | None:
        """(step, fraction done) of a build running in this process, else None."""
        return self._progress.get(plan_id)

    def shutdown(self, wait: bool = True) -> None:
        """Stop taking builds (waiting for the running ones when ``wait``)."""
        with self._lock:
            pool, self._pool = self._pool, None
        if pool is not None:
            pool.shutdown(wait=wait)

    def _run(self, engine: sa.Engine, plan_id: str, build: Build) -> None:
        def say(step: str, fraction: float) -> None:
            self._progress[plan_id] = (step, fraction)

        try:
            build(plan_id, say)
        except Exception as exc:  # the plan shows ``failed``; the reason is stored for HR
            if not isinstance(exc, EXPECTED):
                log.exception("plan %s: build failed", plan_id)
            try:
                mark_failed(engine, plan_id, failure_message(exc))
            except Exception:  # the database itself failed: the row stays ``building``
                log.exception("plan %s: could not store the failure", plan_id)
        finally:
            self._progress.pop(plan_id, None)


_builds: PlanBuilds | None = None
_builds_lock = threading.Lock()


def get_builds() -> PlanBuilds:
    """The process-wide build pool (created on first use, never at import)."""
    global _builds
    with _builds_lock:
        if _builds is None:
            _builds = PlanBuilds()
        return _builds
