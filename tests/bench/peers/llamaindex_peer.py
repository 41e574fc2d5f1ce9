"""LlamaIndex peer: SentenceSplitter (128 model tokens) -> HuggingFaceEmbedding -> VectorStoreIndex.

Run inside .venv-llamaindex as `python -m tests.bench.peers.llamaindex_peer --model PATH [--store default|fast]
[--embedder torch|int8 --onnx-file FILE]`. Two stores:
- "default": the framework's defaults (the in-memory SimpleVectorStore, dense retrieval only);
- "fast": what a speed-minded user would pick: a FAISS store (exact IndexFlatIP on unit vectors, as hustings
  below 100k passages) and BM25Retriever (bm25s) fused with the vector retriever by QueryFusionRetriever's
  reciprocal rank (k=60, one query, no LLM, synchronous), each retriever fetching the request's "candidates".
The embedder is sentence-transformers under HuggingFaceEmbedding: fp32 torch, or hustings' own int8 ONNX export
on ONNX Runtime (sentence-transformers' ONNX backend). Otherwise framework defaults are kept, except what the
comparison needs: the local model on the CPU, and chunks that fit its window (LlamaIndex's default 1024-token
chunks would be cut at the model's 256 tokens).
"""

from __future__ import annotations

import time
from typing import Any

from tests.bench.peers.protocol import serve, start_peer

CHUNK_TOKENS = 128  # as hustings: all-MiniLM-L6-v2 was trained on 128-token inputs
OVERLAP_TOKENS = 32
DIMENSION = 384  # all-MiniLM-L6-v2's
MODES = {"default": "dense", "fast": "hybrid"}
LOAD_BATCH = 10_000


