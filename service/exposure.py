"""The exposure log: which suggestions were shown to whom, at which rank, by which model.

Every list of suggestions the service shows (the API, the profile page, an export) is logged as
impressions, one row per item: the person's pseudonymous key (never a NIP or a name), the
program, rank, score, model version, time, the surface (``api``, ``page`` or ``export``) and
the client (the username that asked). The next evaluation reads them to know what HR saw.

Writing happens off the request path: ``shown`` appends to an in-memory buffer and returns; a
background thread writes the buffer in one transaction every ``flush_seconds`` (sooner when
``batch_rows`` are waiting) and at shutdown. The buffer is bounded (``max_rows``): when the
database cannot keep up, the oldest waiting rows are dropped and counted (``dropped``), so a
slow disk never stalls a request or exhausts memory. A crash loses at most what was waiting
(a few seconds of impressions); the audit log, written in the request's transaction, still
records every read. Rows older than ``retention_days`` are deleted by the same thread.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
import uuid
from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass

import sqlalchemy as sa

from service.pseudonym import person_key
from service.storage.schema import impressions

log = logging.getLogger(__name__)
SURFACES = ("api", "page", "export")
PURGE_EVERY = dt.timedelta(hours=1)


@dataclass(frozen=True)
class Shown:
    """One list as shown: whose it is and its items as (program_id, score, explored[,
    propensity]), the propensity being the probability the item was shown in that slot
    (``model.exploration``; none when unknown)."""

    employee_id: str
    items: list[tuple[str, float | None, bool]]


class ExposureLog:
    """A bounded, batched writer of impressions (see the module docstring)."""

    def __init__(self, engine: sa.Engine, key: bytes, *, batch_rows: int = 500,
                 max_rows: int = 200_000, flush_seconds: float = 5.0,
                 retention_days: int = 400):
        self.engine = engine
        self.key = key
        self.batch_rows = batch_rows
        self.max_rows = max_rows
        self.flush_seconds = flush_seconds
        self.retention_days = retention_days
        self.dropped = 0
        self.written = 0
        self._rows: deque[dict] = deque()
        self._lock = threading.Lock()
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._purged_at: dt.datetime | None = None

    def shown(self, lists: Iterable[Shown], *, surface: str, client: str | None,
              model_version: str | None) -> None:
        """Queue the impressions of ``lists`` (returns at once; the thread writes them)."""
        if surface not in SURFACES:
            raise ValueError(f"surface must be one of {SURFACES}, got {surface!r}")
        now = dt.datetime.now(dt.timezone.utc)
        rows = []
        for shown in lists:
            list_id, key = uuid.uuid4().hex, person_key(shown.employee_id, self.key)
            for rank, (program_id, score, explored, *known) in enumerate(shown.items, start=1):
                rows.append({"shown_at": now, "list_id": list_id, "person_key": key,
                             "program_id": program_id, "rank": rank,
                             "score": None if score is None else float(score),
                             "model_version": model_version, "surface": surface,
                             "client": client, "explored": bool(explored),
                             "propensity": float(known[0]) if known else None})
        if not rows:
            return
        with self._lock:
            self._rows.extend(rows)
            over = self._trim()
            waiting = len(self._rows)
        if over:
            log.warning("exposure log buffer full: %d impressions dropped so far", self.dropped)
        if waiting >= self.batch_rows:
            self._wake.set()

    def _trim(self) -> int:
        """Drop the oldest waiting rows beyond ``max_rows`` (under the lock); how many."""
        over = max(len(self._rows) - self.max_rows, 0)
        for _ in range(over):
            self._rows.popleft()
        self.dropped += over
        return over

    def pending(self) -> int:
        with self._lock:
            return len(self._rows)

    def flush(self) -> int:
        """Write what is waiting in one transaction; the number of rows written."""
        with self._lock:
            rows = list(self._rows)
            self._rows.clear()
        if rows:
            try:
                with self.engine.begin() as conn:
                    conn.execute(impressions.insert(), rows)
            except sa.exc.SQLAlchemyError:
                # Put them back (still bounded) for the next attempt.
                with self._lock:
                    self._rows.extendleft(reversed(rows))
                    self._trim()
                log.exception("exposure log: %d impressions not written yet", len(rows))
                return 0
            self.written += len(rows)
        return len(rows)

    def purge(self, now: dt.datetime | None = None) -> int:
        """Delete impressions older than the retention; the number deleted."""
        now = now or dt.datetime.now(dt.timezone.utc)
        cutoff = now - dt.timedelta(days=self.retention_days)
        with self.engine.begin() as conn:
            deleted = conn.execute(impressions.delete().where(impressions.c.shown_at < cutoff))
        self._purged_at = now
        return int(deleted.rowcount or 0)

    def _run(self) -> None:
        while not self._stop.is_set():
            self._wake.wait(self.flush_seconds)
            self._wake.clear()
            self.flush()
            now = dt.datetime.now(dt.timezone.utc)
            if self._purged_at is None or now - self._purged_at >= PURGE_EVERY:
                try:
                    self.purge(now)
                except sa.exc.SQLAlchemyError:
                    log.exception("exposure log: purge failed")

    def start(self) -> None:
        """Start the writer thread (idempotent)."""
        if self._thread is None:
            self._stop.clear()
            self._thread = threading.Thread(target=self._run, name="exposure-log", daemon=True)
            self._thread.start()

    def stop(self) -> None:
        """Stop the thread and write what is left."""
        if self._thread is not None:
            self._stop.set()
            self._wake.set()
            self._thread.join(timeout=30)
            self._thread = None
        self.flush()
