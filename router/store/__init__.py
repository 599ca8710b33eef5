"""Persistence only: SQLAlchemy models, repositories, Alembic migrations."""
