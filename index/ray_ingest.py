"""Ingest on a Ray cluster: Ray Data workers read the files, chunk the new and changed articles, embed the passages.

The driver (this process) decides everything that fixes the result: which files are read and in what order,
which articles are new or changed (only those are sent to be chunked and embedded), and how the texts to
embed are batched. int8 activations are quantised per batch, so a vector depends slightly on its batch mates:
the driver forms the very batches a local ingest would, and each worker encodes each of them as one model
call. What comes back goes through the same `store_articles` / `_commit` as a local ingest, so the store
generation written (passages, keys, offsets, checksum, vectors) is the one a local ingest writes.

Rows carry pickled records: Ray Data's blocks are tables, and articles, passages and read problems are nested
Python records that must come back exactly as they went out.
"""

from __future__ import annotations

import logging
import os
import pickle
import time
import warnings
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np

from corpus.chunk import chunk_article
from corpus.readers import ArticleFile, list_article_files, read_article_file
from corpus.records import Article, Passage, ReadProblem
from index.build import IngestReport, IngestSteps, Progress, plan_batches, store_articles
from index.embed import Embedder, TextEmbedder

RAY_HINT = "pip install 'hustings[ray]'"
LOCAL_CLUSTER = "local"  # the address meaning "start a cluster on this machine"
RETRIES = 3  # a task whose worker dies is run again, and a dead actor restarted, this many times
FILES_PER_TASK = 32
ARTICLES_PER_CALL = 16
BATCHES_PER_CALL = 8  # model batches (16 texts each) per call of an embedding worker
Batch = dict[str, Any]


class RayMissing(RuntimeError):
    """Ray is not installed: ingest on a cluster needs the `ray` extra."""


def _ray() -> Any:
    try:
        import ray
        import ray.data
    except ImportError as error:
        raise RayMissing(f"--ray needs Ray Data: {RAY_HINT}") from error
    return ray


@contextmanager
def ray_cluster(address: str | None = None) -> Iterator[int]:
    """Connect to the cluster at `address` ("auto", "host:6379", "ray://host:10001"), or start one on this
    machine with all its cores; yields the cluster's CPUs, and disconnects after (a started cluster stops)."""
    ray = _ray()
    # Ray Data logs every dataset's plan and start at INFO, and says that progress bars are off at WARNING.
    logging.getLogger("ray.data").setLevel(logging.ERROR)
    if address is None:  # "local": a new cluster, even where `ray start` left one running
        ray.init(address="local", num_cpus=os.cpu_count(), include_dashboard=False, log_to_driver=False,
                 logging_level=logging.WARNING)
    else:
        ray.init(address=address, log_to_driver=False, logging_level=logging.WARNING)
    try:
        yield cluster_cpus()
    finally:
        ray.shutdown()


def cluster_cpus() -> int:
    """The CPUs of the cluster this process is connected to."""
    return max(1, int(_ray().cluster_resources().get("CPU", 1)))


def ingest_on_ray(
    paths: Sequence[Path], data_dir: Path, embedder: TextEmbedder, model_cache: Path,
    progress: Progress | None = None,
) -> IngestReport:
    """`index.build.ingest` with reading, chunking and embedding on the connected Ray cluster.

    Args:
        paths: article files and folders, readable at the same paths on every worker.
        data_dir: where the store and index live (written by this process only).
        embedder: the model on this process, for its name and dimension; workers load their own.
        model_cache: the exported model's folder, readable at the same path on every worker.
        progress: called as (stage, done, total).

    Returns:
        The same report a local ingest gives.

    Raises:
        RayMissing: if Ray Data is not installed.
    """
    ray = _ray()
    # Rows carry their positions, so order is restored here and the cluster may return them as they finish;
    # progress goes to `progress` (the command line's one bar), not to Ray's bars.
    ray.data.DataContext.get_current().enable_progress_bars = False
    workers = cluster_cpus()
    started = time.perf_counter()
    read, problems = read_on_ray(paths, workers)
    if progress:
        progress("reading", len(read), len(read))

    def chunk(articles: Sequence[Article]) -> list[Passage]:
        passages = chunk_on_ray(articles, model_cache, workers)
        if progress:
            progress("chunking", len(articles), len(articles))
        return passages

    steps = IngestSteps(chunk, lambda texts: embed_on_ray(texts, model_cache, workers, embedder.dimension, progress))
    report = store_articles(read, problems, data_dir, embedder, steps, progress)
    return replace(report, seconds=time.perf_counter() - started)


def read_on_ray(paths: Sequence[Path], workers: int) -> tuple[list[Article], list[ReadProblem]]:
    """Every article under `paths` read by the cluster, in the order and with the problems of a local read."""
    listed = list(list_article_files(paths))
    # Workers have their own working directory: they read absolute paths, and problems name the path as given.
    files = {n: item for n, item in enumerate(listed) if isinstance(item, ArticleFile)}
    rows = [{"n": n, "file": pickle.dumps(replace(f, path=f.path.resolve()))} for n, f in files.items()]
    reads: dict[int, list[Article | ReadProblem]] = {}
    if rows:
        done = _map(rows, _read_files, FILES_PER_TASK, workers)
        for batch in done.iter_batches(batch_format="numpy", batch_size=None):
            reads.update(zip(batch["n"].tolist(), map(pickle.loads, batch["reads"]), strict=True))
    articles: list[Article] = []
    problems: list[ReadProblem] = []
    for n, item in enumerate(listed):
        if isinstance(item, ReadProblem):
            problems.append(item)
            continue
        for found in reads[n]:
            if isinstance(found, Article):
                articles.append(found)
            else:
                problems.append(replace(found, path=item.path) if found.path == item.path.resolve() else found)
    return articles, problems


