"""Index generations on disk: one folder per consistent set of passages, swapped in atomically.

A generation folder `<data_dir>/index/<checksum>/` holds the passage keys, their vectors, the FAISS and BM25
indexes, the passages themselves (index/passage_table.py) and a manifest. It is written under a scratch name
and renamed whole, *before* the DuckDB transaction that records its checksum commits: a crash at any point
leaves the store pointing at a complete generation, the old one or the new one.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import mmap
import os
import shutil
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

from corpus.records import Passage
from corpus.store import IndexState, Store
from index.dense import DenseIndex
from index.lexical import LexicalBuilder, LexicalIndex
from index.passage_table import PassageTable, PassageTableWriter

INDEX_DIR = "index"
MANIFEST = "manifest.json"
VECTORS_FILE = "vectors.npy"
FILL_BATCH = 100_000  # vectors copied at a time
PASSAGE_BATCH = 50_000  # passages read from the store at a time while building


class IndexOutOfDate(Exception):
    """The index files do not match the passages in the store."""


@dataclass(frozen=True, slots=True)
class Generation:
    """A loaded generation: position i in both indexes is passage `keys[i]`."""

    folder: Path
    state: IndexState
    keys: np.ndarray
    vectors: np.ndarray
    dense: DenseIndex
    lexical: LexicalIndex
    passages: PassageTable


def checksum_passages(model: str, keys: np.ndarray, text_hashes: Sequence[str]) -> str:
    """A fingerprint of the model and every (key, text hash) pair, in key order."""
    digest = hashlib.sha256(model.encode("utf-8"))
    _digest_pairs(digest, keys, text_hashes)
    return digest.hexdigest()


def stored_checksum(store: Store, model: str) -> tuple[np.ndarray, str]:
    """The stored passages' keys and `checksum_passages` of them, read from the store a batch at a time (ten
    million text hashes at once would be a gigabyte of Python strings)."""
    digest = hashlib.sha256(model.encode("utf-8"))
    keys = []
    for chunk, text_hashes in store.stream_passage_keys():
        _digest_pairs(digest, chunk, text_hashes)
        keys.append(chunk)
    return (np.concatenate(keys) if keys else np.zeros(0, dtype=np.int64)), digest.hexdigest()


def _digest_pairs(digest: hashlib._Hash, keys: np.ndarray, text_hashes: Sequence[str]) -> None:
    for key, text_hash in zip(keys.tolist(), text_hashes, strict=True):
        digest.update(f"\n{key}:{text_hash}".encode())


class GenerationWriter:
    """A generation being written under a scratch name: its vectors file first, filled in place by the caller
    (memory-mapped, so no float matrix of the whole corpus is ever held), then the indexes, built from it and
    from the passages streamed once, then the rename that makes it whole.

    Used as a context manager: a failure leaves no scratch folder behind.
    """

    def __init__(self, data_dir: Path, passages: int, dimension: int) -> None:
        self.root = Path(data_dir) / INDEX_DIR
        self.root.mkdir(parents=True, exist_ok=True)
        self.scratch = Path(tempfile.mkdtemp(prefix=".building-", dir=self.root))
        self.vectors = np.lib.format.open_memmap(self.scratch / VECTORS_FILE, mode="w+", dtype=np.float32,
                                                 shape=(passages, dimension))

    def __enter__(self) -> GenerationWriter:
        return self

    def __exit__(self, *exc_info: object) -> None:
        shutil.rmtree(self.scratch, ignore_errors=True)  # gone already once `finish` has renamed it

    def finish(self, state: IndexState, keys: np.ndarray, passages: Iterable[Passage]) -> Path:
        """Build the indexes over the vectors written and `passages` (in key order), and publish the folder as
        `state`'s generation, replacing a damaged one of the same name; returns it."""
        if not len(keys) == state.passages == len(self.vectors) or state.dimension != self.vectors.shape[1]:
            raise ValueError(f"{len(keys)} keys and {self.vectors.shape} vectors for a generation of {state}")
        self.vectors.flush()
        np.save(self.scratch / "keys.npy", keys.astype(np.int64))
        vectors = np.load(self.scratch / VECTORS_FILE, mmap_mode="r")
        DenseIndex.build(vectors).save(self.scratch)
        lexical = LexicalBuilder(self.scratch)
        with PassageTableWriter(self.scratch, len(keys)) as table:
            for batch in _batched(passages, PASSAGE_BATCH):
                table.add(batch)
                lexical.add([p.text for p in batch])
            table.finish()
        lexical.finish().save(self.scratch)
        (self.scratch / MANIFEST).write_text(json.dumps(asdict(state), indent=2), encoding="utf-8")
        _fsync_tree(self.scratch)
        folder = self.root / state.checksum
        if folder.exists():
            # Only a damaged generation is rebuilt under its own name: move it aside, then swap.
            folder.rename(self.root / f".damaged-{state.checksum}-{os.getpid()}")
        self.scratch.rename(folder)
        return folder


