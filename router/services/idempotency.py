"""Idempotent requests: a client sends ``Idempotency-Key: <key>`` with a POST that creates
something (a quote, a booking, a job); a retry with the same key and the same request gets the
first response again and creates nothing new.

The response is stored, per tenant and key, in the same transaction as what the request created
(:func:`remember`), so a crash leaves both or neither: a retry after a crash either replays or
runs again, never doubles. Two requests with one key at the same moment: the database's unique
index lets one commit; the other's transaction (with everything it created) is rolled back and
it answers the first one's response. Only successful responses are kept: a request that failed
(409 no room, 422...) may be sent again with the same key. Kept for ``idempotency_ttl_h``.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from router.errors import InvalidRequestError
from router.services.context import ServiceContext
from router.store.models import IdempotentResponse, utcnow

HEADER = "Idempotency-Key"
MAX_KEY_LENGTH = 255


@dataclass(frozen=True, slots=True)
class Idempotency:
    """The key a request was sent with, its tenant, and a fingerprint of the request."""

    tenant: str
    key: str
    fingerprint: str
    ttl: timedelta

    @classmethod
    def of(
        cls, tenant: str, key: str, method: str, path: str, body: Any, ttl: timedelta
    ) -> Idempotency:
        """InvalidRequestError for a key that is empty, too long or not printable ASCII."""
        if not key or len(key) > MAX_KEY_LENGTH or not all(" " < c <= "~" for c in key):
            raise InvalidRequestError(
                f"header.{HEADER}",
                f"1 to {MAX_KEY_LENGTH} printable ASCII characters without spaces "
                "(a UUID is a good key)",
            )
        canonical = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=True)
        digest = hashlib.sha256(f"{method} {path}\n{canonical}".encode()).hexdigest()
        return cls(tenant, key, digest, ttl)


class Replayed(Exception):
    """The key was already used for this request: ``body`` is the first response."""

    def __init__(self, body: dict[str, Any]) -> None:
        super().__init__("replayed")
        self.body = body


class KeyTaken(Exception):
    """Another request with the same key committed first (its response is now stored)."""


def _stored(session: Session, idem: Idempotency, now: datetime) -> IdempotentResponse | None:
    row = session.scalars(
        select(IdempotentResponse).where(
            IdempotentResponse.tenant == idem.tenant,
            IdempotentResponse.key == idem.key,
            IdempotentResponse.expires_at > now,
        )
    ).one_or_none()
    if row is not None and row.fingerprint != idem.fingerprint:
        raise InvalidRequestError(
            f"header.{HEADER}",
            f"key {idem.key!r} was already used with a different request; use a new key",
        )
    return row


def claim(session: Session, idem: Idempotency | None) -> None:
    """Take ``idem``'s key for this transaction, first thing in it: :class:`Replayed` with the
    stored response if the key was used for this request (InvalidRequestError if for another).

    The key's row is written now, so a concurrent request with the same key waits on it (the
    unique index) until this transaction ends, then gets :class:`KeyTaken` and replays this
    one's response; :func:`remember` fills the response in before the commit.
    """
    if idem is None:
        return
    now = utcnow()
    row = _stored(session, idem, now)
    if row is not None:
        raise Replayed(row.body)
    session.execute(
        delete(IdempotentResponse).where(
            IdempotentResponse.tenant == idem.tenant,
            IdempotentResponse.key == idem.key,
            IdempotentResponse.expires_at <= now,
        )
    )
    session.add(
        IdempotentResponse(
            tenant=idem.tenant,
            key=idem.key,
            fingerprint=idem.fingerprint,
            body={},
            created_at=now,
            expires_at=now + idem.ttl,
        )
    )
    try:
        session.flush()
    except IntegrityError:
        raise KeyTaken from None


def lookup(ctx: ServiceContext, idem: Idempotency | None) -> dict[str, Any] | None:
    """The stored first response for ``idem``, if any (before doing any work)."""
    if idem is None:
        return None
    with ctx.db.read() as session:
        row = _stored(session, idem, utcnow())
        return None if row is None else row.body


def remember(session: Session, idem: Idempotency | None, body: dict[str, Any]) -> dict[str, Any]:
    """Store ``body`` as the response for the key :func:`claim` took in this transaction (its
    commit makes the response and what the request created visible together); ``body``."""
    if idem is not None:
        session.execute(
            update(IdempotentResponse)
            .where(IdempotentResponse.tenant == idem.tenant, IdempotentResponse.key == idem.key)
            .values(body=body)
        )
    return body


def purge_expired(session: Session) -> int:
    """Delete every expired response (the job workers do it as they poll); how many."""
    result = session.execute(
        delete(IdempotentResponse).where(IdempotentResponse.expires_at <= utcnow())
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


def respond_once(
    ctx: ServiceContext, idem: Idempotency | None, call: Callable[[], dict[str, Any]]
) -> tuple[dict[str, Any], bool]:
    """``(response, replayed)``: the stored first response for ``idem``'s key, or ``call()``'s
    (which must :func:`claim` and :func:`remember` ``idem`` inside its transaction)."""
    stored = lookup(ctx, idem)
    if stored is not None:
        return stored, True
    try:
        return call(), False
    except Replayed as replay:
        return replay.body, True
    except KeyTaken:
        assert idem is not None
        body = lookup(ctx, idem)
        if body is None:  # the first one's response expired within the moment
            raise InvalidRequestError(
                f"header.{HEADER}", f"key {idem.key!r} expired; use a new key"
            ) from None
        return body, True