def chunk_on_ray(articles: Sequence[Article], model_cache: Path, workers: int) -> list[Passage]:
    """The passages of `articles`, in their order, chunked by the cluster with the model's own token counts."""
    if not articles:
        return []
    rows = [{"n": n, "article": pickle.dumps(a)} for n, a in enumerate(articles)]
    done = _map(rows, ChunkArticles, ARTICLES_PER_CALL, workers, model_cache)
    passages_of: dict[int, list[Passage]] = {}
    for batch in done.iter_batches(batch_format="numpy", batch_size=None):
        passages_of.update(zip(batch["n"].tolist(), map(pickle.loads, batch["passages"]), strict=True))
    return [p for n in range(len(articles)) for p in passages_of[n]]


def embed_on_ray(
    texts: Sequence[str], model_cache: Path, workers: int, dimension: int, progress: Progress | None = None
) -> list[np.ndarray]:
    """Vectors of `texts`, encoded by the cluster in exactly the batches a local ingest encodes them in."""
    if not texts:
        return []
    rows = [{"rows": batch, "texts": [texts[n] for n in batch]} for batch in plan_batches(texts)]
    done = _map(rows, EmbedBatches, BATCHES_PER_CALL, workers, model_cache)
    vectors = np.zeros((len(texts), dimension), dtype=np.float32)
    embedded = 0
    for batch in done.iter_batches(batch_format="numpy", batch_size=None):
        vectors[batch["row"]] = batch["vector"]
        embedded += len(batch["row"])
        if progress:
            progress("embedding", embedded, len(texts))
    if embedded != len(texts):
        raise RuntimeError(f"the cluster returned {embedded} vectors for {len(texts)} texts")
    return list(vectors)


class ChunkArticles:
    """A Ray Data worker that chunks articles, counting tokens with the model's tokenizer (loaded once)."""

    def __init__(self, model_cache: str) -> None:
        self.embedder = Embedder.load(Path(model_cache), threads=1)

    def __call__(self, batch: Batch) -> Batch:
        """Each row's article becomes that row's passages."""
        chunked = [chunk_article(pickle.loads(a), count_tokens=self.embedder.count_tokens) for a in batch["article"]]
        return {"n": batch["n"], "passages": np.array([pickle.dumps(p) for p in chunked], dtype=object)}


class EmbedBatches:
    """A Ray Data worker holding the int8 ONNX embedder (loaded once); each row is one batch, one model call."""

    def __init__(self, model_cache: str) -> None:
        self.embedder = Embedder.load(Path(model_cache), threads=1)  # one actor per CPU, each on its own

    def __call__(self, batch: Batch) -> Batch:
        """Each row's texts, already in the order a local ingest encodes them, become one vector each."""
        rows, vectors = [], []
        for numbers, texts in zip(batch["rows"], batch["texts"], strict=True):
            texts = [str(t) for t in texts]
            rows.append(np.asarray(numbers, dtype=np.int64))
            vectors.append(self.embedder.embed(texts, batch_size=len(texts)))  # sorted already: one call as it is
        return {"row": np.concatenate(rows), "vector": np.concatenate(vectors)}


def _read_files(batch: Batch) -> Batch:
    """Each row's file becomes the articles and problems read from it."""
    reads = [pickle.dumps(list(read_article_file(pickle.loads(f)))) for f in batch["file"]]
    return {"n": batch["n"], "reads": np.array(reads, dtype=object)}


def _map(rows: list[dict[str, Any]], fn: Any, per_call: int, workers: int, model_cache: Path | None = None) -> Any:
    """`rows` as a dataset mapped by `fn`, `per_call` rows a call: Ray tasks for a function, a pool of one actor
    per CPU for a worker class (never more workers than blocks, so that none waits for work that cannot come).

    A task whose worker process dies is run again, and a dead actor restarted with its unfinished batches
    retried, RETRIES times: Ray Data's own default for actors is to retry forever, which turns one input that
    kills its worker every time into an ingest that never ends.
    """
    ray = _ray()
    blocks = max(1, min(-(-len(rows) // per_call), workers * 4))  # every worker busy, no block under a call's worth
    dataset = ray.data.from_items(rows, override_num_blocks=blocks)
    size = min(workers, blocks)
    if model_cache is None:
        options: dict[str, Any] = {"compute": ray.data.TaskPoolStrategy(size=size), "max_retries": RETRIES}
    else:
        options = {"compute": ray.data.ActorPoolStrategy(size=size), "fn_constructor_args": (str(model_cache),),
                   "max_restarts": RETRIES, "max_task_retries": RETRIES}
    with warnings.catch_warnings():
        # Ray 2.60 still takes retry limits as `ray_remote_args`, which it warns are to go in 2.64 (with no
        # named parameter for them yet); the version is pinned, and tests/index/test_ray_ingest.py kills a worker.
        warnings.simplefilter("ignore", DeprecationWarning)
        return dataset.map_batches(fn, batch_size=per_call, batch_format="numpy", num_cpus=1, **options)


