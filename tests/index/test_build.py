from __future__ import annotations

import shutil
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import duckdb
import pytest

import index.lexical as lexical_module
from corpus.generations import current_store
from corpus.store import Store
from index import hybrid
from index.build import ingest, remove
from index.generation import INDEX_DIR, IndexOutOfDate
from index.hybrid import PassageIndex
from tests.helpers import HashEmbedder, write_articles


def test_ingest_stores_passages_and_a_matching_index(tmp_path: Path, hash_embedder: HashEmbedder) -> None:
    write_articles(tmp_path / "in", 5)
    report = ingest([tmp_path / "in"], tmp_path / "data", hash_embedder)
    assert (report.new, report.changed, report.unchanged, report.failed) == (5, 0, 0, 0)
    assert report.passages_total == report.passages_written == report.passages_embedded > 5
    index = PassageIndex.open(tmp_path / "data", hash_embedder)
    assert len(index) == report.passages_total
    [hit] = index.search("casefile003 housing", k=1)
    assert hit.stored.passage.article_id == "story-003"
    assert index.store.passages_by_keys([hit.stored.key]) == [hit.stored]  # the index's copy is the store's
    article_text = index.store.article_text("story-003")
    assert article_text is not None
    assert article_text[hit.stored.passage.start : hit.stored.passage.end] == hit.stored.passage.text
    index.close()


def test_reingesting_unchanged_articles_embeds_nothing_and_keeps_the_index(
    tmp_path: Path, hash_embedder: HashEmbedder
) -> None:
    write_articles(tmp_path / "in", 4)
    ingest([tmp_path / "in"], tmp_path / "data", hash_embedder)
    before = sorted((tmp_path / "data" / INDEX_DIR).iterdir())
    calls = hash_embedder.calls
    report = ingest([tmp_path / "in"], tmp_path / "data", hash_embedder)
    assert (report.new, report.changed, report.unchanged, report.passages_embedded) == (0, 0, 4, 0)
    assert hash_embedder.calls == calls
    assert sorted((tmp_path / "data" / INDEX_DIR).iterdir()) == before


def test_a_changed_article_replaces_its_passages_and_reembeds_only_new_text(
    tmp_path: Path, hash_embedder: HashEmbedder
) -> None:
    [first, *_] = write_articles(tmp_path / "in", 3, sentences=30)
    ingest([tmp_path / "in"], tmp_path / "data", hash_embedder)
    with Store.open(tmp_path / "data", read_only=True) as store:
        old = {p.passage.text for p in store.passages_by_keys(store.passage_keys()[0].tolist())
               if p.passage.article_id == "story-000"}
    first.write_text(first.read_text() + "\nA late recount in the final ward overturned the result.\n")
    report = ingest([tmp_path / "in"], tmp_path / "data", hash_embedder)
    assert (report.new, report.changed, report.unchanged) == (0, 1, 2)
    assert 0 < report.passages_embedded < report.passages_written  # unchanged passages kept their vectors
    index = PassageIndex.open(tmp_path / "data", hash_embedder)
    texts = [p.passage.text for p in index.store.passages_by_keys(index.generation.keys.tolist())
             if p.passage.article_id == "story-000"]
    assert any("late recount" in t for t in texts)
    assert len(texts) == len(set(texts)) and set(texts) != old
    [hit] = index.search("late recount final ward overturned", k=1)
    assert hit.stored.passage.article_id == "story-000"
    index.close()


def test_removed_articles_leave_store_and_index(tmp_path: Path, hash_embedder: HashEmbedder) -> None:
    write_articles(tmp_path / "in", 3)
    ingest([tmp_path / "in"], tmp_path / "data", hash_embedder)
    report = remove(["story-001", "no-such-article"], tmp_path / "data", hash_embedder)
    assert (report.removed, report.failed) == (1, 1)
    index = PassageIndex.open(tmp_path / "data", hash_embedder)
    assert {h.stored.passage.article_id for h in index.search("councillor", k=50)} == {"story-000", "story-002"}
    index.close()


def test_bad_files_are_reported_and_the_rest_ingested(tmp_path: Path, hash_embedder: HashEmbedder) -> None:
    write_articles(tmp_path / "in", 2)
    (tmp_path / "in" / "empty.txt").write_text("")
    (tmp_path / "in" / "blob.txt").write_bytes(b"\x00\x01\x02" * 100)
    (tmp_path / "in" / "legacy.txt").write_bytes("Costs of £2m were agreed.".encode("latin-1"))
    report = ingest([tmp_path / "in"], tmp_path / "data", hash_embedder)
    assert (report.new, report.failed) == (3, 2)
    assert sorted(p.path.name for p in report.problems) == ["blob.txt", "empty.txt", "legacy.txt"]


