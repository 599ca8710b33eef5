"""Persistence: SQLAlchemy models, repositories, Alembic migrations, departure capacity."""
