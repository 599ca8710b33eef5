"""API keys and callers as use cases (the CLI's ``router keys`` and the API's /v1/keys)."""

from __future__ import annotations

import pytest

from router.errors import InvalidRequestError, NotFoundError
from router.services import auth
from router.services.auth import Principal, Role
from router.services.context import ServiceContext


def test_keys_are_created_listed_found_and_revoked(ctx: ServiceContext) -> None:
    first = auth.create_first_admin_key(ctx.db)
    assert first is not None and first.info.role == "admin" and first.info.tenant == "admin"
    assert auth.create_first_admin_key(ctx.db) is None  # only on an empty database
    new = auth.create_key(ctx.db, name="ACME", role="shipper")
    assert new.secret.startswith("gbr_") and new.info.tenant == "ACME"
    caller = auth.authenticate(ctx.db, f"  {new.secret} ")
    assert caller is not None and (caller.tenant, caller.role) == ("ACME", Role.SHIPPER)
    assert caller.tenant_scope == "ACME" and not caller.may(frozenset({Role.OPERATOR}))
    keys, total = auth.list_keys(ctx.db, limit=10)
    assert total == 2 and [k.name for k in keys] == ["admin", "ACME"]
    assert all(new.secret not in repr(k) for k in keys)
    revoked = auth.revoke_key(ctx.db, new.info.prefix)
    assert revoked.revoked_at is not None
    assert auth.authenticate(ctx.db, new.secret) is None
    with pytest.raises(NotFoundError):
        auth.revoke_key(ctx.db, "ffffffff")
    with pytest.raises(InvalidRequestError):
        auth.create_key(ctx.db, name="x", role="king")


def test_admin_sees_every_tenant_and_passes_every_role_check() -> None:
    admin = Principal(1, "root", "root", Role.ADMIN)
    assert admin.tenant_scope is None and admin.may(frozenset({Role.PLANNER}))
