"""The passage answerer: retrieve, re-rank with what the question names, quote the sentences that answer."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

import numpy as np

from bot.answer import Answer, Citation
from bot.gazetteer import Gazetteer
from bot.terms import (
    WORD,
    fits_answer_type,
    length_weights,
    rarity_weights,
    sentence_terms,
    sentence_weights,
    share_found,
    stems_of,
)
from bot.titles import TitleIndex
from bot.understand import Question, with_text
from corpus.chunk import split_sentences
from index.hybrid import PassageIndex, SearchHit

CANDIDATES = 12  # passages retrieved before re-ranking
PASSAGES_READ = 5  # passages whose sentences compete to be quoted (reading one costs well under 1 ms)
SENTENCES_EMBEDDED = 3  # the lexical front-runners re-scored by meaning (each costs 2-3 ms here)
MAX_QUOTES = 3
PER_ARTICLE = 3
BOOST = 0.004  # about a few ranks of reciprocal-rank fusion per thing the question names that a passage shares
COVERS = 0.01  # a passage holding all of the question's rare words gains a few ranks over one holding half
CARRY = 0.25  # share of a sentence's match lent to the next one: news puts the detail after the claim
OTHER_YEAR = 0.5  # weight of a sentence from an article written in another year than the one asked about
UNANSWERED = 0.5  # confidence kept by quotes that lack the kind of answer asked for
FOLLOWING = 2  # sentences quoted after the best one: the claim, then its detail ("…she wouldn't vote Labour")
SHORT_SENTENCE = 40  # characters: "And that is certainly true." hands on to the sentence after it
ASKING = re.compile(r"\W*(what|why|how|who|whom|whose|which|when|where|is|are|was|were|do|does|did|has|have|had|can|"
                    r"could|will|would|should|think|isn't|aren't|wasn't|doesn't|didn't|hasn't)\b", re.I)

@dataclass(frozen=True, slots=True)
class Quote:
    """A sentence chosen to answer, with where it sits in its article and how well it answers."""

    hit: SearchHit
    start: int  # offsets into the article
    end: int
    text: str
    score: float  # for choosing: meaning, key terms, the kind of answer, the passage's rank
    confidence: float = 0.0  # for trusting: meaning and key terms only


def answer_from_passages(
    question: Question,
    index: PassageIndex,
    gazetteer: Gazetteer,
    vector: np.ndarray | None = None,
    titles: TitleIndex | None = None,
) -> Answer | None:
    """Quote the sentences of the coverage that best answer the question, with numbered citations.

    A question that names an article by its title ("according to the Corbyn in Grimsby article") is
    answered from that article alone, and the words that name it do not count in choosing sentences.

    Returns None when nothing in the coverage matches at all; otherwise an Answer whose confidence
    says how well the best sentence answers (the router turns a low one into a refusal).
    """
    pointer = titles.pointed_at(question.cues.titles) if titles is not None else None
    if pointer is not None:
        asked = with_text(question, pointer.outside(question.text))
        vector = index.embedder.embed([asked.text])[0]
        hits = index.search_within(pointer.article_id, asked.text, CANDIDATES, vector=vector)
        return _quote(asked, vector, hits, index) if hits else None
    if vector is None:
        vector = index.embedder.embed([question.text])[0]
    terms = rarity_weights(question.cues.stems, index.generation.lexical)
    hits = _rerank(question, index.search(question.text, CANDIDATES, vector=vector), gazetteer, terms)
    return _quote(question, vector, hits[:PASSAGES_READ], index) if hits else None


def _quote(question: Question, vector: np.ndarray, hits: list[SearchHit], index: PassageIndex) -> Answer | None:
    """The answer quoting the best sentences of `hits`, trusted less when none holds the kind of answer asked."""
    quotes = _choose_quotes(question, vector, hits, index)
    if not quotes:
        return None
    answer = _compose(quotes)
    wants = question.cues.wants
    asked = set(question.cues.words)
    if wants in ("number", "time") and not any(fits_answer_type(q.text, wants, asked) for q in quotes):
        # "How many…?" or "When…?" met by sentences with no figure or date in them: they speak of the
        # subject without answering, so trust them less.
        answer = replace(answer, confidence=answer.confidence * UNANSWERED)
    return answer


def _rerank(
    question: Question, hits: list[SearchHit], gazetteer: Gazetteer, terms: dict[str, float] | None = None
) -> list[SearchHit]:
    """Boost passages that share the question's year, parties, places and rare words; drop near-duplicates;
    spread articles."""
    names = _names_asked(question, gazetteer)
    scored = []
    for hit in hits:
        text = hit.stored.passage.text.lower()
        published = hit.stored.published
        shared = sum(1 for _, pattern in names if pattern.search(text))
        if published is not None and published.year in question.years:
            shared += 3  # written about the election asked about: worth more than a passing mention
        covers = share_found(terms, _words(text, names)) if terms else 0.0
        scored.append((hit.score + BOOST * shared + COVERS * covers, hit))
    scored.sort(key=lambda pair: pair[0], reverse=True)
    kept: list[SearchHit] = []
    seen_words: list[set[str]] = []
    per_article: dict[str, int] = {}
    for _, hit in scored:
        words = set(WORD.findall(hit.stored.passage.text.lower()))
        copy = next((i for i, other in enumerate(seen_words) if len(words & other) / max(1, len(words | other)) > 0.8),
                    None)
        article = hit.stored.passage.article_id
        if copy is not None:
            # A near-copy of a passage already kept (syndicated or re-published text): cite the copy
            # stored first, so the citation does not flip between copies with the scores' noise.
            if hit.stored.key < kept[copy].stored.key and per_article.get(article, 0) < PER_ARTICLE:
                per_article[kept[copy].stored.passage.article_id] -= 1
                per_article[article] = per_article.get(article, 0) + 1
                kept[copy] = hit
            continue
        if per_article.get(article, 0) >= PER_ARTICLE:
            continue
        per_article[article] = per_article.get(article, 0) + 1
        seen_words.append(words)
        kept.append(hit)
    return kept


def _names_asked(question: Question, gazetteer: Gazetteer) -> list[tuple[set[str], re.Pattern[str]]]:
    """For each year, place and party the question names: the stems of every name it goes by, and a
    pattern that finds any of those names in lower-cased text ("Lib Dems" asked, "Liberal Democrats" written)."""
    wanted = [[str(y)] for y in question.years]
    wanted += [[p.name.lower()] for p in question.places]
    wanted += [_party_names(code, gazetteer) for code in question.parties]
    return [(set(stems_of(" ".join(names))), re.compile(r"\b(" + "|".join(re.escape(n) for n in names) + r")\b"))
            for names in wanted if names]


def _words(text: str, names: list[tuple[set[str], re.Pattern[str]]]) -> set[str]:
    """The stems of a text, with every stem of a name asked about that the text calls by another name."""
    words = set(stems_of(text))
    for stems, pattern in names:
        if pattern.search(text.lower()):
            words |= stems
    return words


def _party_names(code: str, gazetteer: Gazetteer) -> list[str]:
    """The names a party goes by in prose ("Lib Dems", "Liberal Democrats", "Tories"), not its codes."""
    names = {a for a, c in gazetteer.party_aliases.items() if c == code and len(a) >= 4}
    return sorted(names | {gazetteer.party_name(code).lower()}, key=len, reverse=True)


def _choose_quotes(
    question: Question, vector: np.ndarray, hits: list[SearchHit], index: PassageIndex
) -> list[Quote]:
    """Score every sentence of the best passages by key terms, the match of the sentence before it and the
    kind of answer the question wants, then re-score the front-runners by meaning."""
    wants = question.cues.wants
    asked = set(question.cues.words)
    candidates = _score_sentences(question, hits, wants, asked)
    if not candidates:
        return []
    candidates.sort(key=lambda pair: pair[0], reverse=True)
    front = candidates[:SENTENCES_EMBEDDED]
    cosines = index.embedder.embed([q.text for _, q in front]) @ vector
    scored = [
        Quote(q.hit, q.start, q.end, q.text, float(0.5 * cos + 0.5 * min(lexical, 1.0)),
              float(0.6 * cos + 0.4 * q.confidence))
        for (lexical, q), cos in zip(front, cosines.tolist(), strict=True)
    ]
    scored.sort(key=lambda q: q.score, reverse=True)
    best = scored[0].score
    chosen = [q for q in scored if q.score >= 0.8 * best][:MAX_QUOTES]
    if wants and not any(fits_answer_type(q.text, wants, asked) for q in chosen):
        # The closest sentences talk about the question without answering it ("Who…?" with no name in
        # them): add the best sentence near them that holds the kind of answer asked for.
        near = {q.hit.stored.passage.id for q in chosen}
        fitting = [q for _, q in candidates if q.hit.stored.passage.id in near
                   and fits_answer_type(q.text, wants, asked) and q not in chosen]
        if fitting:
            extra = fitting[0]
            chosen.append(Quote(extra.hit, extra.start, extra.end, extra.text, chosen[-1].score, chosen[-1].confidence))
    if len(chosen) >= 4:
        return chosen
    following = _following(chosen[0], candidates, 4 - len(chosen))
    return [chosen[0], *following, *chosen[1:]][:4]


class _Reading:
    """The sentences read, in article order, with how well each matched the question's terms."""

    def __init__(self, sentences: dict[tuple[str, int], tuple[int, str, float]]) -> None:
        self.sentences = sentences  # (article, start) -> (end, text, match)
        self.starts = {(article, end): start for (article, start), (end, _, _) in sentences.items()}

    def match(self, article: str, start: int) -> float:
        return self.sentences[(article, start)][2]

    def _before(self, article: str, start: int) -> int | None:
        return next((self.starts[(article, start - gap)] for gap in range(4) if (article, start - gap) in self.starts),
                    None)

    def _after(self, article: str, end: int) -> int | None:
        return next((end + gap for gap in range(4) if (article, end + gap) in self.sentences), None)

    def carried(self, article: str, start: int) -> float:
        """The match lent to a sentence by the one before it (through a short aside or a question: "And
        that is certainly true.", "Has he made the gains?" "No.") and by a question right after it."""
        carried, at = 0.0, start
        for _ in range(3):
            before = self._before(article, at)
            if before is None:
                break
            carried = max(carried, self.match(article, before))
            if not _hands_on(self.sentences[(article, before)][1]):
                break
            at = before
        after = self._after(article, self.sentences[(article, start)][0])
        if after is not None and _hands_on(self.sentences[(article, after)][1]):
            carried = max(carried, self.match(article, after))
        return carried


