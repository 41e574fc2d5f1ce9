"""Ingest: read articles, chunk what is new or changed, embed it, and commit store and index together."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np

from corpus.chunk import chunk_article
from corpus.readers import read_articles
from corpus.records import Article, Passage, ReadProblem, hash_text
from corpus.store import IndexState, Store, StoredArticle
from index.embed import TextEmbedder, form_batches
from index.generation import (
    FILL_BATCH,
    GenerationWriter,
    IndexOutOfDate,
    load_generation,
    load_vectors,
    prune_generations,
    stored_checksum,
)

Progress = Callable[[str, int, int], None]
EMBED_CHUNK = 256  # passages per progress step


@dataclass(frozen=True, slots=True)
class IngestSteps:
    """How an ingest chunks articles and embeds texts: in this process, or on a cluster (index/ray_ingest.py)."""

    chunk_articles: Callable[[Sequence[Article]], list[Passage]]
    embed_texts: Callable[[Sequence[str]], list[np.ndarray]]  # in the batches `plan_batches` forms


def local_steps(embedder: TextEmbedder, progress: Progress | None = None) -> IngestSteps:
    """Chunk and embed in this process."""
    return IngestSteps(
        lambda articles: [p for a in articles for p in chunk_article(a, count_tokens=embedder.count_tokens)],
        lambda texts: _embed_in_steps(embedder, texts, progress),
    )


@dataclass(frozen=True, slots=True)
class IngestReport:
    """What an ingest did, for the command line's summary."""

    new: int = 0
    changed: int = 0
    unchanged: int = 0
    removed: int = 0
    duplicates: int = 0  # copies of an article already kept, left out
    failed: int = 0
    passages_written: int = 0
    passages_embedded: int = 0
    passages_total: int = 0
    seconds: float = 0.0
    problems: list[ReadProblem] = field(default_factory=list)


def ingest(
    paths: Iterable[Path], data_dir: Path, embedder: TextEmbedder, progress: Progress | None = None
) -> IngestReport:
    """Bring the store and its index up to date with the articles under `paths`.

    Args:
        paths: article files and folders.
        data_dir: where the store and index live.
        embedder: the model passages are embedded with.
        progress: called as (stage, done, total) while reading and embedding.

    Returns:
        Counts of new, changed, unchanged and failed articles, passages, and every problem met.
    """
    started = time.perf_counter()
    read, problems = _read(paths, progress)
    report = store_articles(read, problems, data_dir, embedder, local_steps(embedder, progress), progress)
    return replace(report, seconds=time.perf_counter() - started)


def store_articles(
    read: Sequence[Article],
    problems: list[ReadProblem],
    data_dir: Path,
    embedder: TextEmbedder,
    steps: IngestSteps,
    progress: Progress | None = None,
) -> IngestReport:
    """Store the articles read (with the problems met reading them): chunk and embed only new and changed ones."""
    started = time.perf_counter()
    with Store.open(data_dir) as store:
        stored = store.stored_articles()
        articles, duplicates, notes = place_articles(read, stored)
        problems = [*problems, *notes]
        fresh = [a for a in articles if a.id not in stored]
        changed = [a for a in articles if a.id in stored and stored[a.id].content_hash != a.content_hash]
        embedded, written, total = _commit(store, data_dir, embedder, fresh + changed, [], progress, steps)
    return IngestReport(
        new=len(fresh),
        changed=len(changed),
        unchanged=len(articles) - len(fresh) - len(changed),
        duplicates=duplicates,
        failed=sum(p.skipped for p in problems),
        passages_written=written,
        passages_embedded=embedded,
        passages_total=total,
        seconds=time.perf_counter() - started,
        problems=problems,
    )


def remove(article_ids: Sequence[str], data_dir: Path, embedder: TextEmbedder) -> IngestReport:
    """Delete articles (and their passages) from the store and the index."""
    started = time.perf_counter()
    with Store.open(data_dir) as store:
        known = [i for i in article_ids if i in store.stored_articles()]
        missing = [ReadProblem(Path(i), "no article with this id in the store") for i in article_ids if i not in known]
        _, _, total = _commit(store, data_dir, embedder, [], known, None, local_steps(embedder))
    return IngestReport(removed=len(known), failed=len(missing), passages_total=total,
                        seconds=time.perf_counter() - started, problems=missing)


