"""Pure ASGI middleware: body size limit, request timeout, security headers, access log.

The access log names the route template (``/api/v1/employees/{employee_id}``), never the
actual path or query, which may hold a NIP or a name.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time

from starlette.types import ASGIApp, Message, Receive, Scope, Send

access_log = logging.getLogger("asn_reco.access")

SECURITY_HEADERS: list[tuple[bytes, bytes]] = [
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"content-security-policy", b"frame-ancestors 'none'"),
    (b"referrer-policy", b"no-referrer"),
    (b"cache-control", b"no-store"),
]
# The interactive docs load their scripts from a CDN; relax only their cache header.
DOC_PATHS = ("/docs", "/redoc", "/openapi.json")


async def _send_json(send: Send, status: int, detail: str,
                     headers: list[tuple[bytes, bytes]] | None = None) -> None:
    body = json.dumps({"detail": detail}).encode()
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"application/json"),
                            (b"content-length", str(len(body)).encode())] + (headers or [])})
    await send({"type": "http.response.body", "body": body})


class BodyLimitMiddleware:
    """413 when a request body exceeds its limit (declared length or bytes actually sent).

    Args:
        limit: default limit in bytes.
        large: path prefix -> larger limit (uploads).
    """

    def __init__(self, app: ASGIApp, limit: int, large: dict[str, int] | None = None):
        self.app, self.limit, self.large = app, limit, large or {}

    def _limit_for(self, path: str) -> int:
        for prefix, limit in self.large.items():
            if path.startswith(prefix):
                return limit
        return self.limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        limit = self._limit_for(scope["path"])
        declared = dict(scope["headers"]).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > limit:
            return await _send_json(send, 413, f"request body over the limit of {limit:,} bytes")
        seen, started, refused = 0, False, False

        async def limited_receive() -> Message:
            nonlocal seen, refused
            if refused:
                return {"type": "http.disconnect"}
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > limit:
                    # Answer now and tell the app the client went away: FastAPI would turn an
                    # exception raised while it reads the body into a 400.
                    refused = True
                    if not started:
                        await _send_json(send, 413, f"request body over the limit of {limit:,} bytes")
                    return {"type": "http.disconnect"}
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal started
            if refused:
                return  # the 413 has been sent; drop whatever the app still says
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, limited_receive, tracking_send)
        except Exception:
            if not refused:
                raise


class TimeoutMiddleware:
    """503 with Retry-After when a request runs longer than its time limit."""

    def __init__(self, app: ASGIApp, seconds: float, long: dict[str, float] | None = None,
                 retry_after: int = 5):
        self.app, self.seconds, self.long, self.retry_after = app, seconds, long or {}, retry_after

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        seconds = next((s for p, s in self.long.items() if scope["path"].startswith(p)), self.seconds)
        started = False

        async def tracking_send(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await asyncio.wait_for(self.app(scope, receive, tracking_send), seconds)
        except TimeoutError:
            access_log.warning("request timed out after %g s", seconds)
            if not started:
                await _send_json(send, 503, f"the request took longer than {seconds:g} s; "
                                 "try again or narrow it",
                                 [(b"retry-after", str(self.retry_after).encode())])


class SecurityHeadersMiddleware:
    """Adds the security headers to every response and logs the route template, status, time."""

    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        start = time.perf_counter()
        status = 0
        docs = scope["path"].startswith(DOC_PATHS)

        async def with_headers(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                present = {k.lower() for k, _ in message.get("headers", [])}
                extra = [(k, v) for k, v in SECURITY_HEADERS
                         if k not in present and not (docs and k == b"cache-control")]
                message = {**message, "headers": list(message.get("headers", [])) + extra}
            await send(message)

        try:
            await self.app(scope, receive, with_headers)
        finally:
            # The full template: FastAPI's included routers leave the route's own path (no
            # /api/v1 or /ui prefix) in scope["route"], the prefixed one in its route context.
            context = (scope.get("fastapi") or {}).get("effective_route_context")
            template = (getattr(context, "path", None) or getattr(scope.get("route"), "path", None)
                        or "(unmatched)")
            access_log.info("%s %s %s %.1f ms", scope["method"], template, status,
                            (time.perf_counter() - start) * 1000)
