#!/usr/bin/env bash
# Client benchmark: oai_notebook against the official openai SDK and raw httpx, in one run,
# with the shared harness (../shared/bench) and its fake server on 127.0.0.1.
# Usage: bench/run_client_bench.sh [extra bench_clients.py flags, e.g. --scenarios a,c --repeats 5]
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
harness="${BENCH_HARNESS:-$root/../shared/bench}"
python="${PYTHON:-$root/.venv/bin/python}"
"$python" -m pip install -q openai httpx2 aiohttp uvicorn uvloop httptools orjson psutil numpy
cd "$harness"
exec "$python" bench_clients.py --clients httpx,openai \
    --adapter "$root/bench/oai_notebook_adapter.py:OaiNotebookAdapter" "$@"
