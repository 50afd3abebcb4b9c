"""What every magic shares: the session, argument parsing as one line, `{name}` filling, binding."""

from __future__ import annotations

from typing import Any

from IPython.core.error import UsageError
from IPython.core.magic import Magics
from IPython.core.magic_arguments import argument
from IPython.utils.process import arg_split

from ..errors import InputError, MagicError
from ..interpolate import interpolate
from ..render import is_live
from ..session import get_session


def common_arguments(func: Any) -> Any:
    """-m/--model, -o/--out and --raw, shared by every magic."""
    for decorator in (
        argument("--raw", action="store_true", help="Send the text as is: no {name} filling."),
        argument("-o", "--out", metavar="NAME", help="Bind the result to this variable."),
        argument("-m", "--model", help="Model (default from %%config OAI)."),
    ):
        func = decorator(func)
    return func


def _unquote(token: str) -> str:
    if len(token) >= 2 and token[0] == token[-1] and token[0] in "'\"":
        return token[1:-1]
    return token


def parse_argstring(method: Any, line: str) -> Any:
    """Like IPython's parse_argstring, but `--system 'be brief'` gives `be brief` (no quotes)."""
    return method.parser.parse_args([_unquote(token) for token in arg_split(line)])


class SessionMagics(Magics):
    """A Magics class with the shell's oai_notebook session."""

    def __init__(self, shell: Any = None, **kwargs: Any) -> None:
        super().__init__(shell=shell, **kwargs)
        self.session = get_session(shell)

    @property
    def config_(self) -> Any:
        return self.session.config

    @property
    def namespace(self) -> dict[str, Any]:
        return self.session.namespace

    def parse(self, method: Any, line: str, prefix: str = "%") -> Any:
        """Parsed arguments, or one line with the error and the usage."""
        try:
            args = parse_argstring(method, line)
        except ValueError as exc:  # an unclosed quote
            raise MagicError(f"cannot read the options: {exc}") from None
        except UsageError as exc:
            usage = " ".join(method.parser.format_usage().split()).lstrip(": ")
            usage = usage.removeprefix("usage: ").removeprefix("%")
            raise MagicError(f"{exc} (usage: {prefix}{usage})") from None
        out = getattr(args, "out", None)
        if out is not None and not out.isidentifier():
            raise MagicError(f"-o needs a variable name, not '{out}'")
        return args

    def parse_body(self, method: Any, line: str, cell: str | None) -> tuple[Any, str]:
        """(arguments, text) of a line-or-cell magic: `%%chat -m M` + cell, or `%chat -m M text`.

        On one line the options come first; the text starts at the first word they cannot take
        (or after ` -- `). The text keeps its quotes and apostrophes.
        """
        if cell is not None:
            return self.parse(method, line, "%%"), cell
        head, separator, tail = line.partition(" -- ")
        if separator or line.startswith("-- "):
            head, tail = ("", line[3:]) if not separator else (head, tail)
            return self.parse(method, head), tail
        words = line.split()
        for count in range(len(words), -1, -1):
            try:
                parse_argstring(method, " ".join(words[:count]))
            except (UsageError, ValueError):
                continue
            if count < len(words) and words[count].startswith("-"):
                self.parse(method, " ".join(words[: count + 1]))  # raises the usage line
            rest = line.lstrip()
            for word in words[:count]:
                rest = rest[len(word):].lstrip()
            return self.parse(method, " ".join(words[:count])), rest
        return self.parse(method, ""), line

    def text(self, args: Any, text: str | None) -> str:
        """The text with {name} filled from the user's namespace (unless --raw)."""
        text = text or ""
        return text if getattr(args, "raw", False) else interpolate(text, self.namespace)

    def lines(self, args: Any, cell: str | None) -> list[str]:
        """Each non-empty line of the cell, filled."""
        return [line.strip() for line in self.text(args, cell).splitlines() if line.strip()]

    def column(self, source: str) -> tuple[list[str], Any]:
        """The texts of `--from df.column` (missing or empty values dropped) and their index."""
        from ..interpolate import resolve

        values = resolve(source.strip(), self.namespace)
        if isinstance(values, str):
            raise InputError(f"--from {source} is a string; give a column or a list of texts")
        series = hasattr(values, "iloc")  # a pandas Series keeps its index, to join results back
        pairs = list(values.items()) if series else list(enumerate(values))
        kept = [(i, str(v)) for i, v in pairs if v is not None and v == v and str(v).strip()]
        if not kept:
            raise InputError(f"--from {source} holds no texts")
        return [text for _, text in kept], [i for i, _ in kept]

    def bind(self, args: Any, value: Any) -> None:
        if getattr(args, "out", None):
            self.namespace[args.out] = value

    @property
    def live(self) -> bool:
        return is_live(self.shell, self.config_.stream_display)

    def cost(self, value: float | None) -> float | None:
        return value if self.session.priced else None
