"""Peer frameworks (LlamaIndex, Haystack) doing the same retrieval, for `make bench-peers` only.

Each peer runs in its own virtualenv as a subprocess that speaks JSON lines (protocol.py); the product
never imports anything here.
"""
