"""Alembic migrations of the store's schema; run by audit.store.upgrade on every start."""
