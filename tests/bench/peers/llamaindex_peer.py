"""LlamaIndex peer: SentenceSplitter (128 model tokens) -> HuggingFaceEmbedding -> in-memory VectorStoreIndex.

Run inside .venv-llamaindex as `python -m tests.bench.peers.llamaindex_peer --model PATH`. Framework defaults
are kept except what the comparison needs: the local model on the CPU, and chunks that fit its window
(LlamaIndex's default 1024-token chunks would be cut at the model's 256 tokens).
"""

from __future__ import annotations

import time
from typing import Any

from tests.bench.peers.protocol import serve, start_peer

CHUNK_TOKENS = 128  # as hustings: all-MiniLM-L6-v2 was trained on 128-token inputs
OVERLAP_TOKENS = 32


def main() -> None:
    """Load the framework and the model, then answer requests."""
    channel, model = start_peer()
    from llama_index.core import Document, Settings, VectorStoreIndex
    from llama_index.core.node_parser import SentenceSplitter
    from llama_index.embeddings.huggingface import HuggingFaceEmbedding
    from transformers import AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(model)

    def count(text: str) -> list[int]:
        return list(tokenizer.encode(text, add_special_tokens=False))

    Settings.llm = None  # retrieval only: no LLM is wanted (and none could be downloaded)
    Settings.tokenizer = count  # its default tokenizer (tiktoken) would be downloaded and counts other tokens
    embed_model = HuggingFaceEmbedding(model_name=model, device="cpu")
    splitter = SentenceSplitter(chunk_size=CHUNK_TOKENS, chunk_overlap=OVERLAP_TOKENS, tokenizer=count)
    state: dict[str, Any] = {}

    def ingest(request: dict[str, Any]) -> dict[str, Any]:
        documents = [
            Document(text=a["text"], metadata={"article_id": a["id"]},
                     excluded_embed_metadata_keys=["article_id"], excluded_llm_metadata_keys=["article_id"])
            for a in request["articles"]
        ]
        started = time.perf_counter()
        index = VectorStoreIndex.from_documents(documents, transformations=[splitter], embed_model=embed_model)
        seconds = time.perf_counter() - started
        state["index"] = index
        lengths = [len(count(node.get_content())) for node in index.docstore.docs.values()]
        return {"chunks": len(lengths), "seconds": seconds, "tokens_mean": sum(lengths) / max(1, len(lengths)),
                "tokens_max": max(lengths, default=0)}

    def search(request: dict[str, Any]) -> dict[str, Any]:
        retriever = state["index"].as_retriever(similarity_top_k=request["k"])
        started = time.perf_counter()
        nodes = retriever.retrieve(request["query"])
        ms = (time.perf_counter() - started) * 1000
        hits = [{"article_id": n.node.metadata["article_id"], "text": n.node.get_content()} for n in nodes]
        return {"hits": hits, "ms": ms}

    serve(channel, {"ingest": ingest, "search": search})


if __name__ == "__main__":
    main()
