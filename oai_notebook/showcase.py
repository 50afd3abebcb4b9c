"""Run the example notebooks headless: execute with nbclient, save the executed copy and an HTML copy.

Used by `oai-notebook quickstart`. Needs the `showcase` extra (nbclient, nbconvert, ipykernel).
The kernel is this Python, and by default it gets no API key, so the magics use the offline sandbox.
"""

from __future__ import annotations

import os
import re
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

API_KEY_VARIABLES = (
    "OPENAI_API_KEY",
    "AZURE_OPENAI_API_KEY",
    "AZURE_OPENAI_AD_TOKEN",
    "AZURE_OPENAI_ENDPOINT",
)
PACKAGE_PARENT = Path(__file__).resolve().parents[1]  # the repository, for an editable install
ANSI_COLOUR = re.compile(r"\x1b\[[0-9;]*m")


class ShowcaseError(Exception):
    """The notebooks cannot be run: a folder, a file or a package is missing."""


@dataclass
class Executed:
    """One executed notebook: where its copies went, and the first failing cell if any."""

    notebook: Path
    html: Path
    error: str | None = None


def find_notebooks(start: Path | None = None) -> Path:
    """The repository's notebooks/ folder: in the current folder or the one above, else beside the package."""
    start = (start or Path.cwd()).resolve()
    candidates = [start / "notebooks", start.parent / "notebooks", PACKAGE_PARENT / "notebooks"]
    for folder in candidates:
        if (folder / "01-quickstart.ipynb").is_file():
            return folder
    looked = ", ".join(str(folder) for folder in dict.fromkeys(candidates))
    raise ShowcaseError(
        f"no notebooks/ folder with 01-quickstart.ipynb (looked in {looked}); "
        "run this from a clone of the oai_notebook repository"
    )


def kernel_environment(offline: bool = True) -> dict[str, str]:
    """The kernel's environment: ours, without API keys when `offline` (so the sandbox is used)."""
    env = dict(os.environ, HF_HUB_OFFLINE="1")
    if offline:
        for name in API_KEY_VARIABLES:
            env.pop(name, None)
    return env


def _kernel_manager() -> Any:
    """A kernel manager that starts ipykernel on this very Python, whatever kernels are installed."""
    from ipykernel.kernelspec import RESOURCES, get_kernel_dict
    from jupyter_client.kernelspec import KernelSpec, KernelSpecManager
    from jupyter_client.manager import KernelManager

    class ThisPython(KernelSpecManager):
        def get_kernel_spec(self, kernel_name: str) -> KernelSpec:
            return KernelSpec(resource_dir=RESOURCES, **get_kernel_dict())

    manager = KernelManager(kernel_name="python3", kernel_spec_manager=ThisPython())
    # jupyter_client >= 8.8 can encrypt the kernel's channels (CurveZMQ) when the kernel supports it.
    if manager.has_trait("transport_encryption"):
        manager.transport_encryption = "auto"
    return manager


def execute(
    notebook: Path, out_dir: Path, *, offline: bool = True, timeout: float = 900
) -> Executed:
    """Run every cell of `notebook` (in its own folder) and write NAME.ipynb and NAME.html to `out_dir`.

    The copies are written even when a cell fails; `Executed.error` then names the cell.
    """
    try:
        import nbformat
        from nbclient import NotebookClient
        from nbclient.exceptions import CellExecutionError
        from nbconvert import HTMLExporter
    except ImportError as exc:
        raise ShowcaseError(
            f"{exc.name} is missing: install the extra, e.g. pip install 'oai-notebook[sandbox,notebook,showcase]'"
        ) from None

    nb = nbformat.read(notebook, as_version=4)
    client = NotebookClient(
        nb,
        km=_kernel_manager(),
        timeout=timeout,
        startup_timeout=120,
        resources={"metadata": {"path": str(notebook.parent)}},
    )
    error = None
    try:
        # cleanup_kc: shut the kernel (and so its sandbox) down, although we made its manager.
        client.execute(env=kernel_environment(offline), cleanup_kc=True)
    except CellExecutionError as exc:
        error = _first_line(exc)
    out_dir.mkdir(parents=True, exist_ok=True)
    executed = Executed(out_dir / notebook.name, out_dir / (notebook.stem + ".html"), error)
    nbformat.write(nb, executed.notebook)
    body, _ = HTMLExporter().from_notebook_node(nb)
    executed.html.write_text(body, encoding="utf-8")
    return executed


def _first_line(exc: BaseException) -> str:
    """The cell error in short: its last non-empty line (the exception), not the whole traceback."""
    lines = [line for line in ANSI_COLOUR.sub("", str(exc)).splitlines() if line.strip()]
    return lines[-1] if lines else type(exc).__name__


def open_command(notebooks: Path) -> str:
    """The command that opens JupyterLab on the notebooks, with this environment's `jupyter`."""
    jupyter = Path(sys.executable).parent / "jupyter"
    program = _relative(jupyter) if jupyter.exists() else "jupyter"
    return f"{program} lab {_relative(notebooks)}"


def _relative(path: Path) -> str:
    """`path` relative to the current folder when it lies below it, else absolute."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path.resolve())
