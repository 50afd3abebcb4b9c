"""`OAI`: the magics' defaults as traitlets, set with `%config OAI.<name> = value` or ipython_config.py."""

from __future__ import annotations

from traitlets import Bool, Enum, Float, Int, Unicode
from traitlets.config import Configurable


class OAI(Configurable):
    """Defaults for the oai_notebook magics (backend, models per magic, display)."""

    backend = Unicode(
        "auto",
        help="auto (an API key in the environment selects OpenAI or Azure, none the offline "
        "sandbox), sandbox, openai, azure, or an OpenAI-compatible base URL.",
    ).tag(config=True)
    chat_model = Unicode("gpt-4o-mini", help="Default model of %%chat.").tag(config=True)
    embed_model = Unicode("text-embedding-3-small", help="Default model of %%embed.").tag(config=True)
    image_model = Unicode("dall-e-3", help="Default model of %%image.").tag(config=True)
    moderation_model = Unicode("omni-moderation-latest", help="Default model of %%moderate.").tag(config=True)
    speech_model = Unicode("tts-1", help="Default model of %%speak.").tag(config=True)
    voice = Unicode("alloy", help="Default voice of %%speak.").tag(config=True)
    transcription_model = Unicode("whisper-1", help="Default model of %transcribe/%translate.").tag(config=True)
    system_prompt = Unicode("", help="System message for new conversations ('' for none).").tag(config=True)
    temperature = Float(None, allow_none=True, help="Default temperature of %%chat.").tag(config=True)
    max_tokens = Int(None, allow_none=True, help="Default --max-tokens of %%chat.").tag(config=True)
    stream_display = Enum(
        ["auto", "live", "text"], "auto",
        help="How %%chat streams: live = one display updated in place (Jupyter), text = printed "
        "as it arrives (terminal), auto = live inside a kernel, text otherwise.",
    ).tag(config=True)
    update_interval = Float(0.05, help="Seconds between updates of a live display.").tag(config=True)
    show_footer = Bool(True, help="Show tokens, estimated cost and latency under replies.").tag(config=True)
    embed_batch_size = Int(2048, help="Texts per embeddings request (at most 2048).").tag(config=True)
    embed_concurrency = Int(4, help="Embedding batches in flight at once.").tag(config=True)
    max_retries = Int(2, help="Retries of a failed request (429, 5xx, connection errors).").tag(config=True)
    timeout = Float(600.0, help="Seconds before a request times out.").tag(config=True)