def test_two_files_with_one_id_are_both_kept_under_distinct_ids(tmp_path: Path, hash_embedder: HashEmbedder) -> None:
    write_articles(tmp_path / "politics", 1)
    write_articles(tmp_path / "business", 1, sentences=13)
    report = ingest([tmp_path / "politics", tmp_path / "business"], tmp_path / "data", hash_embedder)
    assert report.new == 2
    assert any("is another file's; stored as 'business-story-000'" in p.message for p in report.problems)
    with Store.open(tmp_path / "data", read_only=True) as store:
        assert set(store.stored_articles()) == {"story-000", "business-story-000"}


def test_an_id_colliding_across_runs_never_replaces_the_earlier_article(
    tmp_path: Path, hash_embedder: HashEmbedder
) -> None:
    write_articles(tmp_path / "politics", 3)
    write_articles(tmp_path / "tech", 3, sentences=13)
    ingest([tmp_path / "politics"], tmp_path / "data", hash_embedder)
    second = ingest([tmp_path / "tech"], tmp_path / "data", hash_embedder)
    assert (second.new, second.changed) == (3, 0)
    again = ingest([tmp_path / "politics", tmp_path / "tech"], tmp_path / "data", hash_embedder)
    assert (again.new, again.changed, again.unchanged) == (0, 0, 6)  # each file keeps the id it was given
    with Store.open(tmp_path / "data", read_only=True) as store:
        kept = store.stored_articles()
    assert {i for i in kept if i.startswith("tech-")} == {"tech-story-000", "tech-story-001", "tech-story-002"}
    assert all(kept[f"story-00{n}"].path.endswith(f"politics/story-00{n}.txt") for n in range(3))


def test_the_same_file_edited_updates_its_article(tmp_path: Path, hash_embedder: HashEmbedder) -> None:
    [path] = write_articles(tmp_path / "in", 1)
    ingest([tmp_path / "in"], tmp_path / "data", hash_embedder)
    path.write_text(path.read_text(encoding="utf-8") + "A late correction.\n", encoding="utf-8")
    report = ingest([tmp_path / "in"], tmp_path / "data", hash_embedder)
    assert (report.new, report.changed) == (0, 1)


def test_a_stated_id_updates_the_article_wherever_its_file_now_is(tmp_path: Path, hash_embedder: HashEmbedder) -> None:
    for folder, words in (("old", "The count was delayed."), ("new", "The count was delayed until dawn.")):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "count.md").write_text(f"---\nid: hull-count\n---\n{words}\n", encoding="utf-8")
    ingest([tmp_path / "old"], tmp_path / "data", hash_embedder)
    report = ingest([tmp_path / "new"], tmp_path / "data", hash_embedder)
    assert (report.new, report.changed) == (0, 1)
    assert any("as its stated id says" in p.message for p in report.problems)


def test_byte_identical_copies_are_stored_once(tmp_path: Path, hash_embedder: HashEmbedder) -> None:
    [first, _] = write_articles(tmp_path / "in", 2)
    (tmp_path / "in" / "story-copy.txt").write_bytes(first.read_bytes())
    report = ingest([tmp_path / "in"], tmp_path / "data", hash_embedder)
    assert (report.new, report.duplicates) == (2, 1)
    assert any(p.path.name == "story-copy.txt" and "the same article as 'story-000'" in p.message
               for p in report.problems)
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "elsewhere" / "story-000.txt").write_bytes(first.read_bytes())  # the same copy, another run
    later = ingest([tmp_path / "elsewhere"], tmp_path / "data", hash_embedder)
    assert (later.new, later.duplicates) == (0, 1)
    with Store.open(tmp_path / "data", read_only=True) as store:
        assert set(store.stored_articles()) == {"story-000", "story-001"}


def test_an_index_that_disagrees_with_the_passages_refuses_with_a_fix(
    tmp_path: Path, hash_embedder: HashEmbedder
) -> None:
    write_articles(tmp_path / "in", 2)
    ingest([tmp_path / "in"], tmp_path / "data", hash_embedder)
    with duckdb.connect(str(current_store(tmp_path / "data"))) as connection:  # tampered in place
        connection.execute("UPDATE passages SET text = 'tampered', text_hash = 'x' WHERE ordinal = 0")
    with pytest.raises(IndexOutOfDate, match="run `hustings ingest`"):
        PassageIndex.open(tmp_path / "data", hash_embedder)


def test_a_missing_index_folder_refuses_and_ingest_rebuilds_it(tmp_path: Path, hash_embedder: HashEmbedder) -> None:
    write_articles(tmp_path / "in", 2)
    first = ingest([tmp_path / "in"], tmp_path / "data", hash_embedder)
    shutil.rmtree(tmp_path / "data" / INDEX_DIR)
    with pytest.raises(IndexOutOfDate, match="missing or damaged"):
        PassageIndex.open(tmp_path / "data", hash_embedder)
    report = ingest([tmp_path / "in"], tmp_path / "data", hash_embedder)
    assert report.unchanged == 2 and report.passages_embedded == first.passages_total
    assert len(PassageIndex.open(tmp_path / "data", hash_embedder)) == first.passages_total


