"""Cold import time of oai_notebook.client against httpx and openai: fresh processes, min and median."""

from __future__ import annotations

import statistics
import subprocess
import sys

TARGETS = {
    "httpx": "import httpx",
    "oai_notebook.client": "import oai_notebook.client",
    "openai": "import openai",
}
RUNS = 7


def once(statement: str) -> float:
    code = f"import time; t = time.perf_counter(); {statement}; print(time.perf_counter() - t)"
    return float(subprocess.check_output([sys.executable, "-c", code], text=True))


def main() -> None:
    for name, statement in TARGETS.items():
        once(statement)  # warm the file cache and .pyc files
        times = sorted(once(statement) for _ in range(RUNS))
        print(f"{name:22s} min {times[0] * 1000:6.0f} ms   median {statistics.median(times) * 1000:6.0f} ms")


if __name__ == "__main__":
    main()