def _read(paths: Iterable[Path], progress: Progress | None) -> tuple[list[Article], list[ReadProblem]]:
    """Every article under `paths`, in order, and the problems met reading them."""
    articles: list[Article] = []
    problems: list[ReadProblem] = []
    for item in read_articles(paths):
        if isinstance(item, ReadProblem):
            problems.append(item)
            continue
        articles.append(item)
        if progress:
            progress("reading", len(articles), 0)
    return articles, problems


def place_articles(
    articles: Sequence[Article], stored: dict[str, StoredArticle]
) -> tuple[list[Article], int, list[ReadProblem]]:
    """Give each article read the id it is stored under, and leave out copies of articles already kept.

    One rule, within a run and across runs: an article updates the stored one of its id only if it comes
    from the same file (or states its id); from another file it is kept beside it under an id made from
    its folder ("tech-001"), the same id each time that file is read. An article whose text and metadata
    are those of another article kept (a byte-identical copy) is not stored twice.

    Returns:
        The articles to store, under their ids; how many copies were left out; a note for each change.
    """
    owner = {article_id: kept.path for article_id, kept in stored.items()}  # id -> the file it is from
    placed: list[tuple[str, Article]] = []  # (the id it was read with, the article under its own id)
    for article in articles:
        article_id = article.id
        if not article.id_given and owner.get(article_id, article.path) != article.path:
            article_id = _own_id(article, owner)
        owner[article_id] = article.path
        placed.append((article.id, replace(article, id=article_id)))
    read_again = {a.id for _, a in placed}
    # What is kept once this run is done: the stored articles not read again, then those read, in order.
    kept = {s.content_hash: (i, s.path) for i, s in stored.items() if i not in read_again}
    out: list[Article] = []
    notes: list[ReadProblem] = []
    for read_id, article in placed:
        where = Path((article.path or article.id).rsplit(":", 1)[0])
        first_id, first_path = kept.setdefault(article.content_hash, (article.id, article.path))
        if first_id != article.id:
            notes.append(ReadProblem(where, f"the same article as {first_id!r} ({first_path}): not stored twice",
                                     skipped=False))
            continue
        previous = stored.get(article.id)
        if read_id != article.id:
            notes.append(ReadProblem(where, f"id {read_id!r} is another file's; stored as {article.id!r}",
                                     skipped=False))
        elif previous is not None and previous.path not in (None, article.path):
            notes.append(ReadProblem(where, f"replaces article {article.id!r} read before from {previous.path}, "
                                     "as its stated id says", skipped=False))
        out.append(article)
    return out, len(placed) - len(out), notes


def _own_id(article: Article, owner: dict[str, str | None]) -> str:
    """The id an article takes when its own is another file's: its folder's name before it, numbered if need be."""
    folder = Path((article.path or "").rsplit(":", 1)[0]).parent.name or "article"
    candidate, n = f"{folder}-{article.id}", 2
    while owner.get(candidate, article.path) != article.path:
        candidate, n = f"{folder}-{article.id}-{n}", n + 1
    return candidate


def _commit(
    store: Store,
    data_dir: Path,
    embedder: TextEmbedder,
    upserts: Sequence[Article],
    deletions: Sequence[str],
    progress: Progress | None,
    steps: IngestSteps,
) -> tuple[int, int, int]:
    """Write articles and passages, build the matching index generation, commit.

    Embedding happens before the transaction, so the store is locked only for the quick writes.
    Passages whose text is unchanged keep their vectors; a missing or damaged index is rebuilt by
    re-embedding what it lacks. Returns (passages embedded, passages written, passages in total).
    """
    published = store.index_state()  # the index the current store generation (and so a running server) reads
    current, complete = _current_vectors(store, data_dir, embedder.name)
    if complete and current is not None and not upserts and not deletions:
        return 0, 0, len(current.keys)  # the store and its index already agree
    new_passages = steps.chunk_articles(upserts)
    vector_of_text: dict[str, np.ndarray] = {}
    if current is not None:
        old_keys = store.passage_keys_of([a.id for a in upserts])
        vector_of_text = {h: current[k] for h, k in old_keys.items() if k in current}
    # In a fixed order: int8 activations are quantised per batch, so a passage's vector depends slightly on its
    # batch mates, and a set's order changes from run to run (recall@5 moved by a case between identical ingests).
    to_embed = sorted({p.text for p in new_passages if p.text_hash not in vector_of_text}, key=lambda t: (len(t), t))
    vector_of_text.update(zip(map(hash_text, to_embed), steps.embed_texts(to_embed), strict=True))

    with store.transaction():
        store.write_articles(upserts)
        store.delete_articles(deletions)
        store.delete_passages([a.id for a in upserts])
        new_keys = store.insert_passages(new_passages)
        keys, checksum = stored_checksum(store, embedder.name)  # read in batches: no hash per passage held
        vector_of_key = {k: vector_of_text[p.text_hash] for k, p in zip(new_keys, new_passages, strict=True)}
        held = np.isin(keys, np.asarray(new_keys, dtype=np.int64))
        if current is not None:
            held |= np.isin(keys, current.keys)
        lacking = keys[~held].tolist()
        restored = steps.embed_texts(store.passage_texts(lacking))
        vector_of_key.update(zip(lacking, restored, strict=True))
        state = IndexState(checksum, embedder.name, embedder.dimension, len(keys))
        if progress:
            progress("indexing", len(keys), len(keys))
        with GenerationWriter(data_dir, len(keys), embedder.dimension) as writer:
            for start in range(0, len(keys), FILL_BATCH):
                chunk = keys[start : start + FILL_BATCH]
                chunk_vectors = _vectors_of(chunk, embedder.dimension, vector_of_key, current)
                writer.vectors[start : start + len(chunk)] = chunk_vectors
            writer.finish(state, keys, store.stream_passages_in_key_order())
        store.set_index_state(state)
    prune_generations(data_dir, keep={state.checksum, *([published.checksum] if published else [])})
    return len(to_embed) + len(lacking), len(new_passages), len(keys)


