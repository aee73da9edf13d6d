"""In-memory sliding-window limit of login attempts per client address and username."""

from __future__ import annotations

import threading
import time
from collections import deque


class LoginRateLimiter:
    """Refuses a login when a (client, username) pair or a client failed too often lately.

    Failures per (client, username) are capped at ``max_failures`` per ``window`` seconds;
    all attempts of one client at ``max_per_client`` per window (password spraying).
    """

    def __init__(self, max_failures: int = 5, max_per_client: int = 30, window: float = 300.0,
                 clock=time.monotonic):
        self.max_failures, self.max_per_client, self.window = max_failures, max_per_client, window
        self._clock = clock
        self._failures: dict[tuple[str, str], deque[float]] = {}
        self._attempts: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def _trim(self, q: deque[float], now: float) -> deque[float]:
        while q and q[0] <= now - self.window:
            q.popleft()
        return q

    def check(self, client: str, username: str) -> float | None:
        """Record an attempt; return seconds to wait when it must be refused, else None."""
        now = self._clock()
        with self._lock:
            if len(self._attempts) > 10_000:  # bounded memory under a flood of addresses
                self._attempts = {k: q for k, q in self._attempts.items() if self._trim(q, now)}
                self._failures = {k: q for k, q in self._failures.items() if self._trim(q, now)}
            attempts = self._trim(self._attempts.setdefault(client, deque()), now)
            failures = self._trim(self._failures.setdefault((client, username.lower()), deque()), now)
            if len(failures) >= self.max_failures:
                return failures[0] + self.window - now
            if len(attempts) >= self.max_per_client:
                return attempts[0] + self.window - now
            attempts.append(now)
        return None

    def failed(self, client: str, username: str) -> None:
        """Record a failed attempt."""
        with self._lock:
            self._failures.setdefault((client, username.lower()), deque()).append(self._clock())

    def succeeded(self, client: str, username: str) -> None:
        """Forget the failures of a pair after a successful login."""
        with self._lock:
            self._failures.pop((client, username.lower()), None)
