from __future__ import annotations

from pathlib import Path

import pytest

from corpus.chunk import chunk_article, count_words, split_sentences
from corpus.readers import read_articles
from corpus.records import Article


def _article(text: str) -> Article:
    return Article(id="a", title="t", text=text)


def test_passages_are_exact_slices_of_the_article_in_order() -> None:
    text = " ".join(f"Sentence {i} is about ward {i} and its new councillor." for i in range(60))
    passages = chunk_article(_article(text), max_tokens=40, overlap_tokens=12)
    assert len(passages) > 5
    for ordinal, passage in enumerate(passages):
        assert passage.ordinal == ordinal
        assert text[passage.start : passage.end] == passage.text
        assert count_words(passage.text) <= 40
    assert passages[0].start == 0 and passages[-1].end == len(text)
    assert all(b.start > a.start for a, b in zip(passages, passages[1:], strict=False))


def test_consecutive_passages_overlap_by_a_short_sentence() -> None:
    text = " ".join(f"Short line {i} here." for i in range(40))
    passages = chunk_article(_article(text), max_tokens=30, overlap_tokens=8)
    assert all(b.start < a.end for a, b in zip(passages, passages[1:], strict=False))


def test_no_overlap_when_asked_for_none() -> None:
    text = " ".join(f"Short line {i} here." for i in range(40))
    passages = chunk_article(_article(text), max_tokens=30, overlap_tokens=0)
    assert all(b.start >= a.end for a, b in zip(passages, passages[1:], strict=False))


def test_a_sentence_longer_than_the_budget_is_cut_at_word_boundaries() -> None:
    text = "Intro sentence. " + " ".join(f"word{i}" for i in range(200)) + "."
    passages = chunk_article(_article(text), max_tokens=50, overlap_tokens=0)
    assert len(passages) >= 4
    for passage in passages:
        assert count_words(passage.text) <= 50
        assert text[passage.start : passage.end] == passage.text
        assert not passage.text.startswith(" ") and not passage.text.endswith(" ")


def test_bad_budgets_are_refused_with_the_value() -> None:
    with pytest.raises(ValueError, match="got 0"):
        chunk_article(_article("A."), max_tokens=0)
    with pytest.raises(ValueError, match="got 50"):
        chunk_article(_article("A."), max_tokens=50, overlap_tokens=50)


def test_sentences_split_on_question_marks_and_keep_curly_quotes() -> None:
    text = "The impact? No discernible change. She said: “The bins are a problem.” Then left."
    spans = [text[s:e] for s, e in split_sentences(text)]
    assert spans[0] == "The impact?"
    assert "“The bins are a problem.”" in " ".join(spans)


def test_seed_passages_fit_the_model_and_slice_exactly(seeds: Path, real_embedder) -> None:  # type: ignore[no-untyped-def]
    for article in read_articles([seeds]):
        assert isinstance(article, Article)
        passages = chunk_article(article, count_tokens=real_embedder.count_tokens)
        assert passages
        for passage in passages:
            assert article.text[passage.start : passage.end] == passage.text
            assert real_embedder.count_tokens(passage.text) <= 128
        covered = set().union(*(range(p.start, p.end) for p in passages))
        assert all(i in covered or article.text[i].isspace() for i in range(len(article.text)))
