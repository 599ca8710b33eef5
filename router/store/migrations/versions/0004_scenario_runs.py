"""Scenario runs: optimisation runs of kind ``scenario`` (their results: the run's manifest and
KPI totals; the tables and the report are files in the service's scenario folder).

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-29
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

OLD = "kind IN ('assignment', 'consolidation')"
NEW = "kind IN ('assignment', 'consolidation', 'scenario')"


def _kind_check(condition: str) -> None:
    # batch mode: SQLite cannot alter a constraint in place (the table is copied)
    with op.batch_alter_table("optimisation_runs") as batch:
        batch.drop_constraint(op.f("ck_optimisation_runs_kind"), type_="check")
        batch.create_check_constraint("kind", condition)


def upgrade() -> None:
    _kind_check(NEW)


def downgrade() -> None:
    op.execute("DELETE FROM optimisation_runs WHERE kind = 'scenario'")
    op.execute("DELETE FROM jobs WHERE kind = 'scenario'")
    _kind_check(OLD)
