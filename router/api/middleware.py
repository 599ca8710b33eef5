"""ASGI middleware: request body size limit, and unexpected errors answered on the spot."""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from router.api.errors import PayloadTooLarge, error_body

log = logging.getLogger(__name__)


class UnexpectedErrors:
    """Answer an unexpected exception with the 500 error body, log it, and keep the connection.

    Starlette's outermost error middleware answers the 500 too but then re-raises the
    exception to the server, which drops the keep-alive connection: a client's next request on
    it (perhaps a POST) is lost with its fate unknown. Here the exception ends with the answer.
    If the response had already started, nothing can be answered: the exception goes on.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def tracking_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, receive, tracking_send)
        except Exception as exc:
            if started:
                raise
            log.exception(
                "unhandled error on %s %s", scope.get("method"), scope.get("path"), exc_info=exc
            )
            await send_json(send, 500, error_body(exc))


async def send_json(send: Send, status: int, body: dict[str, object]) -> None:
    """Answer with ``body`` as JSON (non-ASCII escaped: it always encodes)."""
    payload = json.dumps(body, ensure_ascii=True).encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(payload)).encode()),
            ],
        }
    )
    await send({"type": "http.response.body", "body": payload})


class BodySizeLimit:
    """Refuse request bodies over ``max_bytes`` with 413 (by Content-Length, or while streaming:
    the body is cut short and whatever the application answers is replaced by the 413).

    ``larger``: (path prefix, limit) pairs for paths that take bigger bodies (batch inputs).
    """

    def __init__(
        self, app: ASGIApp, max_bytes: int, larger: Sequence[tuple[str, int]] = ()
    ) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.larger = tuple(larger)

    def limit(self, path: str) -> int:
        """The body limit of ``path`` in bytes."""
        return next((n for prefix, n in self.larger if path.startswith(prefix)), self.max_bytes)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        max_bytes = self.limit(scope.get("path", ""))
        for name, value in scope.get("headers", ()):
            if name == b"content-length":
                try:
                    declared = int(value)
                except ValueError:
                    declared = 0
                if declared > max_bytes:
                    await self._reject(send, max_bytes)
                    return
        seen = 0
        too_big = False

        async def limited_receive() -> Message:
            nonlocal seen, too_big
            if too_big:
                return {"type": "http.request", "body": b"", "more_body": False}
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > max_bytes:
                    too_big = True
                    return {"type": "http.request", "body": b"", "more_body": False}
            return message

        replaced = False

        async def guarded_send(message: Message) -> None:
            nonlocal replaced
            if too_big:
                if not replaced:
                    replaced = True
                    await self._reject(send, max_bytes)
                return
            await send(message)

        await self.app(scope, limited_receive, guarded_send)

    async def _reject(self, send: Send, max_bytes: int) -> None:
        exc = PayloadTooLarge(f"request body exceeds {max_bytes} bytes")
        await send_json(send, exc.status_code, error_body(exc))
