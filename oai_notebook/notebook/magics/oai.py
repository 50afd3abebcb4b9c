"""%oai: status, models, usage, history, reset, use and help."""

from __future__ import annotations

from typing import Any

from IPython.core.magic import line_magic, magics_class
from IPython.core.magic_arguments import argument, magic_arguments

from ..errors import InputError, fails_cleanly
from ._base import SessionMagics

HELP = """\
oai_notebook magics (each has help: %chat?, %image?, ...; -m MODEL and -o NAME everywhere):
  %%chat       chat; streams Markdown; --chat NAME conversations, --json/--schema, --compare, --image
  %%image      generate images; --edit IMG [--mask M], --variation IMG, --save DIR
  %%embed      embed lines or --from df.column; heatmap, PCA, --query ranking; a DataFrame
  %%moderate   moderation scores per line as a DataFrame and a chart
  %%speak      text to speech with a player; the audio bytes
  %transcribe  audio to text (-f verbose_json adds segments; srt, vtt)
  %translate   audio to English text
  %oai status | models | usage | history [CHAT] | reset [CHAT|--all] | use sandbox|openai|azure|URL|VAR | help
Defaults: %config OAI (e.g. %config OAI.chat_model = "gpt-4o"). {name} in a cell is filled from your variables."""

MODEL_TRAITS = ("chat_model", "embed_model", "image_model", "moderation_model", "speech_model",
                "voice", "transcription_model")


@magics_class
class OAIMagics(SessionMagics):
    @magic_arguments()
    @argument("command", nargs="?", default="help",
              help="status, models, usage, history, reset, use or help.")
    @argument("names", nargs="*", help="A conversation (history, reset) or a backend (use).")
    @argument("--all", action="store_true", help="reset: every conversation.")
    @argument("--key-env", metavar="VAR", help="use URL: read the server's API key from this environment variable.")
    @line_magic
    @fails_cleanly
    def oai(self, line: str) -> Any:
        """Status and housekeeping of the oai_notebook session; `%oai help` lists every magic."""
        args = self.parse(self.oai, line)
        command = args.command
        handler = getattr(self, f"_{command}", None)
        if command.startswith("_") or handler is None:
            raise InputError(f"unknown %oai command '{command}'; try %oai help")
        return handler(args)

    def _help(self, args: Any) -> None:
        print(HELP)

    def _status(self, args: Any) -> None:
        from oai_notebook.client import mask_key

        session = self.session
        client = session.client
        lines = [
            f"backend:  {session.backend}",
            f"base URL: {client.base_url}",
            f"API key:  {mask_key(client.api_key)}",
            "defaults: " + ", ".join(f"{name}={getattr(self.config_, name)}" for name in MODEL_TRAITS),
            f"calls:    {len(session.usage)} this session; conversations: {', '.join(session.conversations) or 'none'}",
        ]
        print("\n".join(lines))

    def _models(self, args: Any) -> Any:
        from ..frames import models_frame

        return models_frame(self.session.client.models.list())

    def _usage(self, args: Any) -> Any:
        from ..frames import usage_frame

        return usage_frame(self.session.usage)

    def _history(self, args: Any) -> Any:
        from ..frames import messages_frame

        name = args.names[0] if args.names else "default"
        if name not in self.session.conversations:
            raise InputError(f"no conversation '{name}' (have: {', '.join(self.session.conversations) or 'none'})")
        return messages_frame(self.session.conversations[name])

    def _reset(self, args: Any) -> None:
        conversations = self.session.conversations
        names = list(conversations) if args.all else (args.names or ["default"])
        for name in names:
            conversations.pop(name, None)
        print(f"cleared {len(names)} conversation(s): {', '.join(names) or 'none'}")

    def _use(self, args: Any) -> None:
        if len(args.names) != 1:
            raise InputError("%oai use needs one of: sandbox, openai, azure, a base URL, or a client variable")
        target = args.names[0]
        value = self.namespace.get(target) if target.isidentifier() else None
        if value is not None and hasattr(value, "chat") and hasattr(value, "base_url"):
            self.session.set_client(value, backend="azure" if value.settings.azure else "custom")
        else:
            self.session.use(target, api_key_env=args.key_env)
        print(f"oai_notebook: using {self.session.backend} at {self.session.client.base_url}")
