"""The embedder: the int8 ONNX model run directly, and the torch backend it must agree with."""

from __future__ import annotations

import numpy as np

from index.embed import Embedder
from tests.conftest import MODEL_CACHE

SENTENCES = [
    "Labour held Hull with a narrower majority after the Liberal Democrats took seven seats.",
    "The bins are a problem, said Dorothy Stewart, 88, from Grimsby.",
    "Turnout",
    "Why did the Conservatives lose control of Wandsworth in 2022?",
]


def test_vectors_are_unit_length_and_batching_keeps_each_text_in_its_row(real_embedder: Embedder) -> None:
    together = real_embedder.embed(SENTENCES, batch_size=2)
    assert together.shape == (len(SENTENCES), 384) and together.dtype == np.float32
    assert np.allclose(np.linalg.norm(together, axis=1), 1.0, atol=1e-5)
    alone = np.vstack([real_embedder.embed([s]) for s in SENTENCES])
    assert np.all((together * alone).sum(axis=1) > 0.97)  # int8 activations are scaled per batch: close, not equal
    assert real_embedder.embed([]).shape == (0, 384)


def test_the_torch_backend_agrees_with_the_onnx_one(real_embedder: Embedder) -> None:
    torch_embedder = Embedder.load(MODEL_CACHE, backend="torch")
    cosines = (torch_embedder.embed(SENTENCES) * real_embedder.embed(SENTENCES)).sum(axis=1)
    assert np.all(cosines > 0.97)
    assert [torch_embedder.count_tokens(s) for s in SENTENCES] == [real_embedder.count_tokens(s) for s in SENTENCES]


def test_the_question_embedder_a_server_loads_gives_the_vectors_ingest_stored(real_embedder: Embedder) -> None:
    questions = Embedder.for_questions(MODEL_CACHE)
    assert questions.name == real_embedder.name
    for sentence in SENTENCES:  # one thread, no spinning: the same int8 arithmetic, one question at a time
        assert np.allclose(questions.embed([sentence]), real_embedder.embed([sentence]), atol=1e-5)
    options = questions._encode.__self__.session.get_session_options()  # type: ignore[attr-defined]
    assert options.intra_op_num_threads == 1
    assert options.get_session_config_entry("session.intra_op.allow_spinning") == "0"