def main() -> None:
    """Load the framework and the model, then answer requests."""
    channel, config = start_peer()
    from llama_index.core import Document, Settings, StorageContext, VectorStoreIndex
    from llama_index.core.node_parser import SentenceSplitter
    from llama_index.core.retrievers import QueryFusionRetriever
    from llama_index.embeddings.huggingface import HuggingFaceEmbedding
    from transformers import AutoTokenizer

    if config.store == "fast":  # imported here, not while ingest is timed
        import faiss
        from llama_index.retrievers.bm25 import BM25Retriever
        from llama_index.vector_stores.faiss import FaissVectorStore
    tokenizer = AutoTokenizer.from_pretrained(config.model)

    def count(text: str) -> list[int]:
        return list(tokenizer.encode(text, add_special_tokens=False))

    Settings.llm = None  # retrieval only: no LLM is wanted (and none could be downloaded)
    Settings.tokenizer = count  # its default tokenizer (tiktoken) would be downloaded and counts other tokens
    # HuggingFaceEmbedding (0.8.0) has no backend parameter of its own: extra keyword arguments go to
    # SentenceTransformer, which takes backend="onnx" and the ONNX file through model_kwargs.
    embed_model = HuggingFaceEmbedding(model_name=config.model, device="cpu", **config.model_options())
    splitter = SentenceSplitter(chunk_size=CHUNK_TOKENS, chunk_overlap=OVERLAP_TOKENS, tokenizer=count)
    state: dict[str, Any] = {}

    def build_index(documents: list[Any]) -> Any:
        if config.store == "default":
            return VectorStoreIndex.from_documents(documents, transformations=[splitter], embed_model=embed_model)
        # FaissVectorStore keeps no text: the nodes stay in the index's docstore, which BM25 is built from.
        storage = StorageContext.from_defaults(vector_store=FaissVectorStore(faiss_index=faiss.IndexFlatIP(DIMENSION)))
        index = VectorStoreIndex.from_documents(documents, storage_context=storage, transformations=[splitter],
                                                embed_model=embed_model)
        state["bm25"] = BM25Retriever.from_defaults(docstore=index.docstore)
        return index

    def ingest(request: dict[str, Any]) -> dict[str, Any]:
        documents = [
            Document(text=a["text"], metadata={"article_id": a["id"]},
                     excluded_embed_metadata_keys=["article_id"], excluded_llm_metadata_keys=["article_id"])
            for a in request["articles"]
        ]
        started = time.perf_counter()
        index = build_index(documents)
        seconds = time.perf_counter() - started
        state["index"] = index
        lengths = [len(count(node.get_content())) for node in index.docstore.docs.values()]
        return {"chunks": len(lengths), "seconds": seconds, "tokens_mean": sum(lengths) / max(1, len(lengths)),
                "tokens_max": max(lengths, default=0)}

    def load(request: dict[str, Any]) -> dict[str, Any]:
        """Chunks and vectors made elsewhere (the scale bench's synthetic passages, one JSON line each, and their
        vectors in a .npy file, row for row), into the fast store: the FAISS index in `faiss` (hustings' own,
        trained, emptied here, its `nprobe` kept) filled by FaissVectorStore, and BM25Retriever over the docstore.
        Inserted `LOAD_BATCH` nodes at a time, so the nodes' vectors as Python lists are never all held."""
        if config.store != "fast":
            raise ValueError("only the fast store loads chunks with their vectors")
        import json

        import numpy as np
        from llama_index.core.schema import TextNode

        vectors = np.load(request["vectors"], mmap_mode="r")
        started = time.perf_counter()
        faiss_index = faiss.read_index(request["faiss"])
        faiss_index.reset()  # the trained cells stay; the vectors are the framework's to add
        if request.get("nprobe"):
            faiss.extract_index_ivf(faiss_index).nprobe = int(request["nprobe"])
        storage = StorageContext.from_defaults(vector_store=FaissVectorStore(faiss_index=faiss_index))
        index = VectorStoreIndex([], storage_context=storage, embed_model=embed_model)
        batch: list[Any] = []
        with open(request["passages"], encoding="utf-8") as lines:
            for position, line in enumerate(lines):
                row = json.loads(line)
                batch.append(TextNode(text=row["text"], metadata={"article_id": row["article_id"]},
                                      embedding=vectors[position].tolist(), excluded_embed_metadata_keys=["article_id"],
                                      excluded_llm_metadata_keys=["article_id"]))
                if len(batch) == LOAD_BATCH:
                    index.insert_nodes(batch)
                    batch = []
        index.insert_nodes(batch)
        state["bm25"] = BM25Retriever.from_defaults(docstore=index.docstore)
        state["index"] = index
        return {"chunks": faiss_index.ntotal, "seconds": time.perf_counter() - started}

    def retriever(k: int, candidates: int) -> Any:
        if config.store == "default":
            return state["index"].as_retriever(similarity_top_k=k)
        bm25 = state["bm25"]
        # Set, not built again per depth (that would index the corpus again); bm25s refuses more than it holds.
        bm25.similarity_top_k = min(candidates, len(bm25.corpus))
        dense = state["index"].as_retriever(similarity_top_k=candidates)
        return QueryFusionRetriever([dense, bm25], mode="reciprocal_rerank", similarity_top_k=k, num_queries=1,
                                    use_async=False)

    def search(request: dict[str, Any]) -> dict[str, Any]:
        mode = request.get("mode", "dense")
        if mode != MODES[config.store]:
            raise ValueError(f"the {config.store} store searches in mode {MODES[config.store]!r}, got {mode!r}")
        chosen = retriever(request["k"], request.get("candidates", request["k"]))
        started = time.perf_counter()
        nodes = chosen.retrieve(request["query"])
        ms = (time.perf_counter() - started) * 1000
        hits = [{"article_id": n.node.metadata["article_id"], "text": n.node.get_content()} for n in nodes]
        return {"hits": hits, "ms": ms}

    serve(channel, {"ingest": ingest, "load": load, "search": search})


if __name__ == "__main__":
    main()