def _hands_on(sentence: str) -> bool:
    """A question or a short aside: its meaning lies in the sentence beside it."""
    return len(sentence) < SHORT_SENTENCE or (sentence.rstrip().endswith("?") and ASKING.match(sentence) is not None)


def _score_sentences(
    question: Question, hits: list[SearchHit], wants: str | None, asked: set[str]
) -> list[tuple[float, Quote]]:
    """Every sentence of the passages (once, headlines aside) with its lexical score: the question's terms,
    the match lent by its neighbours, the kind of answer asked for, and its passage's rank."""
    # By length; the words of a clause that says where to look or when count less.
    plain = sentence_terms(question.cues.outside_clauses, length_weights(question.cues.stems))
    sentences = []  # (rank, hit, start, end, text, stems), each sentence of the passages read once
    seen: set[tuple[str, int]] = set()
    for rank, hit in enumerate(hits):
        passage = hit.stored.passage
        for start, end in split_sentences(passage.text):
            key = (passage.article_id, passage.start + start)
            if key not in seen:
                seen.add(key)
                text = passage.text[start:end]
                sentences.append((rank, hit, passage.start + start, passage.start + end, text, set(stems_of(text))))
    sought = sentence_weights(plain, [row[5] for row in sentences])
    reading = _Reading({(hit.stored.passage.article_id, start): (end, text, share_found(sought, words))
                        for _, hit, start, end, text, words in sentences})
    candidates: list[tuple[float, Quote]] = []
    for rank, hit, start, end, text, words in sentences:
        if _is_headline(text, hit.stored.title):
            continue  # the headline is shown with the citation
        article = hit.stored.passage.article_id
        own = reading.match(article, start)
        if _hands_on(text):
            own *= 0.25  # a question in the article echoes the asker; the answer sits beside it
        fits = fits_answer_type(text, wants, asked)
        lexical = own + CARRY * reading.carried(article, start)
        published = hit.stored.published
        if question.years and published is not None and published.year not in question.years \
                and not any(str(year) in text for year in question.years):
            lexical *= OTHER_YEAR  # "Why … in 2022?" is not answered by a 2018 article, however alike its words
        lexical += 0.35 * fits + 0.15 / (rank + 1)
        candidates.append((lexical, Quote(hit, start, end, text, 0.0, share_found(plain, words))))
    return candidates


