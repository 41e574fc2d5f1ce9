"""The systems `compare.py` times, as a table: what each row runs (model, store, framework) and in which process.

One peer process per configuration (its flags: `--store`, `--embedder`); a process may serve several rows (Haystack's
default store serves dense and BM25). Standard library only, like protocol.py.
"""

from __future__ import annotations

from dataclasses import dataclass

LLAMAINDEX = (".venv-llamaindex", "tests.bench.peers.llamaindex_peer")
HAYSTACK = (".venv-haystack", "tests.bench.peers.haystack_peer")


@dataclass(frozen=True, slots=True)
class PeerSetup:
    """One peer process: its framework's virtualenv and module, its store and its embedder (protocol.PeerConfig)."""

    venv: str
    module: str
    store: str  # "default" or "fast"
    embedder: str  # "torch" (fp32, the packaged model) or "int8" (hustings' ONNX export)


@dataclass(frozen=True, slots=True)
class System:
    """One row of the report: its key for `--only`, its name, what it runs, and which process serves it."""

    key: str
    name: str
    model: str
    retrieval: str
    process: str | None = None  # a key of PROCESSES; None for hustings, which runs in the harness's own process
    mode: str = "dense"  # the peer's search mode


PROCESSES = {
    "llamaindex": PeerSetup(*LLAMAINDEX, "default", "torch"),
    "llamaindex-fast": PeerSetup(*LLAMAINDEX, "fast", "torch"),
    "llamaindex-fast-int8": PeerSetup(*LLAMAINDEX, "fast", "int8"),
    "haystack": PeerSetup(*HAYSTACK, "default", "torch"),
    "haystack-fast": PeerSetup(*HAYSTACK, "fast", "torch"),
    "haystack-fast-int8": PeerSetup(*HAYSTACK, "fast", "int8"),
}
FP32 = "fp32 torch (sentence-transformers)"
INT8 = "hustings' int8 ONNX (sentence-transformers' ONNX backend)"
LLAMA_FAST = ("LlamaIndex: FaissVectorStore (IndexFlatIP) + BM25Retriever (bm25s), QueryFusionRetriever "
              "reciprocal_rerank")
HAYSTACK_FAST = ("Haystack Pipeline: InMemoryEmbeddingRetriever + InMemoryBM25Retriever, DocumentJoiner "
                 "reciprocal_rank_fusion")
HUSTINGS = System("hustings", "hustings", "int8 ONNX (own ONNX Runtime loop)",
                  "hustings: FAISS IndexFlatIP + BM25, reciprocal rank fusion")
SYSTEMS = (
    HUSTINGS,
    System("llamaindex", "LlamaIndex", FP32, "LlamaIndex: SimpleVectorStore (in memory), dense", "llamaindex"),
    System("llamaindex-fast", "LlamaIndex FAISS+BM25 fp32", FP32, LLAMA_FAST, "llamaindex-fast", "hybrid"),
    System("llamaindex-fast-int8", "LlamaIndex FAISS+BM25 int8", INT8, LLAMA_FAST, "llamaindex-fast-int8", "hybrid"),
    System("haystack-dense", "Haystack dense", FP32, "Haystack: InMemoryDocumentStore, InMemoryEmbeddingRetriever",
           "haystack"),
    System("haystack-bm25", "Haystack BM25", "none (BM25 only)",
           "Haystack: InMemoryDocumentStore, InMemoryBM25Retriever (BM25L)", "haystack", "bm25"),
    System("haystack-fast", "Haystack BM25+dense RRF fp32", FP32, HAYSTACK_FAST, "haystack-fast", "hybrid"),
    System("haystack-fast-int8", "Haystack BM25+dense RRF int8", INT8, HAYSTACK_FAST, "haystack-fast-int8", "hybrid"),
)
PEER_KEYS = tuple(s.key for s in SYSTEMS if s.process)


def select_systems(only: list[str] | None) -> list[System]:
    """hustings and the peer rows named in `only` (every row when it is empty)."""
    unknown = sorted(set(only or ()) - set(PEER_KEYS))
    if unknown:
        raise ValueError(f"unknown systems {', '.join(unknown)}: choose from {', '.join(PEER_KEYS)}")
    return [s for s in SYSTEMS if not s.process or not only or s.key in only]
