"""One error shape, tested once: every problem any input produces has the same form."""

from __future__ import annotations

import pytest
from conftest import INVENTORIES, REALWORLD, SAMPLE_INVENTORY

from audit.inventory import read_inventory
from audit.problems import CODES, Problem

INPUTS = sorted(INVENTORIES.iterdir()) + sorted(REALWORLD.glob("*.[cx]*")) + [SAMPLE_INVENTORY]


@pytest.mark.parametrize("path", INPUTS, ids=lambda p: p.name)
def test_every_problem_has_the_shape(path) -> None:  # type: ignore[no-untyped-def]
    inventory = read_inventory(path)
    for problem in inventory.problems:
        record = problem.to_dict()
        assert list(record) == ["severity", "code", "row", "column", "message"]
        assert record["severity"] in ("error", "warning", "info")
        assert record["code"] in CODES
        assert record["row"] is None or (isinstance(record["row"], int) and record["row"] >= 1)
        assert record["column"] is None or record["column"] in inventory.columns
        assert isinstance(record["message"], str) and record["message"].endswith((".", ")"))
        if record["row"] is not None and record["severity"] != "error":
            assert record["column"] is not None, "a row-level problem names its column"


def test_problem_rejects_unknown_codes_and_severities() -> None:
    with pytest.raises(ValueError, match="unknown problem code"):
        Problem("error", "made_up", 1, "x", "m")
    with pytest.raises(ValueError, match="unknown severity"):
        Problem("fatal", "empty_file", None, None, "m")  # type: ignore[arg-type]
