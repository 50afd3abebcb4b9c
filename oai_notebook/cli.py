"""The `oai-notebook` command. Each subcommand registers its parser and handler in COMMANDS."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path


def _add_sandbox(sub: argparse._SubParsersAction) -> Callable[[argparse.Namespace], int]:
    parser = sub.add_parser(
        "sandbox",
        help="run the offline OpenAI-compatible sandbox server",
        description="Serve the OpenAI REST API under /v1 on small local models (127.0.0.1 only).",
    )
    parser.add_argument("--host", default="127.0.0.1", choices=["127.0.0.1", "localhost"],
                        help="interface to bind (local only)")
    parser.add_argument("--port", type=int, default=0, help="port (default: a free one)")
    parser.add_argument("--data-dir", type=Path, default=None,
                        help="state directory (default: a per-user folder)")
    parser.add_argument("--api-key", default=None,
                        help="require this key (also $OAI_NOTEBOOK_SANDBOX_API_KEY)")
    parser.add_argument("--rpm", type=int, default=None, help="requests-per-minute limit")
    parser.add_argument("--tpm", type=int, default=None, help="tokens-per-minute limit")
    parser.add_argument("--chat-model-path", type=Path, default=None,
                        help="a GGUF file to use as the chat model")
    parser.add_argument("--max-upload-bytes", type=int, default=None,
                        help="largest accepted request body")
    parser.add_argument("--default-max-tokens", type=int, default=None,
                        help="reply length cap when a chat request sets none (default 256)")
    parser.add_argument("--max-seconds", type=float, default=None,
                        help="stop by itself after this many seconds")
    parser.add_argument("--parent-pid", type=int, default=None, help=argparse.SUPPRESS)
    parser.add_argument("--watch-stdin", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--log-level", default="warning",
                        choices=["critical", "error", "warning", "info", "debug"])
    return _run_sandbox


def _run_sandbox(args: argparse.Namespace) -> int:
    from oai_notebook.sandbox.config import SandboxConfig
    from oai_notebook.sandbox.server import serve

    options = {
        "host": args.host, "port": args.port, "rpm": args.rpm, "tpm": args.tpm,
        "api_key": args.api_key or os.environ.get("OAI_NOTEBOOK_SANDBOX_API_KEY") or None,
        "chat_model_path": args.chat_model_path,
    }
    if args.data_dir is not None:
        options["data_dir"] = args.data_dir
    if args.max_upload_bytes:
        options["max_upload_bytes"] = args.max_upload_bytes
    if args.default_max_tokens:
        options["default_max_tokens"] = args.default_max_tokens
    if args.chat_model_path is not None and not args.chat_model_path.is_file():
        raise SystemExit(f"oai-notebook sandbox: no GGUF file at {args.chat_model_path}")
    serve(
        SandboxConfig(**options),
        parent_pid=args.parent_pid,
        watch_stdin=args.watch_stdin,
        max_seconds=args.max_seconds,
        log_level=args.log_level,
    )
    return 0


def _add_quickstart(sub: argparse._SubParsersAction) -> Callable[[argparse.Namespace], int]:
    parser = sub.add_parser(
        "quickstart",
        help="run notebooks/01-quickstart.ipynb headless and save it as .ipynb and .html",
        description="Execute the quickstart notebook of a clone of the repository (offline, on the "
        "sandbox, unless --use-api-key) and write the executed notebook and an HTML copy.",
    )
    parser.add_argument("--out", type=Path, default=Path("out/quickstart"),
                        help="folder for the executed notebook and its HTML copy (default: out/quickstart)")
    parser.add_argument("--use-api-key", action="store_true",
                        help="keep OPENAI_API_KEY/Azure settings for the kernel (default: offline sandbox)")
    parser.add_argument("--timeout", type=float, default=900, help="seconds allowed per cell")
    return _run_quickstart


def _run_quickstart(args: argparse.Namespace) -> int:
    from oai_notebook import showcase

    try:
        notebooks = showcase.find_notebooks()
        print(f"running {notebooks / '01-quickstart.ipynb'} ...", flush=True)
        result = showcase.execute(notebooks / "01-quickstart.ipynb", args.out,
                                  offline=not args.use_api_key, timeout=args.timeout)
    except showcase.ShowcaseError as exc:
        raise SystemExit(f"oai-notebook quickstart: {exc}") from None
    print(f"wrote {result.notebook}\nwrote {result.html}")
    if result.error:
        print(f"oai-notebook quickstart: a cell failed: {result.error}", file=sys.stderr)
        return 1
    print(f"Open the notebooks in JupyterLab:\n    {showcase.open_command(notebooks)}")
    return 0


# name -> function that adds the subparser and returns the handler
COMMANDS: dict[str, Callable[[argparse._SubParsersAction], Callable[[argparse.Namespace], int]]] = {
    "sandbox": _add_sandbox,
    "quickstart": _add_quickstart,
}


def build_parser() -> tuple[argparse.ArgumentParser, dict[str, Callable[[argparse.Namespace], int]]]:
    parser = argparse.ArgumentParser(prog="oai-notebook", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    handlers = {name: add(sub) for name, add in COMMANDS.items()}
    return parser, handlers


def main(argv: Sequence[str] | None = None) -> int:
    parser, handlers = build_parser()
    args = parser.parse_args(argv)
    try:
        return handlers[args.command](args)
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    raise SystemExit(main())
