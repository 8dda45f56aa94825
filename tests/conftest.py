"""Shared paths and helpers for the tests."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "tests" / "data"
INVENTORIES = DATA / "inventories"
REALWORLD = DATA / "realworld"
SAMPLE_INVENTORY = ROOT / "sample_data" / "northwind_inventory.xlsx"
SAMPLE_SCORES = ROOT / "sample_data" / "northwind_scores.csv"


def where(problems) -> list[tuple[str, int | None, str | None]]:  # type: ignore[no-untyped-def]
    """Problems as (code, row, column): what the tests compare."""
    return [(p.code, p.row, p.column) for p in problems]


@pytest.fixture
def sample_inventory_path() -> Path:
    return SAMPLE_INVENTORY
