"""One of the concurrency test's writers: N batches, one transaction each.

    python -m tests.integration.writer_child DB NAME COUNT START_AT

Waits until the wall clock reaches START_AT so both writers really overlap, then
prints one JSON line: writes done, failures, the longest wait for the lock.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

from desktop.errors import HashplanError
from desktop.services.session import open_session


def main(db: Path, name: str, count: int, start_at: float) -> None:
    done, failures, slowest = 0, [], 0.0
    with open_session(db) as session:
        site = session.store.list_sites()[0]
        model = session.store.list_models()[0]
        while time.time() < start_at:
            time.sleep(0.001)
        for i in range(count):
            began = time.perf_counter()
            try:
                session.fleet.add_batch(site.id, model.id, i + 1, "2024-01-01", notes=f"{name}-{i}")
                done += 1
            except HashplanError as error:
                failures.append(str(error))
            slowest = max(slowest, time.perf_counter() - began)
        seen_by_me = session.store.count_batches()
    print(json.dumps({"done": done, "failures": failures[:5], "slowest_s": slowest, "seen": seen_by_me}))


if __name__ == "__main__":
    main(Path(sys.argv[1]), sys.argv[2], int(sys.argv[3]), float(sys.argv[4]))
