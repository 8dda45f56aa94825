"""A separate process that writes scores, for the concurrency and SIGKILL tests.

    python tests/store_writer.py URL AUDIT ASSESSOR COUNT
prints "saved KEY CRITERION VALUE" after each score's commit, and "done" at the end.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from audit.access import LOCAL
from audit.store import Store  # noqa: E402
from audit.vocabulary import CRITERIA  # noqa: E402


def cells(count: int) -> list[tuple[str, str, int]]:
    """The first `count` (touchpoint key, criterion, value) cells of the writers' audit."""
    return [(f"TP{i // 3:03d}", CRITERIA[i % 3], i % 5 + 1) for i in range(count)]


def main() -> None:
    url, audit, assessor, count = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
    store = Store.open(url, migrate=False)
    for key, criterion, value in cells(count):
        store.save_score(audit, key, assessor, criterion, value, actor=LOCAL)
        print(f"saved {key} {criterion} {value}", flush=True)
    print("done", flush=True)


if __name__ == "__main__":
    main()
