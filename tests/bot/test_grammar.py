"""The template compiler: what each construct matches, and a clear error for a broken template."""

from __future__ import annotations

import pytest

from bot.grammar import GrammarError, anchored, compile_template

LISTS = {"writing": ["article", "opinion piece"]}
PATTERNS = {"clock": r"\d{1,2}(?::\d\d)? ?(?:am|pm)"}


@pytest.mark.parametrize(("template", "at", "matches", "misses"), [
    ("(why|how come)", "start", ["Why did Labour lose?", "how come?"], ["So why?", "whyever"]),
    ("[and|but|so] why", "whole", ["Why?", "and why", "So, why?"], ["why not?", "and so why"]),
    ("the … {writing}", "anywhere", ["the article", "the 2022 Grimsby opinion piece"],
     ["the one two three four five article", "article"]),
    ("predict*", "anywhere", ["predicted", "predictions"], ["unpredictable"]),
    ("=view", "anywhere", ["in my view"], ["Plymouth Moor View"]),
    ("by {clock}", "anywhere", ["by 9am", "by 10:30 pm"], ["by nine", "by 930"]),
    ("as [the] count (went on|continued)", "anywhere", ["as the count went on", "as count continued"],
     ["as the count stopped"]),
])
def test_a_template_matches_what_it_says_and_nothing_near(
    template: str, at: str, matches: list[str], misses: list[str]
) -> None:
    pattern = anchored(compile_template(template, LISTS, PATTERNS), at)
    assert [t for t in matches if not pattern.search(t)] == []
    assert [t for t in misses if pattern.search(t)] == []


@pytest.mark.parametrize(("template", "says"), [
    ("(why|how", "missing ')'"),
    ("why)", "unexpected ')'"),
    ("{nowhere}", "no list or pattern called 'nowhere'"),
])
def test_a_broken_template_is_named_with_what_is_wrong(template: str, says: str) -> None:
    with pytest.raises(GrammarError, match=says.replace("(", r"\(").replace(")", r"\)")):
        compile_template(template, LISTS, PATTERNS)


def test_every_measure_has_the_words_a_quote_must_use_to_speak_of_it() -> None:
    from bot.lexicon import lexicon

    assert set(lexicon().measure_words) == set(lexicon().measure_names)


def test_the_reading_grammar_names_only_measures_the_results_know() -> None:
    from bot.lexicon import lexicon

    grammar = lexicon()
    known = set(grammar.measure_names)
    assert {rule.measure for rule in grammar.measures} == known
    assert set(grammar.at_general) | set(grammar.at_general.values()) <= known
    assert {"question_words", "place_words", "not_party_names"} <= set(grammar.words)
    assert all(isinstance(w, str) and w == w.lower() for words in grammar.words.values() for w in words)


@pytest.mark.parametrize(("question", "kind", "measure"), [
    ("how many seats did labour win in hull", None, "seats_won"),
    ("how many seats did labour hold in hull", None, "seats_held"),
    ("how many seats did labour hold in hull", "general", "seats_won"),  # no council at a general election
    ("which councils did labour gain", None, "control_change"),
    ("which councils did labour gain seats in", None, "seats_won"),
    ("who runs barnet", None, "control"),
    ("what was the majority in hartlepool", "general", "majority"),
    ("what was the majority in hartlepool", "local", None),
    ("biggest party in trafford", None, "largest_party"),
    ("biggest gains in trafford", None, "seats_won"),
])
def test_the_first_measure_whose_wording_fits_wins(question: str, kind: str | None, measure: str | None) -> None:
    from bot.lexicon import lexicon

    assert lexicon().measure(question, kind, names_party=True) == measure