def test_an_index_built_with_another_model_refuses(tmp_path: Path, hash_embedder: HashEmbedder) -> None:
    write_articles(tmp_path / "in", 1)
    ingest([tmp_path / "in"], tmp_path / "data", hash_embedder)
    other = HashEmbedder()
    other.name = "test/another-model"
    with pytest.raises(IndexOutOfDate, match="another-model"):
        PassageIndex.open(tmp_path / "data", other)


@pytest.mark.parametrize("damaged", ["dense.faiss", "passage_texts.bin", "passage_rows.npy", "passage_articles.json"])
def test_a_damaged_index_file_is_repaired_by_the_next_ingest(
    tmp_path: Path, hash_embedder: HashEmbedder, damaged: str
) -> None:
    write_articles(tmp_path / "in", 2)
    first = ingest([tmp_path / "in"], tmp_path / "data", hash_embedder)
    [folder] = [f for f in (tmp_path / "data" / INDEX_DIR).iterdir() if not f.name.startswith(".")]
    (folder / damaged).write_bytes(b"not what was written")
    with pytest.raises(IndexOutOfDate, match="damaged"):
        PassageIndex.open(tmp_path / "data", hash_embedder)
    report = ingest([tmp_path / "in"], tmp_path / "data", hash_embedder)
    assert report.passages_embedded == 0  # the intact vectors were reused
    index = PassageIndex.open(tmp_path / "data", hash_embedder)
    assert len(index) == first.passages_total
    assert [f.name for f in (tmp_path / "data" / INDEX_DIR).iterdir()] == [folder.name]  # damaged copy pruned
    index.close()


def test_an_index_from_before_the_passage_table_is_rebuilt_without_embedding_again(
    tmp_path: Path, hash_embedder: HashEmbedder
) -> None:
    write_articles(tmp_path / "in", 2)
    first = ingest([tmp_path / "in"], tmp_path / "data", hash_embedder)
    [folder] = [f for f in (tmp_path / "data" / INDEX_DIR).iterdir() if not f.name.startswith(".")]
    for name in ("passage_texts.bin", "passage_rows.npy", "passage_articles.json"):
        (folder / name).unlink()
    with pytest.raises(IndexOutOfDate, match="missing or damaged"):
        PassageIndex.open(tmp_path / "data", hash_embedder)
    report = ingest([tmp_path / "in"], tmp_path / "data", hash_embedder)
    assert report.unchanged == 2 and report.passages_embedded == 0
    index = PassageIndex.open(tmp_path / "data", hash_embedder)
    assert len(index) == first.passages_total and index.search("casefile001", k=1)
    index.close()


def test_a_search_within_one_article_finds_only_its_passages(tmp_path: Path, hash_embedder: HashEmbedder) -> None:
    write_articles(tmp_path / "in", 3, sentences=30)
    ingest([tmp_path / "in"], tmp_path / "data", hash_embedder)
    index = PassageIndex.open(tmp_path / "data", hash_embedder)
    everywhere = {hit.stored.passage.article_id for hit in index.search("housing council budget", k=20)}
    hits = index.search_within("story-001", "housing council budget", k=20)
    assert len(everywhere) > 1 and hits
    assert {hit.stored.passage.article_id for hit in hits} == {"story-001"}
    assert [hit.score for hit in hits] == sorted((hit.score for hit in hits), reverse=True)
    assert index.search_within("no-such-article", "housing", k=5) == []
    index.close()


def test_bm25_on_its_own_thread_finds_what_it_finds_in_line(
    tmp_path: Path, hash_embedder: HashEmbedder, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_articles(tmp_path / "in", 6, sentences=20)
    ingest([tmp_path / "in"], tmp_path / "data", hash_embedder)
    index = PassageIndex.open(tmp_path / "data", hash_embedder)
    queries = ["housing council budget", "casefile004 transport", "the", "turnout fell"]
    in_line = [index.search(q, k=8) for q in queries]
    monkeypatch.setattr(hybrid, "LEXICAL_BESIDE_FROM", 1)
    with ThreadPoolExecutor(4) as callers:  # several searches at once share the BM25 threads
        beside = list(callers.map(lambda q: index.search(q, k=8), queries * 3))
    assert beside == in_line * 3 and all(in_line)

    ran_on: list[str] = []

    def broken(*args: object) -> None:
        ran_on.append(threading.current_thread().name)
        raise RuntimeError("postings unreadable")

    monkeypatch.setattr(lexical_module._Shard, "top", broken)
    with pytest.raises(RuntimeError, match="postings unreadable"):  # a failure on the BM25 thread reaches the caller
        index.search("housing", k=3)
    assert ran_on[0].startswith("bm25") and ran_on[0] != threading.current_thread().name
    index.close()
