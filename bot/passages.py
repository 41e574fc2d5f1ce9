"""The passage answerer: retrieve, re-rank with what the question names, quote the sentences that answer."""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import Stemmer

from bot.answer import Answer, Citation
from bot.gazetteer import Gazetteer
from bot.understand import Question
from corpus.chunk import split_sentences
from index.hybrid import PassageIndex, SearchHit

CANDIDATES = 12  # passages retrieved before re-ranking
PASSAGES_READ = 4  # passages whose sentences compete to be quoted
SENTENCES_EMBEDDED = 3  # the lexical front-runners re-scored by meaning (each costs 2-3 ms here)
MAX_QUOTES = 3
PER_ARTICLE = 3
BOOST = 0.004  # about a few ranks of reciprocal-rank fusion per thing the question names that a passage shares
STOPWORDS = set(
    """a an the of in on at for to from by and or but with did do does was were is are be been has have had how
    what which who whom whose when where why it its that this those these there their they he she his her i you
    we our about as into than then so not no yes can could would should will may might say said says tell me
    more most much many any all""".split()
)
WORD = re.compile(r"[a-z0-9]+")
STEMMER = Stemmer.Stemmer("english")


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
    question: Question, index: PassageIndex, gazetteer: Gazetteer, vector: np.ndarray | None = None
) -> Answer | None:
    """Quote the sentences of the coverage that best answer the question, with numbered citations.

    Returns None when nothing in the coverage matches at all; otherwise an Answer whose confidence
    says how well the best sentence answers (the router turns a low one into a refusal).
    """
    if vector is None:
        vector = index.embedder.embed([question.text])[0]
    hits = _rerank(question, index.search(question.text, CANDIDATES, vector=vector), gazetteer)
    if not hits:
        return None
    quotes = _choose_quotes(question, vector, hits[:PASSAGES_READ], index)
    if not quotes:
        return None
    return _compose(quotes)


def _rerank(question: Question, hits: list[SearchHit], gazetteer: Gazetteer) -> list[SearchHit]:
    """Boost passages that share the question's year, parties and places; drop near-duplicates; spread articles."""
    wanted = [str(y) for y in question.years]
    wanted += [p.name.lower() for p in question.places]
    wanted += [gazetteer.party_name(code).lower() for code in question.parties]
    scored = []
    for hit in hits:
        text = hit.stored.passage.text.lower()
        published = hit.stored.published
        shared = sum(1 for w in wanted if w and w in text)
        if published is not None and published.year in question.years:
            shared += 3  # written about the election asked about: worth more than a passing mention
        scored.append((hit.score + BOOST * shared, hit))
    scored.sort(key=lambda pair: pair[0], reverse=True)
    kept: list[SearchHit] = []
    seen_words: list[set[str]] = []
    per_article: dict[str, int] = {}
    for _, hit in scored:
        words = set(WORD.findall(hit.stored.passage.text.lower()))
        if any(len(words & other) / max(1, len(words | other)) > 0.8 for other in seen_words):
            continue  # a near-copy of a passage already kept (syndicated or re-published text)
        article = hit.stored.passage.article_id
        if per_article.get(article, 0) >= PER_ARTICLE:
            continue
        per_article[article] = per_article.get(article, 0) + 1
        seen_words.append(words)
        kept.append(hit)
    return kept


