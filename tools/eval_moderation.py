"""Cross-validated precision/recall of the sandbox's moderation classifier, per category.

Usage: python tools/eval_moderation.py [--folds 5] [--penalty 1.0]
Trains on (k-1)/k of `oai_notebook/sandbox/assets/moderation_examples.jsonl` and scores the rest,
exactly as `oai_notebook.sandbox.engines.moderator` does at load time.
"""

from __future__ import annotations

import argparse

import numpy as np

from oai_notebook.sandbox.engines import embedder as embedder_module
from oai_notebook.sandbox.engines import moderator


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--penalty", type=float, default=moderator.L2_PENALTY)
    args = parser.parse_args()

    texts, labels = moderator.read_examples()
    features = embedder_module.load().embed_texts(texts).vectors.astype(np.float64)
    fold_of = np.random.default_rng(0).permutation(len(texts)) % args.folds
    predicted = np.zeros_like(labels)
    for fold in range(args.folds):
        train, test = fold_of != fold, fold_of == fold
        x_test = np.hstack([features[test], np.ones((test.sum(), 1))])
        for i in range(len(moderator.CATEGORIES)):
            w = moderator.fit_logistic(features[train], labels[train, i], args.penalty)
            predicted[test, i] = moderator._sigmoid(x_test @ w) >= moderator.THRESHOLD

    print(f"{len(texts)} examples, {args.folds}-fold cross-validation, penalty {args.penalty}")
    print(f"{'category':24} {'n':>4} {'precision':>9} {'recall':>7}")
    for i, name in enumerate(moderator.CATEGORIES):
        truth, guess = labels[:, i] > 0, predicted[:, i] > 0
        hits = (truth & guess).sum()
        precision = hits / max(guess.sum(), 1)
        recall = hits / max(truth.sum(), 1)
        print(f"{name:24} {int(truth.sum()):4d} {precision:9.2f} {recall:7.2f}")
    benign = labels.sum(axis=1) == 0
    false_flags = (predicted[benign].sum(axis=1) > 0).mean()
    flagged_harmful = (predicted[~benign].sum(axis=1) > 0).mean()
    print(f"benign examples flagged: {false_flags:.1%}; harmful examples flagged: {flagged_harmful:.1%}")


if __name__ == "__main__":
    main()
