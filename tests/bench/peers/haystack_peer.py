"""Haystack peer: DocumentSplitter (~128 model tokens) -> SentenceTransformers embedder -> InMemoryDocumentStore.

Run inside .venv-haystack as `python -m tests.bench.peers.haystack_peer --model PATH [--store default|fast]
[--embedder torch|int8 --onnx-file FILE]`. InMemoryDocumentStore is Haystack's only built-in store (FAISS and the
rest are separate integrations backed by servers or other libraries), so both configurations use it:
- "default": InMemoryEmbeddingRetriever (mode "dense") or InMemoryBM25Retriever (mode "bm25"), each on its own;
- "fast" (mode "hybrid"): both retrievers in a Pipeline, each fetching the request's "candidates", joined by
  DocumentJoiner's reciprocal rank fusion (k=61), as a speed-minded user would configure hybrid search.
The embedder is sentence-transformers: fp32 torch, or hustings' own int8 ONNX export on ONNX Runtime (the
embedders' backend="onnx"). Its splitter counts words (token splitting needs a tiktoken download, sentence
boundaries an NLTK one): 96 words with 24 of overlap come to about 128 of the model's tokens in this news text,
like hustings' chunks (the ingest reply says how many).
"""

from __future__ import annotations

import time
from typing import Any

from tests.bench.peers.protocol import serve, start_peer

CHUNK_WORDS = 96
OVERLAP_WORDS = 24
MODES = {"default": ("dense", "bm25"), "fast": ("hybrid",)}


def main() -> None:
    """Load the framework and the model, then answer requests."""
    channel, config = start_peer()
    from haystack import Document, Pipeline
    from haystack.components.joiners import DocumentJoiner
    from haystack.components.preprocessors import DocumentSplitter
    from haystack.components.retrievers.in_memory import InMemoryBM25Retriever, InMemoryEmbeddingRetriever
    from haystack.document_stores.in_memory import InMemoryDocumentStore
    from haystack.utils import ComponentDevice
    from haystack_integrations.components.embedders.sentence_transformers import (
        SentenceTransformersDocumentEmbedder,
        SentenceTransformersTextEmbedder,
    )
    from transformers import AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(config.model)
    cpu = ComponentDevice.from_str("cpu")
    # The model is trained for cosine similarity: unit vectors make the store's dot product a cosine.
    document_embedder = SentenceTransformersDocumentEmbedder(
        model=config.model, device=cpu, normalize_embeddings=True, progress_bar=False, **config.model_options()
    )
    text_embedder = SentenceTransformersTextEmbedder(
        model=config.model, device=cpu, normalize_embeddings=True, progress_bar=False, **config.model_options()
    )
    document_embedder.warm_up()
    text_embedder.warm_up()
    splitter = DocumentSplitter(split_by="word", split_length=CHUNK_WORDS, split_overlap=OVERLAP_WORDS)
    state: dict[str, Any] = {}

    def hybrid_pipeline(store: Any) -> Pipeline:
        pipeline = Pipeline()
        pipeline.add_component("embedder", text_embedder)
        pipeline.add_component("dense", InMemoryEmbeddingRetriever(document_store=store))
        pipeline.add_component("bm25", InMemoryBM25Retriever(document_store=store))
        pipeline.add_component("joiner", DocumentJoiner(join_mode="reciprocal_rank_fusion"))
        pipeline.connect("embedder.embedding", "dense.query_embedding")
        pipeline.connect("dense.documents", "joiner.documents")
        pipeline.connect("bm25.documents", "joiner.documents")
        return pipeline

    def ingest(request: dict[str, Any]) -> dict[str, Any]:
        documents = [Document(content=a["text"], meta={"article_id": a["id"]}) for a in request["articles"]]
        started = time.perf_counter()
        store = InMemoryDocumentStore()
        chunks = splitter.run(documents=documents)["documents"]
        store.write_documents(document_embedder.run(documents=chunks)["documents"])
        seconds = time.perf_counter() - started
        if config.store == "fast":
            state["hybrid"] = hybrid_pipeline(store)
        else:
            state["dense"] = InMemoryEmbeddingRetriever(document_store=store)
            state["bm25"] = InMemoryBM25Retriever(document_store=store)
        lengths = [len(tokenizer.encode(c.content or "", add_special_tokens=False)) for c in chunks]
        return {"chunks": len(chunks), "seconds": seconds, "tokens_mean": sum(lengths) / max(1, len(lengths)),
                "tokens_max": max(lengths, default=0)}

    def search(request: dict[str, Any]) -> dict[str, Any]:
        query, k, mode = request["query"], request["k"], request.get("mode", "dense")
        if mode not in MODES[config.store]:
            raise ValueError(f"the {config.store} store searches in modes {MODES[config.store]}, got {mode!r}")
        candidates = request.get("candidates", k)
        started = time.perf_counter()
        if mode == "hybrid":
            found = state["hybrid"].run({"embedder": {"text": query}, "dense": {"top_k": candidates},
                                         "bm25": {"query": query, "top_k": candidates},
                                         "joiner": {"top_k": k}})["joiner"]["documents"]
        elif mode == "bm25":
            found = state["bm25"].run(query=query, top_k=k)["documents"]
        else:
            vector = text_embedder.run(text=query)["embedding"]
            found = state["dense"].run(query_embedding=vector, top_k=k)["documents"]
        ms = (time.perf_counter() - started) * 1000
        return {"hits": [{"article_id": d.meta["article_id"], "text": d.content or ""} for d in found], "ms": ms}

    serve(channel, {"ingest": ingest, "search": search})


if __name__ == "__main__":
    main()
