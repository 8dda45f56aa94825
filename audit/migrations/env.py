"""Alembic environment: migrations run on the connection audit.store hands over."""

from __future__ import annotations

from alembic import context
from sqlalchemy import text

connection = context.config.attributes["connection"]
context.configure(connection=connection, render_as_batch=connection.dialect.name == "sqlite")

with context.begin_transaction():
    if connection.dialect.name == "postgresql":
        # Several app processes may start at once: one migrates, the others wait here.
        connection.execute(text("SELECT pg_advisory_xact_lock(727274)"))
    context.run_migrations()
