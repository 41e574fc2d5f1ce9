"""The router: which route answers a question, learned from labelled questions plus what understanding found."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import get_args

import numpy as np
import yaml

from bot.answer import Route
from bot.understand import Question
from index.embed import TextEmbedder

ROUTES: tuple[Route, ...] = get_args(Route)
VECTORS_PREFIX = "router-questions-"  # the labelled questions' vectors, cached in the data folder


@dataclass(frozen=True, slots=True)
class RouteDecision:
    """The route chosen and the probability the router gave each route."""

    route: Route
    probabilities: dict[str, float]


def features(question: Question, vector: np.ndarray) -> np.ndarray:
    """The question's embedding followed by the signals understanding found (0/1 each)."""
    cues = question.cues
    flags = [
        bool(question.places), bool(question.parties), bool(question.years), question.measure is not None,
        question.unknown_place is not None, bool(question.ambiguous), cues.explains,
        cues.asks_figure, cues.explains and question.measure is not None,
        len(question.text.split()) <= 2,
    ]
    return np.concatenate([vector.astype(np.float32), np.asarray(flags, dtype=np.float32)])


class Router:
    """Softmax regression over `features`: small, fast (one matrix product) and retrained in a second."""

    def __init__(self, weights: np.ndarray, bias: np.ndarray) -> None:
        self.weights = weights
        self.bias = bias

    @classmethod
    def train(cls, rows: np.ndarray, labels: list[str], l2: float = 1e-3, steps: int = 600) -> Router:
        """Fit on feature rows and their route labels by full-batch gradient descent."""
        targets = np.zeros((len(labels), len(ROUTES)), dtype=np.float32)
        targets[np.arange(len(labels)), [ROUTES.index(label) for label in labels]] = 1.0
        weights = np.zeros((rows.shape[1], len(ROUTES)), dtype=np.float32)
        bias = np.zeros(len(ROUTES), dtype=np.float32)
        rate = 1.0
        for _ in range(steps):
            probabilities = _softmax(rows @ weights + bias)
            error = (probabilities - targets) / len(labels)
            weights -= rate * (rows.T @ error + l2 * weights)
            bias -= rate * error.sum(axis=0)
        return cls(weights, bias)

    def decide(self, row: np.ndarray) -> RouteDecision:
        """The most probable route for one feature row."""
        probabilities = _softmax((row @ self.weights + self.bias)[None, :])[0]
        best = int(np.argmax(probabilities))
        return RouteDecision(ROUTES[best], {r: float(p) for r, p in zip(ROUTES, probabilities, strict=True)})


def load_labelled_questions() -> list[tuple[str, str]]:
    """The labelled questions that ship with the bot (bot/router_questions.yaml)."""
    text = resources.files("bot").joinpath("router_questions.yaml").read_text(encoding="utf-8")
    raw = yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))  # libyaml: 85 -> 6 ms at each start
    return [(item["q"], item["route"]) for item in raw]


def train_router(
    labelled: list[tuple[str, str]],
    understand_text: Callable[[str], Question],
    embedder: TextEmbedder,
    cache_dir: Path | None = None,
) -> Router:
    """Embed and understand every labelled question, then fit the router.

    With `cache_dir`, the questions' vectors are kept there between starts: they change only with the
    questions or the model, and embedding them is half of a start (0.35 of 0.9 s here).
    """
    questions = [understand_text(q) for q, _ in labelled]
    vectors = _question_vectors([q for q, _ in labelled], embedder, cache_dir)
    rows = np.stack([features(question, vector) for question, vector in zip(questions, vectors, strict=True)])
    return _trained(rows, tuple(route for _, route in labelled))


_TRAINED: dict[str, Router] = {}


def _trained(rows: np.ndarray, labels: tuple[str, ...]) -> Router:
    """The router fitted on these rows: a server moving to a new store generation whose names read the labelled
    questions as before (most do: new results seldom rename a place in them) reuses the fit it has."""
    key = hashlib.sha256(rows.tobytes() + "\n".join(labels).encode("utf-8")).hexdigest()
    if key not in _TRAINED:
        _TRAINED.clear()  # one fit is kept: the generation's before
        _TRAINED[key] = Router.train(rows, list(labels))
    return _TRAINED[key]


def _question_vectors(texts: list[str], embedder: TextEmbedder, cache_dir: Path | None) -> np.ndarray:
    if cache_dir is None:
        return embedder.embed(texts)
    backend = getattr(embedder, "backend", "")  # int8 ONNX and torch give slightly different vectors
    key = hashlib.sha256("\n".join([embedder.name, backend, *texts]).encode("utf-8")).hexdigest()[:16]
    path = Path(cache_dir) / f"{VECTORS_PREFIX}{key}.npy"
    try:
        vectors = np.load(path)
        if vectors.shape == (len(texts), embedder.dimension):
            return vectors
    except (OSError, ValueError):
        pass  # not cached yet, or damaged: embed again
    vectors = embedder.embed(texts)
    try:  # written aside and renamed: a reader never sees half a file; a read-only folder just means no cache
        scratch = path.with_name(f".{path.name}.{os.getpid()}")
        with scratch.open("wb") as handle:  # np.save given a name would add ".npy" to it
            np.save(handle, vectors)
        os.replace(scratch, path)
        for stale in Path(cache_dir).glob(f"{VECTORS_PREFIX}*.npy"):
            if stale != path:
                stale.unlink(missing_ok=True)
    except OSError:
        pass
    return vectors


def _softmax(logits: np.ndarray) -> np.ndarray:
    shifted = np.exp(logits - logits.max(axis=1, keepdims=True))
    return shifted / shifted.sum(axis=1, keepdims=True)