def _following(quote: Quote, candidates: list[tuple[float, Quote]], room: int) -> list[Quote]:
    """Up to FOLLOWING sentences right after the best one: news writing puts the detail after the claim;
    a question or a short aside ("And that is certainly true.") hands on to one more."""
    same = sorted((q for _, q in candidates if q.hit.stored.passage.article_id == quote.hit.stored.passage.article_id),
                  key=lambda q: q.start)
    taken: list[Quote] = []
    last = quote
    while len(taken) < room:
        after = next((q for q in same if q.start > last.end and q.start - last.end <= 3), None)
        if after is None:
            break
        taken.append(Quote(after.hit, after.start, after.end, after.text, quote.score, quote.confidence))
        if not (_hands_on(last.text) or _hands_on(after.text)) and len(taken) >= FOLLOWING:
            break
        last = after
    return taken


def _is_headline(sentence: str, title: str) -> bool:
    """The article's title repeated as its first line: shown with the citation, not worth quoting."""
    return sentence.strip().rstrip(".") == title.strip().rstrip(".") or (
        len(sentence) < 80 and not sentence.rstrip().endswith((".", "!", "?", "\"", "”", "’", "'"))
    )


def _compose(quotes: list[Quote]) -> Answer:
    """Quote the sentences verbatim, grouped by passage in reading order, each group with its citation."""
    by_passage: dict[str, list[Quote]] = {}
    unique = {(q.hit.stored.passage.article_id, q.start): q for q in reversed(quotes)}.values()
    for quote in sorted(unique, key=lambda q: (q.hit.stored.passage.id, q.start)):
        by_passage.setdefault(quote.hit.stored.passage.id, []).append(quote)
    order = sorted(by_passage, key=lambda pid: -max(q.score for q in by_passage[pid]))
    parts, citations = [], []
    for n, passage_id in enumerate(order, start=1):
        group = by_passage[passage_id]
        stored = group[0].hit.stored
        when = f", {stored.published:%-d %B %Y}" if stored.published else ""
        quoted = " … ".join(q.text for q in group)
        parts.append(f"According to “{stored.title}”{when}: “{quoted}” [{n}]")
        citations.append(Citation(
            n=n, article_id=stored.passage.article_id, title=stored.title, published=stored.published,
            passage_id=passage_id, start=stored.passage.start, end=stored.passage.end, text=stored.passage.text,
            score=round(max(q.score for q in group), 4), quoted=tuple(q.text for q in group),
            source=stored.source, url=stored.url,
        ))
    confidence = float(np.clip(max(q.confidence for q in quotes), 0.0, 1.0))
    return Answer("\n".join(parts), "passages", confidence, citations=tuple(citations), outcome="quote")
