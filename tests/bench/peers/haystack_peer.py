"""Haystack peer: DocumentSplitter (~128 model tokens) -> SentenceTransformers embedder -> InMemoryDocumentStore,
searched by InMemoryEmbeddingRetriever (mode "dense") or InMemoryBM25Retriever (mode "bm25").

Run inside .venv-haystack as `python -m tests.bench.peers.haystack_peer --model PATH`. Its splitter counts words
(token splitting needs a tiktoken download, sentence boundaries an NLTK one): 96 words with 24 of overlap come to
about 128 of the model's tokens in this news text, like hustings' chunks (the ingest reply says how many).
"""

from __future__ import annotations

import time
from typing import Any

from tests.bench.peers.protocol import serve, start_peer

CHUNK_WORDS = 96
OVERLAP_WORDS = 24


def main() -> None:
    """Load the framework and the model, then answer requests."""
    channel, model = start_peer()
    from haystack import Document
    from haystack.components.preprocessors import DocumentSplitter
    from haystack.components.retrievers.in_memory import InMemoryBM25Retriever, InMemoryEmbeddingRetriever
    from haystack.document_stores.in_memory import InMemoryDocumentStore
    from haystack.utils import ComponentDevice
    from haystack_integrations.components.embedders.sentence_transformers import (
        SentenceTransformersDocumentEmbedder,
        SentenceTransformersTextEmbedder,
    )
    from transformers import AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(model)
    cpu = ComponentDevice.from_str("cpu")
    # The model is trained for cosine similarity: unit vectors make the store's dot product a cosine.
    document_embedder = SentenceTransformersDocumentEmbedder(
        model=model, device=cpu, normalize_embeddings=True, progress_bar=False
    )
    text_embedder = SentenceTransformersTextEmbedder(
        model=model, device=cpu, normalize_embeddings=True, progress_bar=False
    )
    document_embedder.warm_up()
    text_embedder.warm_up()
    splitter = DocumentSplitter(split_by="word", split_length=CHUNK_WORDS, split_overlap=OVERLAP_WORDS)
    state: dict[str, Any] = {}

    def ingest(request: dict[str, Any]) -> dict[str, Any]:
        documents = [Document(content=a["text"], meta={"article_id": a["id"]}) for a in request["articles"]]
        started = time.perf_counter()
        store = InMemoryDocumentStore()
        chunks = splitter.run(documents=documents)["documents"]
        store.write_documents(document_embedder.run(documents=chunks)["documents"])
        seconds = time.perf_counter() - started
        state["dense"] = InMemoryEmbeddingRetriever(document_store=store)
        state["bm25"] = InMemoryBM25Retriever(document_store=store)
        lengths = [len(tokenizer.encode(c.content or "", add_special_tokens=False)) for c in chunks]
        return {"chunks": len(chunks), "seconds": seconds, "tokens_mean": sum(lengths) / max(1, len(lengths)),
                "tokens_max": max(lengths, default=0)}

    def search(request: dict[str, Any]) -> dict[str, Any]:
        started = time.perf_counter()
        if request.get("mode") == "bm25":
            found = state["bm25"].run(query=request["query"], top_k=request["k"])["documents"]
        else:
            vector = text_embedder.run(text=request["query"])["embedding"]
            found = state["dense"].run(query_embedding=vector, top_k=request["k"])["documents"]
        ms = (time.perf_counter() - started) * 1000
        return {"hits": [{"article_id": d.meta["article_id"], "text": d.content or ""} for d in found], "ms": ms}

    serve(channel, {"ingest": ingest, "search": search})


if __name__ == "__main__":
    main()
