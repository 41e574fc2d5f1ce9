"""Test helpers: a tiny deterministic embedder, article-file writers, and stores of results files."""

from __future__ import annotations

import hashlib
import json
import re
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from bot.ask import Bot

WORD = re.compile(r"\w+")


class HashEmbedder:
    """Hashes words into a small bag-of-words vector: deterministic, instant, meaningless."""

    name = "test/hash-bag-of-words"
    dimension = 64

    def __init__(self, delay: float = 0.0) -> None:
        self.delay = delay
        self.calls = 0
        self.texts_embedded = 0

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        self.calls += 1
        self.texts_embedded += len(texts)
        if self.delay:
            time.sleep(self.delay)
        vectors = np.zeros((len(texts), self.dimension), dtype=np.float32)
        for row, text in enumerate(texts):
            for word in WORD.findall(text.lower()):
                vectors[row, int(hashlib.md5(word.encode()).hexdigest(), 16) % self.dimension] += 1.0
        norms = np.linalg.norm(vectors, axis=1, keepdims=True)
        return vectors / np.where(norms == 0, 1.0, norms)

    def count_tokens(self, text: str) -> int:
        return len(WORD.findall(text))


TOPICS = ["bins", "buses", "housing", "parks", "libraries", "potholes", "schools", "council tax"]


def write_articles(folder: Path, count: int, sentences: int = 12, prefix: str = "story") -> list[Path]:
    """Write `count` plain-text articles of made-up council news, each with its own words."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for n in range(count):
        lines = [
            f"Councillor casefile{n:03d} spoke about {TOPICS[(n + i) % len(TOPICS)]} in ward {i} on day {n * 7 + i}."
            for i in range(sentences)
        ]
        path = folder / f"{prefix}-{n:03d}.txt"
        path.write_text(" ".join(lines[:6]) + "\n\n" + " ".join(lines[6:]) + "\n", encoding="utf-8")
        paths.append(path)
    return paths


def write_manifest(folder: Path, records: list[dict[str, object]]) -> None:
    """Write a manifest.jsonl beside articles."""
    (folder / "manifest.jsonl").write_text("\n".join(json.dumps(r) for r in records) + "\n", encoding="utf-8")


# The public results files in ../shared/data that the importers, suites and benchmarks read. (GE2024 is
# checked in its own store, tests/corpus/results/test_ge2024.py: here it would move every "latest general".)
PUBLIC_FILES = (
    "hoc-local-elections-2022/council_composition_2018_2022_england.csv",
    "hoc-local-elections-2022/candidates_results_2022.csv",
    "hoc-local-elections-2022/wards_results_2022.csv",
    "leap-2018/leap-2018-05-03.csv",
    "opencouncildata/history2016-2025.csv",
    "hoc-general-elections/HoC-GE2017-results-by-constituency.csv",
    "hoc-general-elections/HoC-GE2019-results-by-constituency.csv",
    "hoc-general-elections/HoC-GE2019-results-by-candidate.csv",
    "hoc-general-elections/parliament-2017-candidates.csv",
    "hoc-local-elections-2022/councillor_party_affiliation_1973_2022.csv",
    "hoc-local-elections-2022/party_names_2022.csv",
    "hoc-local-elections-2022/notes_and_definitions_2022.csv",
)
# Files checked in a store of their own beside PUBLIC_FILES (conftest `more_dir`): Open Council Data's councillor
# rosters (who sat on each council in a year) and Trafford Council's own results (every election and by-election
# of 2016-2026: in the suites' store its years would move every "latest local election").
MORE_FILES = (
    "opencouncildata/opencouncildata_councillors_2018.csv",
    "opencouncildata/opencouncildata_councillors_2022.csv",
    "trafford-council-results/trafford_council_election_results.csv",
)


def results_store(data_dir: Path, paths: Sequence[Path]) -> Path:
    """A store in `data_dir` holding these results files, every one imported cleanly; returns `data_dir`."""
    from corpus.results import import_results_files
    from corpus.store import Store

    with Store.open(data_dir) as store:
        _, errors = import_results_files(store, paths)
    assert errors == [], errors
    return data_dir


def bot_over(data_dir: Path) -> Iterator[Bot]:
    """The bot over a store, opened read-only as a server would, closed after its tests (a fixture's body)."""
    from bot.ask import Bot

    opened = Bot.open(data_dir)
    yield opened
    opened.close()
