"""Moderation: one logistic-regression classifier per OpenAI category over MiniLM embeddings.

How scores are made:
- Training data: `sandbox/assets/moderation_examples.jsonl`, a few hundred short labelled English
  sentences written for this project (each line: `text` and its `categories`; a sub-category's
  example also carries its parents, e.g. `hate/threatening` -> `hate` and `violence`; benign
  lines, including hard negatives such as "kill the process", have none).
- Features: each text's all-MiniLM-L6-v2 sentence embedding (384-d unit vector, see embedder.py).
- Model: for each of the 13 categories, an L2-regularised logistic regression (numpy, fitted by
  Newton's method; each positive example weighs sqrt(negatives / positives), half-way to
  balanced classes) trained when the engine loads: deterministic, about two seconds.
- `category_scores[c]` is that regression's probability that the text belongs to c;
  `categories[c]` is `score >= 0.5`; `flagged` is true when any category is.
`tools/eval_moderation.py` reports its cross-validated precision and recall per category.
It is a small, honest classifier, not OpenAI's: expect misses on subtle or non-English text.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import numpy as np

    from .embedder import Embedder

CATEGORIES: tuple[str, ...] = (
    "harassment", "harassment/threatening", "hate", "hate/threatening", "illicit",
    "illicit/violent", "self-harm", "self-harm/intent", "self-harm/instructions", "sexual",
    "sexual/minors", "violence", "violence/graphic",
)
EXAMPLES_FILE = Path(__file__).parent.parent / "assets" / "moderation_examples.jsonl"
THRESHOLD = 0.5
L2_PENALTY = 0.03
POSITIVE_WEIGHT_POWER = 0.5  # positives weigh sqrt(negatives / positives): half-way to balanced


def read_examples(path: Path = EXAMPLES_FILE) -> tuple[list[str], np.ndarray]:
    """Texts and their (n, 13) 0/1 label matrix, in CATEGORIES order."""
    import numpy as np

    texts: list[str] = []
    rows: list[list[float]] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        item = json.loads(line)
        unknown = set(item["categories"]) - set(CATEGORIES)
        if unknown:
            raise ValueError(f"unknown moderation categories in {path.name}: {sorted(unknown)}")
        texts.append(item["text"])
        rows.append([1.0 if c in item["categories"] else 0.0 for c in CATEGORIES])
    return texts, np.array(rows)


def fit_logistic(features: np.ndarray, labels: np.ndarray, penalty: float = L2_PENALTY) -> np.ndarray:
    """Weights (bias last) of an L2-regularised logistic regression, positives up-weighted (Newton)."""
    import numpy as np

    x = np.hstack([features, np.ones((len(features), 1))])
    positives = max(labels.sum(), 1.0)
    boost = ((len(labels) - positives) / positives) ** POSITIVE_WEIGHT_POWER
    sample_weight = np.where(labels > 0, boost, 1.0)
    reg = np.full(x.shape[1], penalty)
    reg[-1] = 0.0  # the bias is not penalised
    w = np.zeros(x.shape[1])
    for _ in range(50):
        p = _sigmoid(x @ w)
        gradient = x.T @ (sample_weight * (p - labels)) + reg * w
        hessian = (x * (sample_weight * p * (1 - p))[:, None]).T @ x + np.diag(reg + 1e-9)
        step = np.linalg.solve(hessian, gradient)
        w -= step
        if np.abs(step).max() < 1e-6:
            break
    return w


def _sigmoid(z: np.ndarray) -> np.ndarray:
    import numpy as np

    return 1.0 / (1.0 + np.exp(-np.clip(z, -40, 40)))


class Moderator:
    """Scores texts on OpenAI's 13 moderation categories."""

    def __init__(self, embedder: Embedder, examples: Path = EXAMPLES_FILE) -> None:
        import numpy as np

        self.embedder = embedder
        texts, labels = read_examples(examples)
        features = embedder.embed_texts(texts).vectors.astype(np.float64)
        self.weights = np.stack([fit_logistic(features, labels[:, i]) for i in range(len(CATEGORIES))])

    def scores(self, texts: Sequence[str]) -> list[dict[str, float]]:
        """Per text, each category's probability."""
        import numpy as np

        if not texts:
            return []
        features = self.embedder.embed_texts(texts).vectors.astype(np.float64)
        x = np.hstack([features, np.ones((len(features), 1))])
        probs = _sigmoid(x @ self.weights.T)
        return [dict(zip(CATEGORIES, map(float, row), strict=True)) for row in probs]

    def moderate(self, texts: Sequence[str]) -> list[dict[str, Any]]:
        """OpenAI moderation results (flagged, categories, category_scores, applied input types)."""
        results = []
        for scores in self.scores(texts):
            categories = {c: s >= THRESHOLD for c, s in scores.items()}
            results.append({
                "flagged": any(categories.values()),
                "categories": categories,
                "category_scores": scores,
                "category_applied_input_types": {c: ["text"] for c in CATEGORIES},
            })
        return results


def load(registry: Any = None, config: Any = None) -> Moderator:
    if registry is not None:
        embedder = registry.get("embedder")
    else:
        from .embedder import load as load_embedder

        embedder = load_embedder(config)
    return Moderator(embedder)
