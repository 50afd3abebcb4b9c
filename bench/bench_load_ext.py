"""Time of `%load_ext oai_notebook` in a fresh process, after the IPython shell exists.

Also times the first magic that needs the client (`%oai help` needs none; `%%chat` against the
benchmark fake server imports httpx and the client). Target: load_ext ≤ 0.15 s.

    python bench/bench_load_ext.py [--runs 7]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys

LOAD = """
import time
from IPython.core.interactiveshell import InteractiveShell
ip = InteractiveShell.instance()
start = time.perf_counter()
ip.run_line_magic("load_ext", "oai_notebook")
print(time.perf_counter() - start)
"""

HEAVY = ("httpx", "pandas", "numpy", "matplotlib", "PIL")


def once(code: str) -> float:
    return float(subprocess.check_output([sys.executable, "-c", code], text=True).split()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    runs = parser.parse_args().runs
    once(LOAD)  # warm the file cache and .pyc files
    times = sorted(once(LOAD) for _ in range(runs))
    print(f"%load_ext oai_notebook   min {times[0] * 1000:6.1f} ms   median {statistics.median(times) * 1000:6.1f} ms"
          f"   ({runs} fresh processes; target 150 ms)")
    check = LOAD + f"import sys; print(sorted(m for m in {HEAVY!r} if m in sys.modules) or 'none')\nprint(0)"
    loaded = subprocess.check_output([sys.executable, "-c", check], text=True).splitlines()[1]
    print(f"heavy modules imported by %load_ext: {loaded}")


if __name__ == "__main__":
    main()
