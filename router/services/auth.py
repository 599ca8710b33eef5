"""Who may do what: roles, the authenticated caller (principal), and API keys.

Keys are random secrets shown once at creation; only their SHA-256 hash is stored, with a short
public prefix that names the key to people. Every key has a role and a tenant: a caller sees the
quotes, bookings and runs of its own tenant, admin those of every tenant.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from router.store import repositories as repo
from router.store.db import Database
from router.store.models import ApiKey


class Role(StrEnum):
    SHIPPER = "shipper"  # quotes and its own bookings
    OPERATOR = "operator"  # departures and capacity, assignments, train load plans
    PLANNER = "planner"  # assignments
    ADMIN = "admin"  # keys, network reload, and everything above


@dataclass(frozen=True, slots=True)
class Principal:
    """Who is calling: the API key's id, name, tenant and role."""

    key_id: int
    name: str
    tenant: str
    role: Role

    @property
    def is_admin(self) -> bool:
        return self.role is Role.ADMIN

    @property
    def tenant_scope(self) -> str | None:
        """The tenant whose data this caller sees; None for admin (all tenants)."""
        return None if self.is_admin else self.tenant

    def may(self, roles: frozenset[Role]) -> bool:
        """Whether one of ``roles`` (or admin) admits this caller."""
        return self.is_admin or self.role in roles


def authenticate(db: Database, secret: str) -> Principal | None:
    """The caller holding the API key ``secret``; None for an unknown or revoked key."""
    with db.read() as session:
        row = repo.find_active_key(session, secret.strip())
        if row is None:
            return None
        return Principal(row.id, row.name, row.tenant, Role(row.role))


# ------------------------------------------------------------------------------ key management
@dataclass(frozen=True, slots=True)
class KeyInfo:
    """An API key as people see it (never the secret)."""

    prefix: str
    name: str
    tenant: str
    role: str
    created_at: datetime
    revoked_at: datetime | None


@dataclass(frozen=True, slots=True)
class NewKey:
    """A key just created: its description and the secret, shown this once."""

    info: KeyInfo
    secret: str


def _info(row: ApiKey) -> KeyInfo:
    return KeyInfo(row.prefix, row.name, row.tenant, row.role, row.created_at, row.revoked_at)


def create_key(db: Database, *, name: str, role: str, tenant: str | None = None) -> NewKey:
    """Create a key for ``name`` with ``role`` in ``tenant`` (default: the name).

    InvalidRequestError for an unknown role or a name that is empty or over 100 characters.
    """
    with db.write() as session:
        row, secret = repo.create_key(session, name=name, role=role, tenant=tenant)
        return NewKey(_info(row), secret)


def create_first_admin_key(db: Database) -> NewKey | None:
    """An admin key when the database has no key at all (first start); otherwise None."""
    with db.write() as session:
        if repo.count_keys(session) > 0:
            return None
        row, secret = repo.create_key(session, name="admin", role=Role.ADMIN.value)
        return NewKey(_info(row), secret)


def list_keys(db: Database, *, limit: int, offset: int = 0) -> tuple[list[KeyInfo], int]:
    """One page of keys in creation order, and how many there are."""
    with db.read() as session:
        rows, total = repo.list_keys(session, limit=limit, offset=offset)
        return [_info(r) for r in rows], total


def revoke_key(db: Database, prefix: str) -> KeyInfo:
    """Revoke the key with ``prefix`` (idempotent); NotFoundError if there is none."""
    with db.write() as session:
        return _info(repo.revoke_key(session, prefix))
