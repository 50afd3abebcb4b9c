"""oai_notebook: the whole OpenAI API at home in Jupyter."""

__version__ = "0.1.0"


def load_ipython_extension(ip):  # noqa: ANN001 - IPython's hook
    """`%load_ext oai_notebook`: register the magics (imports stay lazy)."""
    from .notebook import load_ipython_extension as load

    load(ip)


def unload_ipython_extension(ip):  # noqa: ANN001
    from .notebook import unload_ipython_extension as unload

    unload(ip)
