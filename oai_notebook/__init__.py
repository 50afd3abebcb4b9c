"""oai_notebook: the whole OpenAI API at home in Jupyter."""

__version__ = "0.1.0"
