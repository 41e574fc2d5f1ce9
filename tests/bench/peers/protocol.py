"""The peers' tiny protocol: one JSON request per line on stdin, one JSON reply per line on stdout.

Requests: {"op": "ingest", "articles": [{"id", "text"}]} -> {"chunks", "seconds", "tokens_mean", "tokens_max"};
{"op": "load", "passages", "vectors", "faiss", "nprobe"} -> {"chunks", "seconds"} (chunks with vectors made
elsewhere, LlamaIndex's fast store only); {"op": "search", "query", "k", "mode", "candidates"} ->
{"hits": [{"article_id", "text"}], "ms"}; {"op": "quit"}.
A peer process is configured by its flags (`PeerConfig`), one process per configuration. Standard library only:
this module runs inside the peers' own virtualenvs.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from typing import IO, Any

Handler = Callable[[dict[str, Any]], dict[str, Any]]
STORES = ("default", "fast")
EMBEDDERS = ("torch", "int8")


@dataclass(frozen=True, slots=True)
class PeerConfig:
    """One peer process's configuration: the model, the store ("default" or "fast") and the embedder."""

    model: str  # a sentence-transformers model folder: the packaged fp32 one, or hustings' int8 ONNX export
    store: str
    embedder: str  # "torch" (fp32) or "int8" (`onnx_file` in `model`, run by ONNX Runtime)
    onnx_file: str | None

    def model_options(self) -> dict[str, Any]:
        """Keyword arguments for sentence-transformers' `SentenceTransformer` that select the embedder."""
        if self.embedder == "torch":
            return {}
        return {"backend": "onnx", "model_kwargs": {"file_name": self.onnx_file}}


def start_peer() -> tuple[IO[str], PeerConfig]:
    """The reply channel and the configuration: what every peer does first, before importing its framework."""
    channel = open_channel()
    parser = argparse.ArgumentParser()
    parser.add_argument("--model", required=True)
    parser.add_argument("--store", choices=STORES, default="default")
    parser.add_argument("--embedder", choices=EMBEDDERS, default="torch")
    parser.add_argument("--onnx-file", help="the int8 model's file inside --model (with --embedder int8)")
    args = parser.parse_args()
    if args.embedder == "int8" and not args.onnx_file:
        parser.error("--embedder int8 needs --onnx-file (e.g. onnx/model_qint8_avx512_vnni.onnx)")
    os.environ.setdefault("HF_HUB_OFFLINE", "1")  # the model is local; the frameworks must not look online
    return channel, PeerConfig(args.model, args.store, args.embedder, args.onnx_file)


def open_channel() -> IO[str]:
    """Keep the real stdout for replies; from here on anything printed (libraries' notices) goes to stderr.

    Call it first, before importing the framework: some print on import or configuration.
    """
    channel = os.fdopen(os.dup(sys.stdout.fileno()), "w", encoding="utf-8")
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())
    sys.stdout = sys.stderr
    return channel


def serve(channel: IO[str], handlers: dict[str, Handler]) -> None:
    """Answer requests until "quit" or end of input."""
    channel.write(json.dumps({"ready": True}) + "\n")
    channel.flush()
    for line in sys.stdin:
        request = json.loads(line)
        if request.get("op") == "quit":
            break
        try:
            reply = handlers[request["op"]](request)
        except Exception as error:  # the caller prints it and stops; the peer must not die silently
            reply = {"error": f"{type(error).__name__}: {error}", "trace": traceback.format_exc()}
        channel.write(json.dumps(reply) + "\n")
        channel.flush()
