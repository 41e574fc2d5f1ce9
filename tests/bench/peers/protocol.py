"""The peers' tiny protocol: one JSON request per line on stdin, one JSON reply per line on stdout.

Requests: {"op": "ingest", "articles": [{"id", "text"}]} -> {"chunks", "seconds", "tokens_mean", "tokens_max"};
{"op": "search", "query", "k", "mode"} -> {"hits": [{"article_id", "text"}], "ms"}; {"op": "quit"}.
Standard library only: this module runs inside the peers' own virtualenvs.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import traceback
from collections.abc import Callable
from typing import IO, Any

Handler = Callable[[dict[str, Any]], dict[str, Any]]


def start_peer() -> tuple[IO[str], str]:
    """The reply channel and the local model's path: what every peer does first, before importing its framework."""
    channel = open_channel()
    parser = argparse.ArgumentParser()
    parser.add_argument("--model", required=True)
    model: str = parser.parse_args().model
    os.environ.setdefault("HF_HUB_OFFLINE", "1")  # the model is local; the frameworks must not look online
    return channel, model


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