def _vectors_of(
    keys: np.ndarray, dimension: int, vector_of_key: dict[int, np.ndarray], current: _VectorsByKey | None
) -> np.ndarray:
    """The vectors of `keys`: new ones from `vector_of_key`, the rest read from the current generation's file."""
    vectors = np.empty((len(keys), dimension), dtype=np.float32)
    fresh = np.array([key in vector_of_key for key in keys.tolist()], dtype=bool)
    if fresh.any():
        vectors[fresh] = np.stack([vector_of_key[key] for key in keys[fresh].tolist()])
    if not fresh.all():
        if current is None:
            raise KeyError("passages with no vector, new or current")
        vectors[~fresh] = current.rows_of(keys[~fresh])
    return vectors


class _VectorsByKey:
    """A generation's vectors, looked up by passage key (keys are sorted)."""

    def __init__(self, keys: np.ndarray, vectors: np.ndarray) -> None:
        self.keys = keys
        self.vectors = vectors

    def _row(self, key: int) -> int:
        row = int(np.searchsorted(self.keys, key))
        return row if row < len(self.keys) and int(self.keys[row]) == key else -1

    def __contains__(self, key: int) -> bool:
        return self._row(key) >= 0

    def __getitem__(self, key: int) -> np.ndarray:
        return np.asarray(self.vectors[self._row(key)])

    def rows_of(self, keys: np.ndarray) -> np.ndarray:
        """The vectors of `keys` (sorted, every one held), read in file order."""
        rows = np.searchsorted(self.keys, keys)
        if np.any(rows >= len(self.keys)) or not np.array_equal(self.keys[np.minimum(rows, len(self.keys) - 1)], keys):
            raise KeyError("keys the current generation does not hold")
        return np.asarray(self.vectors[rows], dtype=np.float32)


def _current_vectors(store: Store, data_dir: Path, model: str) -> tuple[_VectorsByKey | None, bool]:
    """The recorded generation's vectors if they are intact, and whether the whole generation is.

    A generation with damaged or missing index files (or one from before a file was added to the layout)
    still lends its vectors: rebuilding it then costs no embedding.
    """
    try:
        _, _, keys, vectors = load_vectors(data_dir, store, model)
    except IndexOutOfDate:
        return None, False
    try:
        load_generation(data_dir, store, model)
    except IndexOutOfDate:
        return _VectorsByKey(keys, vectors), False
    return _VectorsByKey(keys, vectors), True


def plan_batches(texts: Sequence[str]) -> list[list[int]]:
    """The rows of `texts` each model call of `_embed_in_steps` encodes together, in the order it makes them."""
    return [[start + n for n in rows] for start in range(0, len(texts), EMBED_CHUNK)
            for rows in form_batches(texts[start : start + EMBED_CHUNK])]


def _embed_in_steps(embedder: TextEmbedder, texts: Sequence[str], progress: Progress | None) -> list[np.ndarray]:
    vectors: list[np.ndarray] = []
    for start in range(0, len(texts), EMBED_CHUNK):
        vectors.extend(embedder.embed(texts[start : start + EMBED_CHUNK]))
        if progress:
            progress("embedding", len(vectors), len(texts))
    return vectors
