"""Words that matter in a question: stems, how much each weighs, and the kind of answer it asks for.

Shared by the passage answerer (choosing passages and sentences) and the router (how much of a question
an answer speaks to).
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence

import Stemmer

from index.lexical import LexicalIndex

ABOUT_THE_SOURCE = 0.3  # weight of words that only say where to look ("according to the Grimsby piece")
STOPWORDS = set(
    """a an the of in on at for to from by and or but with did do does was were is are be been has have had how
    what which who whom whose when where why it its that this those these there their they he she his her i you
    we our about as into than then so not no yes can could would should will may might say said says tell me
    more most much many any all""".split()
)
WORD = re.compile(r"[a-z0-9]+")
STEMMER = Stemmer.Stemmer("english")



NUMBER = re.compile(r"\d|\b(one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|thirty|forty|"
                    r"fifty|hundred|thousand|million|billion|half|third|quarter|dozen)\b", re.I)
TIME = re.compile(r"\b(1[89]\d\d|20\d\d|january|february|march|april|may|june|july|august|september|"
                  r"october|november|december|monday|tuesday|wednesday|thursday|friday)\b", re.I)
PROPER = re.compile(r"(?<!^)(?<![.!?]\s)\b[A-Z][a-z]+(?:[ -][A-Z][a-z]+)*")


def fits_answer_type(sentence: str, wants: str | None, asked: set[str]) -> float:
    """1 when the sentence holds something of the kind asked for that the question does not already say."""
    if wants == "number":
        return 1.0 if NUMBER.search(sentence) else 0.0
    if wants == "name":
        names = [n for n in PROPER.findall(sentence) if n.lower() not in asked]
        return 1.0 if any(n.split()[0].lower() not in STOPWORDS for n in names) else 0.0
    if wants == "time":
        return 1.0 if TIME.search(sentence) else 0.0
    return 0.0


def term_coverage(question: Sequence[str], text: str) -> float:
    """Share of the question's key terms (its stems, by weight) that `text` contains."""
    terms = length_weights(question)
    words = set(stems_of(text))
    total = sum(terms.values())
    return sum(w for t, w in terms.items() if t in words) / total if total else 0.0


def rarity_weights(question: Sequence[str], lexical: LexicalIndex) -> dict[str, float]:
    """The question's stems weighted by how rare they are in the coverage (BM25's idf, scaled to 0-1); by
    length for an empty index."""
    stems = set(question)
    documents = len(lexical)
    if not documents:
        return length_weights(question)
    ceiling = math.log(documents + 1.0)
    weights = {}
    for stem in stems:
        seen = lexical.passages_holding(stem)
        weights[stem] = max(0.1, min(1.0, math.log((documents - seen + 0.5) / (seen + 0.5) + 1.0) / ceiling))
    return weights


def sentence_terms(outside_clauses: Sequence[frozenset[str]], terms: dict[str, float]) -> dict[str, float]:
    """The key terms for choosing sentences: words that only say where to look ("according to the piece
    about Corbyn's Grimsby trip") or when ("…when he rejected all-black shortlists") find the article, but
    the answer seldom repeats them. `outside_clauses`: the question's stems outside each such clause."""
    for outside in outside_clauses:
        if outside:  # "When did the Titanic sink?" is all question
            terms = {t: w if t in outside else w * ABOUT_THE_SOURCE for t, w in terms.items()}
    return terms


def sentence_weights(terms: dict[str, float], sentences: list[set[str]]) -> dict[str, float]:
    """Weigh the terms again by how rare they are among the sentences read: the name the question is
    about is in most of them, while the words of what it asks ("post", "spend", "exposed") pick out the
    sentence that answers."""
    ceiling = math.log((len(sentences) + 1) / 0.5)
    return {t: w * math.log((len(sentences) + 1) / (sum(t in words for words in sentences) + 0.5)) / ceiling
            for t, w in terms.items()}


def share_found(terms: dict[str, float] | None, words: set[str]) -> float:
    """Share of the terms' weight found among `words`."""
    total = sum(terms.values()) if terms else 0.0
    return sum(w for t, w in terms.items() if t in words) / total if terms and total else 0.0


def length_weights(question: Sequence[str]) -> dict[str, float]:
    """The question's stems weighted by length, a cheap stand-in for rarity."""
    return {stem: min(1.0, len(stem) / 6) for stem in question}


def stems_of(text: str) -> list[str]:
    """The content words of `text`, lower-cased and stemmed."""
    return STEMMER.stemWords([w for w in WORD.findall(text.lower()) if w not in STOPWORDS])
