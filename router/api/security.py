"""Roles and the authenticated caller (principal). Admin may do everything."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Role(StrEnum):
    SHIPPER = "shipper"  # quotes and its own bookings
    OPERATOR = "operator"  # departures and capacity (later: consolidation)
    PLANNER = "planner"  # (later: scenarios)
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
        return self.is_admin or self.role in roles