def _choose_quotes(question: Question, vector: np.ndarray, hits: list[SearchHit], index: PassageIndex) -> list[Quote]:
    """Score every sentence of the best passages by key terms and the kind of answer the question wants,
    then re-score the front-runners by meaning."""
    terms = _key_terms(question.text)
    total = sum(terms.values()) or 1.0
    wants = _answer_type(question.text)
    asked = {w.lower() for w in WORD.findall(question.text.lower())}
    candidates: list[tuple[float, Quote]] = []
    seen: set[tuple[str, int]] = set()
    for rank, hit in enumerate(hits):
        passage = hit.stored.passage
        for start, end in split_sentences(passage.text):
            sentence = passage.text[start:end]
            key = (passage.article_id, passage.start + start)
            if key in seen or _is_headline(sentence, hit.stored.title):
                continue  # a sentence seen in the overlap of two passages, or the headline already shown
            seen.add(key)
            words = set(_stems(sentence))
            overlap = sum(weight for term, weight in terms.items() if term in words) / total
            fits = _fits_answer_type(sentence, wants, asked)
            lexical = overlap + 0.35 * fits + 0.15 / (rank + 1)  # earlier passages likelier to hold the answer
            quote = Quote(hit, passage.start + start, passage.start + end, sentence, 0.0, overlap)
            candidates.append((lexical, quote))
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
    if wants and not any(_fits_answer_type(q.text, wants, asked) for q in chosen):
        # The closest sentences talk about the question without answering it ("Who…?" with no name in
        # them): add the best sentence near them that holds the kind of answer asked for.
        near = {q.hit.stored.passage.id for q in chosen}
        fitting = [q for _, q in candidates if q.hit.stored.passage.id in near
                   and _fits_answer_type(q.text, wants, asked) and q not in chosen]
        if fitting:
            extra = fitting[0]
            chosen.append(Quote(extra.hit, extra.start, extra.end, extra.text, chosen[-1].score, chosen[-1].confidence))
    return _with_following(chosen[0], candidates) + chosen[1:MAX_QUOTES] if len(chosen) < 4 else chosen


def _with_following(quote: Quote, candidates: list[tuple[float, Quote]]) -> list[Quote]:
    """The best sentence and the one after it: news writing puts the detail right after the claim."""
    following = [q for _, q in candidates if q.hit.stored.passage.article_id == quote.hit.stored.passage.article_id
                 and q.start > quote.end and q.start - quote.end <= 3]
    if not following:
        return [quote]
    after = following[0]
    return [quote, Quote(after.hit, after.start, after.end, after.text, quote.score, quote.confidence)]


NUMBER = re.compile(r"\d|\b(one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|thirty|forty|"
                    r"fifty|hundred|thousand|million|billion|half|third|quarter|dozen)\b", re.I)
PROPER = re.compile(r"(?<!^)(?<![.!?]\s)\b[A-Z][a-z]+(?:[ -][A-Z][a-z]+)*")


def _answer_type(question: str) -> str | None:
    """What kind of answer the question wants: a number, a name, a time, or anything."""
    lowered = question.lower()
    if re.search(r"\b(how (many|much|long|old|big)|what (share|proportion|percentage|rate|number|sum|age|figure)|"
                 r"what (was|is) the (majority|turnout|total|cost))\b", lowered):
        return "number"
    if re.search(r"\b(who|whom|whose|which (\w+ )?(mp|minister|leader|candidate|person|man|woman|school|seat|"
                 r"paper|newspaper|party|town|city|constituency|council|strategist|member|firm|company))\b", lowered):
        return "name"
    if re.search(r"\b(when|what (year|date|day|month))\b", lowered):
        return "time"
    return None


def _fits_answer_type(sentence: str, wants: str | None, asked: set[str]) -> float:
    """1 when the sentence holds something of the kind asked for that the question does not already say."""
    if wants == "number":
        return 1.0 if NUMBER.search(sentence) else 0.0
    if wants == "name":
        names = [n for n in PROPER.findall(sentence) if n.lower() not in asked]
        return 1.0 if any(n.split()[0].lower() not in STOPWORDS for n in names) else 0.0
    if wants == "time":
        return 1.0 if re.search(r"\b(1[89]\d\d|20\d\d|january|february|march|april|may|june|july|august|september|"
                                r"october|november|december|monday|tuesday|wednesday|thursday|friday)\b",
                                sentence, re.I) else 0.0
    return 0.0


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
            score=round(max(q.score for q in group), 4),
        ))
    confidence = float(np.clip(max(q.confidence for q in quotes), 0.0, 1.0))
    return Answer("\n".join(parts), "passages", confidence, citations=tuple(citations))


def term_coverage(question: str, text: str) -> float:
    """Share of the question's key terms (by weight) that `text` contains."""
    terms = _key_terms(question)
    words = set(_stems(text))
    total = sum(terms.values())
    return sum(w for t, w in terms.items() if t in words) / total if total else 0.0


def _key_terms(text: str) -> dict[str, float]:
    """The question's content words, stemmed, weighted by length as a cheap stand-in for rarity."""
    return {stem: min(1.0, len(stem) / 6) for stem in _stems(text)}


def _stems(text: str) -> list[str]:
    return STEMMER.stemWords([w for w in WORD.findall(text.lower()) if w not in STOPWORDS])
