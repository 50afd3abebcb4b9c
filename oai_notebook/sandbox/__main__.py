"""`python -m oai_notebook.sandbox`: run the sandbox server in this process (what start() spawns)."""

from __future__ import annotations

import sys

from oai_notebook.cli import main

if __name__ == "__main__":
    sys.exit(main(["sandbox", *sys.argv[1:]]))
