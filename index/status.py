"""A summary of a data directory for `hustings status` and `GET /health`."""

from __future__ import annotations

from pathlib import Path

from corpus.store import Store
from index.embed import MODEL_NAME
from index.generation import IndexOutOfDate, load_generation


def describe_store(data_dir: Path) -> dict[str, str]:
    """Counts and index health of the store in `data_dir`, as printable strings."""
    with Store.open(data_dir, read_only=True) as store:
        counts = store.coverage_counts()
        state = store.index_state()
        try:
            load_generation(data_dir, store, MODEL_NAME)
            health = "up to date"
        except IndexOutOfDate as error:
            health = f"OUT OF DATE: {error}"
        return {
            "store": str(store.path),
            "articles": str(counts["articles"]),
            "passages": str(counts["passages"]),
            "model": state.model if state else "-",
            "index": health,
        }
