"""The numpy forward pass reproduces the published all-MiniLM-L6-v2 embeddings."""

import numpy as np
import pytest

from services.assistance.embedding import DIMENSIONS, encoder

# The model card's sentence-transformers example: the first values of the embedding of
# "This is an example sentence".
PUBLISHED = [0.06765689, 0.06349597, 0.04871316, 0.07930496, 0.03744799]


def test_reproduces_the_published_embedding() -> None:
    vector = encoder().embed_one("This is an example sentence")
    assert vector.shape == (DIMENSIONS,)
    np.testing.assert_allclose(vector[:5], PUBLISHED, atol=2e-5)


def test_vectors_are_unit_length_and_batches_match_single_texts() -> None:
    texts = ["road resurfacing", "a much longer text about janitorial services for city buildings"]
    batch = encoder().embed(texts)
    np.testing.assert_allclose(np.linalg.norm(batch, axis=1), [1.0, 1.0], atol=1e-5)
    for row, text in zip(batch, texts, strict=True):
        np.testing.assert_allclose(row, encoder().embed_one(text), atol=1e-5)


@pytest.mark.parametrize(("text", "paraphrase", "unrelated"), [
    ("asphalt overlay and pavement repair", "arterial road resurfacing", "laptop computers and docking stations"),
    ("custodial cleaning of office buildings", "janitorial services", "bridge inspection"),
])
def test_paraphrases_are_closer_than_unrelated_texts(text: str, paraphrase: str, unrelated: str) -> None:
    a, b, c = encoder().embed([text, paraphrase, unrelated])
    assert float(a @ b) > float(a @ c) + 0.2


def test_no_text_gives_no_rows() -> None:
    assert encoder().embed([]).shape == (0, DIMENSIONS)