def write_generation(
    data_dir: Path, state: IndexState, keys: np.ndarray, vectors: np.ndarray, passages: Iterable[Passage]
) -> Path:
    """Build and write a complete generation folder from vectors at hand (or memory-mapped); returns it.

    `vectors` and `passages` are in the order of `keys`, which is the order of positions in the indexes.
    """
    with GenerationWriter(data_dir, len(keys), state.dimension) as writer:
        for start in range(0, len(keys), FILL_BATCH):
            writer.vectors[start : start + FILL_BATCH] = vectors[start : start + FILL_BATCH]
        return writer.finish(state, keys, passages)


def load_generation(data_dir: Path, store: Store, model: str) -> Generation:
    """Load the generation the store points at, after checking it matches the stored passages.

    Raises:
        IndexOutOfDate: no generation recorded, its folder missing or damaged, or built from other
            passages or another model. The message says to run `hustings ingest`.
    """
    folder, state, keys, vectors = load_vectors(data_dir, store, model)
    try:
        dense = DenseIndex.load(folder, vectors)
        lexical = LexicalIndex.load(folder, size=len(keys))
        passages = PassageTable.load(folder)
    except (OSError, ValueError, TypeError, RuntimeError) as error:
        raise IndexOutOfDate(f"index files in {folder} are missing or damaged ({error}): {_fix(store)}") from error
    if not len(dense) == len(passages) == len(keys):
        raise IndexOutOfDate(f"index files in {folder} do not match the passages: {_fix(store)}")
    return Generation(folder, state, keys, vectors, dense, lexical, passages)


def load_vectors(data_dir: Path, store: Store, model: str) -> tuple[Path, IndexState, np.ndarray, np.ndarray]:
    """The recorded generation's folder, state, keys and vectors, checked against the store as `load_generation`
    checks them; its other files are not read, so ingest can reuse the vectors when those are missing or damaged.
    """
    state = store.index_state()
    if state is None:
        raise IndexOutOfDate(f"no index has been built for {store.path}: {_fix(store)}")
    if state.model != model:
        raise IndexOutOfDate(f"the index was built with {state.model}, not {model}: {_fix(store)}")
    keys, checksum = stored_checksum(store, model)
    if checksum != state.checksum:
        raise IndexOutOfDate(f"the passages in {store.path} changed since the index was built: {_fix(store)}")
    folder = Path(data_dir) / INDEX_DIR / state.checksum
    try:
        on_disk = IndexState(**json.loads((folder / MANIFEST).read_text(encoding="utf-8")))
        stored_keys = np.load(folder / "keys.npy")
        vectors = _read_at_random(np.load(folder / VECTORS_FILE, mmap_mode="r"))
    except (OSError, ValueError, TypeError) as error:
        raise IndexOutOfDate(f"index files in {folder} are missing or damaged ({error}): {_fix(store)}") from error
    if on_disk != state or not np.array_equal(stored_keys, keys) or vectors.shape != (len(keys), state.dimension):
        raise IndexOutOfDate(f"index files in {folder} do not match the passages: {_fix(store)}")
    return folder, state, stored_keys, vectors


def _read_at_random(vectors: np.ndarray) -> np.ndarray:
    """Tell the kernel the mapped vectors are read a row here and there (the rows IVF-PQ re-scores), so it reads
    no pages around each. With its default read-around, 381 searches of the 10M index from a cold page cache
    filled 21.9 GB of it (the vectors file is 15); told, 7.0 GB. Searched straight after a scan of every
    vector had filled the cache, p95 was 255 ms before and 20.7 ms after: the pages a replica needs stay."""
    mapped = getattr(vectors, "_mmap", None)  # numpy.memmap's own mapping
    if isinstance(mapped, mmap.mmap) and hasattr(mmap, "MADV_RANDOM"):
        mapped.madvise(mmap.MADV_RANDOM)
    return vectors


def _fix(store: Store) -> str:
    return f"run `hustings ingest` to rebuild the index of {store.path}"


def prune_generations(data_dir: Path, keep: set[str]) -> None:
    """Remove every generation folder (and abandoned scratch folder) but those in `keep`: the new one and the one
    the store generation before it reads, which a server may still be opening."""
    root = Path(data_dir) / INDEX_DIR
    if not root.is_dir():
        return
    for folder in root.iterdir():
        if folder.is_dir() and folder.name not in keep:
            shutil.rmtree(folder, ignore_errors=True)


def _batched(items: Iterable[Passage], size: int) -> Iterator[list[Passage]]:
    iterator = iter(items)
    while batch := list(itertools.islice(iterator, size)):
        yield batch


def _fsync_tree(folder: Path) -> None:
    """Flush the files to disk before the rename makes them visible."""
    for path in folder.rglob("*"):
        if path.is_file():
            with path.open("rb") as handle:
                os.fsync(handle.fileno())
