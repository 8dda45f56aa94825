"""What an audit is beyond its tables: its name, client, stage order, weights and workshop state.

The workbook writes it to a hidden sheet, the import action reads it back, and the store
restores it: so an exported audit comes back whole.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from audit.phases import Phase


@dataclass(frozen=True)
class AuditMeta:
    """An audit's settings, as exported and restored."""

    name: str
    client: str | None
    stage_order: list[str]
    weights: dict[str, float]
    phase: Phase = Phase.ROUND1
    locked: bool = False
    round2_keys: list[str] = field(default_factory=list)
