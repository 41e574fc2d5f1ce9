"""Export the int8 ONNX model into a model cache, once, for the Docker image (or a runtime-only install).

Usage: python deploy/export_models.py CACHE_DIR [CONFIG ...]   (configs: avx512_vnni avx512 avx2 arm64;
by default this CPU's). Needs the `export` extra: pip install 'hustings[export]'.
"""

from __future__ import annotations

import sys
from pathlib import Path

from index.embed import CONFIGS, Embedder, export_model


def main(argv: list[str]) -> int:
    """Export each config named (or this CPU's), then load one back to prove the cache serves."""
    if not argv or argv[0].startswith("-"):
        print(__doc__, file=sys.stderr)
        return 2
    cache, configs = Path(argv[0]), argv[1:] or [None]
    for config in configs:
        if config is not None and config not in CONFIGS:
            print(f"unknown config {config!r}: one of {', '.join(CONFIGS)}", file=sys.stderr)
            return 2
        print(export_model(cache, config))
    Embedder.load(cache).embed(["a sentence to prove the exported model runs"])
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
