"""What importing an inventory into an existing audit changes: matching and diffing, no database.

The store reads what the audit holds, asks `plan_touchpoints` and `score_changes` what is
new, changed, archived or restored, and writes that in the same transaction. Keeping the
decisions here means they are tested with plain dictionaries, and the Import page can
show the plan before anything is written.

A touchpoint of the file matches a stored one by id; when the file has no id column, by
its name, if exactly one stored touchpoint has that name. A stored touchpoint the file
no longer lists is archived, never deleted: its scores stay.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from audit import i18n
from audit.cells import is_blank
from audit.i18n import _
from audit.inventory import Inventory, Touchpoint
from audit.metrics import TOUCHPOINT_COLUMNS
from audit.vocabulary import UNASSIGNED_STAGE, normalize

if TYPE_CHECKING:
    import pandas as pd

# A touchpoint's stored fields, beside its key and position.
FIELD_COLUMNS = [c for c in TOUCHPOINT_COLUMNS if c != "id"] + ["type_inferred", "notes", "extra"]
ScoreKey = tuple[str, str, str]  # (touchpoint key, assessor, criterion)


@dataclass
class ImportPlan:
    """What importing an inventory into an audit will change, before anything is written."""

    added: list[str] = field(default_factory=list)
    updated: dict[str, list[str]] = field(default_factory=dict)  # key -> changed fields
    archived: list[str] = field(default_factory=list)
    restored: list[str] = field(default_factory=list)
    unchanged: int = 0
    scores_added: int = 0
    scores_changed: int = 0
    settings: list[str] = field(default_factory=list)  # what a workbook of ours set: "client", "weights"...

    @property
    def summary(self) -> str:
        """The plan in a few sentences, in the current language."""
        # TRANSLATORS: what an import changes; each {placeholder} counts touchpoints
        sentences = [
            _(
                "Touchpoints: {added} new, {updated} changed, {archived} archived (kept with their scores), "
                "{restored} restored from the archive, {unchanged} unchanged."
            ).format(
                added=i18n.integer(len(self.added)),
                updated=i18n.integer(len(self.updated)),
                archived=i18n.integer(len(self.archived)),
                restored=i18n.integer(len(self.restored)),
                unchanged=i18n.integer(self.unchanged),
            )
        ]
        if self.scores_added or self.scores_changed:
            # TRANSLATORS: what an import changes; {added} and {changed} count scores
            sentences.append(
                _("Scores: {added} new, {changed} changed.").format(
                    added=i18n.integer(self.scores_added), changed=i18n.integer(self.scores_changed)
                )
            )
        if self.settings:
            # TRANSLATORS: {settings} lists what an imported workbook set: "client 'Acme', stage order, weights 1/1/1"
            sentences.append(_("From the workbook: {settings}.").format(settings=i18n.join(self.settings)))
        return " ".join(sentences)


def touchpoint_record(values: Mapping[str, object]) -> dict[str, object]:
    """A touchpoint's stored fields from any mapping of them, with the defaults the method gives."""
    row = {c: values.get(c) for c in FIELD_COLUMNS}
    row["name"] = str(values.get("name") or "").strip()
    row["stage"] = str(values.get("stage") or UNASSIGNED_STAGE)
    row["importance"] = float(values.get("importance") or 3.0)  # type: ignore[arg-type]
    row["type_inferred"] = bool(values.get("type_inferred") or False)
    row["extra"] = jsonable(values.get("extra") or {})
    return row


def jsonable(extra: object) -> dict[str, object]:
    """Extra columns as JSON-safe values (dates become ISO text)."""
    result: dict[str, object] = {}
    for key, value in dict(extra).items():  # type: ignore[call-overload]
        result[str(key)] = value if isinstance(value, str | int | float | bool) or value is None else str(value)
    return result


def match_key(existing: Mapping[str, Mapping[str, Any]], inventory: Inventory, tp: Touchpoint) -> str:
    """The stored key a touchpoint of the file matches: its id, or (without an id column) its name."""
    if "id" in inventory.mapping or tp.id in existing:
        return str(tp.id)
    by_name: dict[str, list[str]] = {}
    for key, row in existing.items():
        by_name.setdefault(normalize(row["name"]), []).append(key)
    matches = by_name.get(normalize(tp.name), [])
    return matches[0] if len(matches) == 1 else str(tp.id)


def plan_touchpoints(
    existing: Mapping[str, Mapping[str, Any]], inventory: Inventory
) -> tuple[ImportPlan, list[dict[str, Any]]]:
    """The plan, and the rows to write (one per touchpoint of the file, with its key and position)."""
    plan = ImportPlan()
    rows: list[dict[str, Any]] = []
    for position, tp in enumerate(inventory.touchpoints, start=1):
        key = match_key(existing, inventory, tp)
        row = touchpoint_record({c: getattr(tp, c) for c in FIELD_COLUMNS}) | {"key": key, "position": position}
        rows.append(row)
        old = existing.get(key)
        if old is None:
            plan.added.append(key)
            continue
        if old["archived_at"] is not None:
            plan.restored.append(key)
        changed = [c for c in FIELD_COLUMNS if not _same(old[c], row[c])]
        if changed:
            plan.updated[key] = changed
        elif old["archived_at"] is None:
            plan.unchanged += 1
    seen = {r["key"] for r in rows}
    plan.archived = [k for k, r in existing.items() if k not in seen and r["archived_at"] is None]
    return plan, rows


def stored_keys(inventory: Inventory, rows: list[dict[str, Any]]) -> dict[str, str]:
    """The file's touchpoint ids -> the stored keys `plan_touchpoints` matched them to (for their scores)."""
    return {tp.id: row["key"] for tp, row in zip(inventory.touchpoints, rows, strict=True)}


def _same(old: object, new: object) -> bool:
    if isinstance(old, float) and isinstance(new, float):
        return abs(old - new) < 1e-9
    return old == new or (is_blank(old) and is_blank(new))


def score_changes(
    existing: Mapping[ScoreKey, tuple[int | None, str | None]], frame: pd.DataFrame, keys: Mapping[str, str]
) -> tuple[int, int]:
    """(new, changed) scores of `frame` against what the audit holds; `keys` maps the file's ids to stored keys."""
    added = changed = 0
    columns = frame[["touchpoint_id", "assessor", "criterion", "score"]]
    for tp, assessor, criterion, value in columns.itertuples(index=False):
        old = existing.get((keys.get(tp, tp), assessor, criterion))
        if old is None or old[0] is None:
            added += 1
        elif old[0] != int(value):
            changed += 1
    return added, changed
