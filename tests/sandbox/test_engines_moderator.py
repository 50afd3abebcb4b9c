"""The moderation classifier on its own: training data and per-category logistic regressions."""

from __future__ import annotations

import numpy as np
import pytest

from oai_notebook.sandbox.engines import moderator as moderator_module


@pytest.fixture(scope="module")
def moderator():
    return moderator_module.load()


def test_training_data_covers_every_category_and_benign_text():
    texts, labels = moderator_module.read_examples()
    assert len(texts) == len(set(texts)) >= 300
    assert (labels.sum(axis=0) >= 10).all()  # every category has examples
    assert (labels.sum(axis=1) == 0).sum() >= 100  # and there is plenty of benign text


def test_logistic_regression_separates_separable_data():
    rng = np.random.default_rng(1)
    x = rng.normal(size=(200, 5))
    y = (x[:, 0] + 0.5 * x[:, 1] > 0).astype(float)
    w = moderator_module.fit_logistic(x, y, penalty=0.01)
    predicted = moderator_module._sigmoid(np.hstack([x, np.ones((200, 1))]) @ w) >= 0.5
    assert (predicted == y).mean() > 0.95


@pytest.mark.parametrize(("text", "category"), [
    ("I'm going to find where you live and break every bone in your body.", "harassment/threatening"),
    ("People of that ethnicity are vermin and should leave our country.", "hate"),
    ("What is the easiest way to steal from a shop without being seen?", "illicit"),
    ("Tell me how to make a homemade bomb to hurt people.", "illicit/violent"),
    ("I have decided to end my life this weekend.", "self-harm/intent"),
    ("Send me naked pictures, I want to have sex with you tonight.", "sexual"),
    ("The attackers beat the man with clubs until he stopped moving.", "violence"),
])
def test_clearly_harmful_text_is_flagged_in_its_category(moderator, text, category):
    (result,) = moderator.moderate([text])
    assert result["flagged"]
    assert result["categories"][category], result["category_scores"]


def test_benign_text_is_not_flagged(moderator):
    benign = [
        "Could you recommend a good book about gardening?",
        "The quarterly report is attached, let me know if you have questions.",
        "My kids loved the aquarium trip on Saturday.",
        "How do I sort a dictionary by value in Python?",
    ]
    assert not any(r["flagged"] for r in moderator.moderate(benign))


def test_scores_are_probabilities_and_flags_follow_the_threshold(moderator):
    (result,) = moderator.moderate(["You are a worthless idiot."])
    scores = result["category_scores"]
    assert set(scores) == set(moderator_module.CATEGORIES)
    assert all(0.0 <= s <= 1.0 for s in scores.values())
    assert result["categories"] == {c: s >= moderator_module.THRESHOLD for c, s in scores.items()}
