"""Serving the champion model: one immutable serving state, swapped atomically.

``ModelServer`` holds a ``Serving`` (recommender, its point-in-time ``Context`` and version
facts). A request takes the current object once and uses it to the end, so a swap never changes
a request in flight. A background thread polls the registry's champion alias and the data
version; a new champion is loaded, verified and swapped in, and changed data rebuilds the
Context. A version that fails to load (checksum, corrupt pickle, anything) is reported in
``status()`` while the old model keeps serving. Versions come from a ``ModelSource``
(``service.model_source``).
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
from dataclasses import dataclass, replace
from typing import Any, Callable, Mapping

from service.model_source import Loaded, ModelSource

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Serving:
    """The model being served and the Context it scores with; never mutated, only replaced."""

    loaded: Loaded
    ctx: Any
    data_version: int
    loaded_at: dt.datetime
    context_built_at: dt.datetime
    # Default-parameter top-k of every person (person_key -> rows, best first), or None.
    precomputed: Mapping[str, list[dict]] | None = None
    precomputed_k: int = 0

    @property
    def recommender(self) -> Any:
        return self.loaded.recommender

    @property
    def version(self) -> str:
        return self.loaded.version

    @property
    def as_of(self) -> str | None:
        return getattr(self.loaded.recommender, "as_of_", None)


@dataclass(frozen=True)
class ServingStatus:
    """Load status for ``GET /model`` and readiness."""

    serving: Serving | None
    champion: str | None
    last_error: str | None
    last_error_at: dt.datetime | None
    last_check_at: dt.datetime | None


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class ModelServer:
    """Loads, swaps and refreshes the serving state (see module docstring).

    Args:
        source: where versions come from.
        frames: returns the pseudonymised model frames (``load_model_frames(engine)``).
        data_version: returns a number that grows when the data changes.
        poll_seconds: how often the champion alias and data version are checked (0: never).
        precompute_k: with each new state, rank the top ``precompute_k`` programs of everyone
            (default filters) in batches before the swap, so that a single-employee request is a
            lookup; 0 scores every request live.
    """

    def __init__(self, source: ModelSource, frames: Callable[[], dict],
                 data_version: Callable[[], int], poll_seconds: float = 60.0,
                 rebuild_delay: float = 0.2, precompute_k: int = 0,
                 precompute_batch: int = 500):
        self.source, self._frames, self._data_version = source, frames, data_version
        self.poll_seconds, self.rebuild_delay = poll_seconds, rebuild_delay
        self.precompute_k, self.precompute_batch = precompute_k, precompute_batch
        self._state: Serving | None = None
        self._swap_lock = threading.Lock()
        self._load_lock = threading.Lock()  # one load or rebuild at a time
        self._stop = threading.Event()
        self._dirty = threading.Event()
        self._idle = threading.Event()
        self._idle.set()
        self._threads: list[threading.Thread] = []
        self._champion: str | None = None
        self._failed_version: str | None = None
        self._last_error: str | None = None
        self._last_error_at: dt.datetime | None = None
        self._last_check_at: dt.datetime | None = None
        self._precompute_error: str | None = None

    # ------------------------------------------------------------------ reading
    @property
    def state(self) -> Serving | None:
        """The current serving state (take it once per request)."""
        with self._swap_lock:
            return self._state

    def status(self) -> ServingStatus:
        with self._swap_lock:
            return ServingStatus(self._state, self._champion, self._last_error,
                                 self._last_error_at, self._last_check_at)

    def _swap(self, new: Serving) -> None:
        with self._swap_lock:
            self._state = new

    def _fail(self, message: str) -> None:
        with self._swap_lock:
            self._last_error, self._last_error_at = message, _now()
        log.warning("model serving: %s", message)

    # ------------------------------------------------------------------ loading
    def load_champion(self, force: bool = False) -> str:
        """Load the champion when it differs from the served version (or ``force``).

        Returns:
            ``loaded``, ``unchanged`` or ``failed`` (the old model keeps serving).
        """
        with self._load_lock:
            self._last_check_at = _now()
            try:
                version = str(self.source.champion())
            except Exception as exc:
                self._fail(f"cannot resolve the champion: {type(exc).__name__}: {exc}")
                return "failed"
            self._champion = version
            current = self.state
            if not force and current is not None and current.version == version:
                return "unchanged"
            if not force and version == self._failed_version:
                return "failed"
            try:
                loaded = self.source.load(version)
                data_version = self._data_version()
                ctx = loaded.recommender.context(self._frames())
                top = self._precompute(loaded.recommender, ctx)
            except Exception as exc:
                self._failed_version = version
                self._fail(f"version {version} failed to load: {type(exc).__name__}: {exc}")
                return "failed"
            now = _now()
            self._swap(Serving(loaded, ctx, data_version, now, now, top, self.precompute_k))
            self._failed_version = None
            with self._swap_lock:
                self._last_error = self._last_error_at = None
                if top is None and self._precompute_error:
                    self._last_error, self._last_error_at = self._precompute_error, now
                self._precompute_error = None
            log.info("serving model version %s", version)
            return "loaded"

    def rebuild_context(self) -> bool:
        """Rebuild the served Context from the current data; False when nothing is served."""
        with self._load_lock:
            current = self.state
            if current is None:
                return False
            try:
                data_version = self._data_version()
                ctx = current.recommender.context(self._frames())
                top = self._precompute(current.recommender, ctx)
            except Exception as exc:
                self._fail(f"context rebuild failed: {type(exc).__name__}: {exc}")
                return False
            with self._swap_lock:
                # A model swapped in meanwhile already built its own, newer Context.
                if self._state is current:
                    self._state = replace(current, ctx=ctx, data_version=data_version,
                                          context_built_at=_now(), precomputed=top)
            log.info("context rebuilt for data version %s", data_version)
            return True

    def _precompute(self, recommender: Any, ctx: Any) -> dict[str, list[dict]] | None:
        """Everyone's default top-k, or None (off, or failed: requests then score live)."""
        if self.precompute_k <= 0:
            return None
        people = list(ctx.people.index)
        out: dict[str, list[dict]] = {p: [] for p in people}
        try:
            for start in range(0, len(people), self.precompute_batch):
                frame = recommender.recommend(ctx, k=self.precompute_k, reasons=True,
                                              persons=people[start:start + self.precompute_batch])
                for row in frame.to_dict("records"):
                    out[row["person_key"]].append(row)
        except Exception as exc:  # an optimisation only: never a reason not to serve
            self._precompute_error = f"precomputing rankings failed: {type(exc).__name__}: {exc}"
            log.warning("model serving: %s", self._precompute_error)
            return None
        return out

    # ------------------------------------------------------------------ background
    def data_changed(self) -> None:
        """Ask for a Context rebuild soon (coalesced with other changes)."""
        self._idle.clear()
        self._dirty.set()
        if not any(t.name == "context-rebuild" and t.is_alive() for t in self._threads):
            self._start_thread("context-rebuild", self._rebuild_loop)

    def wait_idle(self, timeout: float = 30.0) -> bool:
        """Wait until pending rebuilds are done (for tests and benchmarks)."""
        return self._idle.wait(timeout)

    def start(self) -> None:
        """Load the champion now and start polling."""
        self.load_champion()
        if self.poll_seconds > 0:
            self._start_thread("model-poll", self._poll_loop)

    def stop(self, timeout: float = 10.0) -> None:
        self._stop.set()
        self._dirty.set()
        for t in self._threads:
            t.join(timeout)
        self._threads.clear()

    def _start_thread(self, name: str, target: Callable[[], None]) -> None:
        thread = threading.Thread(target=target, name=name, daemon=True)
        self._threads = [t for t in self._threads if t.is_alive()] + [thread]
        thread.start()

    def _rebuild_loop(self) -> None:
        while not self._stop.is_set():
            self._dirty.wait()
            if self._stop.is_set():
                break
            self._stop.wait(self.rebuild_delay)  # coalesce a burst of changes
            self._dirty.clear()
            self.rebuild_context()
            if not self._dirty.is_set():
                self._idle.set()

    def _poll_loop(self) -> None:
        while not self._stop.wait(self.poll_seconds):
            self.load_champion()
            current = self.state
            try:
                newer = current is not None and self._data_version() > current.data_version
            except Exception as exc:
                self._fail(f"cannot read the data version: {type(exc).__name__}")
                continue
            if newer:
                self.data_changed()
