"""The registry of what the results can answer: each intent chosen for its questions and answering them from
the project's own sample, with what it says checked against the sample's figures (corpus/sample/results)."""

from __future__ import annotations

import pytest
import yaml

from bot.ask import Bot
from bot.conversation import Conversation
from bot.registry import RegistryError, _environment, _intent, registry
from bot.sql import queries

# question (a follow-up after "| "), the intent that answers it, words its answer must hold.
CASES = [
    ("How many seats did the Lib Dems gain in Hull in 2022?", "council_seats_gained",
     ["won 10 of the 19 seats", "net change of +5", "not seats gained or lost"]),
    ("how many seats did labour win in hull in 2018", "council_seats_won", ["Labour won 31 of the 57 seats"]),
    ("What happened in Hull in 2018?", "council_result", ["Labour 31, Liberal Democrats 24", "Labour controlled"]),
    ("What is the make-up of Barnet council after 2022?", "council_composition", ["Labour 41, Conservative 22"]),
    ("How many seats does Labour hold on Barnet council after 2022?", "council_seats_held",
     ["held 41 of the 63 seats", "+16"]),
    ("Is Hartlepool under no overall control after 2022?", "council_control", ["Yes.", "no party had overall"]),
    ("Did Labour control Barnet after 2018?", "council_control", ["No.", "the Conservatives controlled Barnet"]),
    ("Which party is the largest on Hartlepool council in 2022?", "council_largest_party",
     ["the Conservatives, with 15 of the 36 seats"]),
    ("How many seats are there on Barnet council?", "council_size", ["63 seats"]),
    ("What was the majority in Blyth Valley in 2019?", "constituency_majority", ["Ian Levy", "majority of 712"]),
    ("turnout bolsover 2017", "constituency_turnout", ["63.4%"]),
    ("What was the electorate in Blyth Valley in 2017?", "constituency_electorate", ["electorate of 63,415"]),
    ("Who came second in Hartlepool in 2019?", "constituency_runner_up",
     ["Stefan Houghton (Conservative) came second", "3,595 votes behind Mike Hill", "8.8 percentage points"]),
    ("Did the Tories win Hartlepool in 2019?", "constituency_winner", ["No.", "did not win Hartlepool", "Mike Hill"]),
    ("How many votes did the Conservatives get in Hartlepool in 2019?", "constituency_party_votes",
     ["11,869 votes", "28.9%"]),
    ("votes in hartlepool 2019", "constituency_votes", ["Labour 15,464 (37.7%)"]),
    ("What was the result in Bolsover in 2019?", "constituency_result", ["Mark Fletcher", "Labour 16,492"]),
    ("Which councils changed control in 2022?", "control_changes", ["9 councils changed control", "Barnet"]),
    ("What was the smallest majority in 2019?", "majority_ranking", ["Kensington", "150"]),
    ("Which councils did Labour control after 2022?", "councils_controlled", ["6 councils", "Wandsworth"]),
    ("Where did the Conservatives hold the most seats after 2022?", "held_ranking", ["North East Lincolnshire 30"]),
    ("How many seats did Labour win at the 2019 general election?", "national_seats", ["202 of the 650 seats"]),
    ("Where did the Conservatives suffer the biggest losses in 2022?", "change_ranking", ["Westminster -18"]),
    ("Where did Labour win the most seats in 2022?", "seats_ranking", ["Barnet 41"]),
    ("How many seats did the Lib Dems gain in the 2022 local elections?", "local_seats_gained",
     ["won 20 of the 314 seats", "not seats gained or lost"]),
    ("How many seats did the Greens win in the 2022 local elections?", "local_seats_won", ["won 3 of the 314"]),
    ("Which councils did Labour control after 2022? | Which of those did Labour control after 2018?",
     "control_among", ["Of those 6 councils", "Lincoln, Sunderland"]),
    ("Which constituencies had the smallest majorities in 2019? | Which of those did Labour win?",
     "winners_among", ["Of those 9 constituencies, Labour won 5"]),
]


# Intents whose figures the sample does not hold, tried over the public results (../shared).
PUBLIC_CASES = [
    ("How many seats did each party win in 2017?", "general_seats_by_party",
     ["The Conservatives won the most seats at the general election of 8 June 2017, 317 of 650. Seats won by party: "
      "Conservative 317, Labour 262"]),
    ("What share of the vote did the parties get in Wales in 2019?", "general_votes_by_party",
     ["Labour won the most votes in Wales at the general election of 12 December 2019"]),
    ("How many seats did each party win at the 2022 local elections?", "local_seats_by_party",
     ["Labour won the most seats at the local elections of 5 May 2022"]),
    ("What was Labour's share of the vote in Scotland in 2019?", "national_vote_share",
     ["Labour won 18.6% of the valid votes in Scotland at the general election of 12 December 2019: 511,838 of "
      "2,759,061"]),
    ("Which seats did the Lib Dems win in the South West in 2019?", "party_seats",
     ["The Liberal Democrats won 1 seat in the South West at the general election of 12 December 2019: Bath"]),
    ("When did Labour have the most councillors?", "councillors_peak",
     ["Labour had the most councillors in Great Britain in 1996: 10,929 of 22,738"]),
    ("What does UAT mean?", "definition", ['"UAT" (Type) means Unitary Authority electing by thirds']),
    ("How many Lib Dem councillors were there in 2005?", "national_councillors",
     ["The Liberal Democrats had 4,743 of the 22,044 councillors in Great Britain in 2005"]),
    ("When did Labour last have more councillors than the Tories?", "councillors_lead",
     ["last had more councillors in Great Britain than the Conservatives in 2002: 8,117 to 7,178"]),
    ("How many votes did the Greens get in Norwich in 2022?", "council_party_votes",
     ["Green Party candidates won 10,540 votes", "29.2%"]),
    ("votes in Norwich in 2022", "council_votes", ["Labour 16,336 (45.2%)"]),
    ("Who topped the poll in Kirkstall in Leeds in 2022?", "ward_result",
     ["Kirkstall ward (Leeds) elected 1 councillor", "Bithell H. (Labour) 3,346", "majority was 2,549"]),
    ("Did the Greens win Kirkstall in Leeds in 2022?", "ward_party", ["No.", "Smith V., 797 votes (16.1%)"]),
    ("How did Jo Swinson do in East Dunbartonshire in 2019?", "candidate_result",
     ["was not elected: 19,523 votes, 36.8%", "2nd of"]),
    ("How did Swinson do in East Dunbartonshire in 2019?", "candidate_result", ["Jo Swinson (Liberal Democrats)"]),
    ("When was Hartlepool declared in 2019?", "constituency_declared", ["2:20am on 13 December"]),
    ("How many spoilt ballots were there in Hartlepool in 2019?", "constituency_invalid_votes", ["119 ballot"]),
    ("Was Hartlepool a hold or a gain in 2019?", "constituency_result_label", ['"Lab hold"']),
    ("Which constituency had the lowest turnout in 2019?", "turnout_ranking", ["Kingston upon Hull East 49.3%"]),
    ("Which seats did Labour lose to the Conservatives in 2019?", "seats_changed_by_party",
     ["Labour lost 54 seats to the Conservatives", "Ashfield (Labour to Conservative)"]),
    ("How many seats changed hands in 2019?", "seats_changed", ["81 seats changed hands"]),
    ("Did Labour gain any seats from the Lib Dems in 2019?", "seats_changed_by_party", ["No.", "took no seats"]),
    ("Which five candidates got the most votes in 2017?", "candidate_ranking",
     ["The 5 candidates with the most votes", "George Howarth (Labour, Knowsley) 47,351"]),
    ("Which party gained most councils in 2022?", "control_changes_by_party", ["No overall control 18"]),
    ("How many women MPs were elected in 2019?", "mps_by_gender", ["220 women MPs were elected, of 650"]),
    ("Is the MP for Hartlepool a woman?", "constituency_gender", ["Mike Hill (Labour)", "as a man"]),
    ("What is the largest party on Brighton and Hove council?", "council_yearly",
     ["I have no election results for Brighton and Hove", "Labour 36, Green Party 8"]),
    ("Did Castle ward in Cambridge change hands in 2022?", "ward_change",
     ["Yes.", "won by Liberal Democrats in 2018, then by Labour in 2022"]),
    ("What was the turnout in Castle ward in Cambridge in 2022?", "ward_turnout",
     ["45.3% of an electorate of 4,704"]),
    ("Which ward had the lowest turnout in 2022?", "ward_turnout_ranking", ["Marfleet (Kingston upon Hull) 13.5%"]),
    ("which 3 wards in Leeds had the highest turnout in 2022", "council_ward_turnout_ranking",
     ["Wetherby (Leeds) 45.8%"]),
    ("What was Labour's vote share in Hartlepool in 2017 and 2019?", "constituency_party_votes",
     ["From 2017 to 2019 that is a change of -14.8 percentage points"]),
    ("which wards did the greens win in norwich 2022", "council_wards_won",
     ["won seats in 4 wards of Norwich", "Mancroft (1 of 1), Nelson (1 of 1), Sewell (1 of 1), Thorpe Hamlet"]),
    ("Who won each ward in Leeds in 2022?", "council_ward_winners",
     ["Leeds elected 35 councillors in 33 wards", "Kirkstall: Bithell H. (Labour)"]),
    ("Who won Kirkstall ward in Leeds in 2022? | And the other wards in that council?", "council_ward_winners",
     ["Leeds elected 35 councillors in 33 wards"]),
    ("Sunderland 2022 turnout", "council_turnout", ["33.2% over the 25 wards contested"]),
    ("Which London borough had the highest turnout in 2022?", "council_turnout_ranking",
     ["(London boroughs only)", "Richmond upon Thames 47.6%"]),
    ("How many seats did the SNP win in Scotland in 2019?", "regional_seats", ["won 48 of the 59 seats in Scotland"]),
    ("5 most marginal seats in scotland 2019", "majority_ranking",
     ["smallest majorities in Scotland", "East Dunbartonshire (Amy Callaghan"]),
    ("How many votes did Reform get in Hartlepool in 2019?", "constituency_party_votes",
     ["The Brexit Party won 10,603 votes", "renamed itself Reform UK"]),
    ("Who won Hartlepool in 2019? | How did Houghton do?", "candidate_result",
     ["Stefan Houghton (Conservative) stood in Hartlepool"]),
    ("Who won Hartlepool in 2019? | what was the turnout", "constituency_turnout", ["57.9%"]),
    ("How did Swinson do?", "candidate_result", ["Jo Swinson (Liberal Democrats) stood in East Dunbartonshire"]),
    ("How did Rees-Mogg do in 2019?", "candidate_result", ["Jacob Rees-Mogg (Conservative) stood in North East"]),
    ("did the conservatives win a majority in 2017", "national_seats",
     ["No. The Conservatives won 317 of the 650 seats", "9 short of an overall majority"]),
    ("who came third in Hartlepool in 2019", "constituency_placed",
     ["Richard Tice (Brexit Party) came 3rd of 6 candidates", "10,603 votes (25.8%)"]),
    ("How many Welsh seats did Plaid hold after the 2017 election?", "regional_seats",
     ["won 4 of the 40 seats in Wales"]),
    ("Who beat Jo Swinson in 2019?", "candidate_result",
     ["2nd of 8 candidates; Amy Callaghan (Scottish National Party) was elected"]),
    # Trafford Council's own results: by-elections of a council and of a constituency (MORE_INTENTS below)
    ("How did the 2025 Trafford by-elections go?", "council_by_elections",
     ["2 by-elections in Trafford in 2025: Broadheath (16 October 2025): Kaushik Chakraborty (Conservative) won "
      "with 1,614 votes, a majority of 636", "Trafford Council, Election results"]),
    ("Who won the Stretford and Urmston by-election?", "constituency_by_election",
     ["Andrew Howard Western (Labour) won the Stretford and Urmston by-election of 15 December 2022 with a "
      "majority of 9,906"]),
    # Open Council Data's rosters (asked of a store that holds them: MORE_INTENTS below)
    ("Who are the Green councillors on Norwich council?", "council_councillors",
     ["According to Open Council Data, 11 Green Party councillors sat on Norwich council in 2022",
      "Ben Price (Thorpe Hamlet)", "not who was elected at one election"]),
    ("Who represents Castle ward in Cambridge?", "ward_councillors",
     ["the councillors who sat for Castle ward on Cambridge council in 2022 were",
      "Cheney Payne (Liberal Democrats)"]),
    ("Who are the Labour councillors on Brighton and Hove council?", "yearly_councillors",
     ["16 Labour councillors sat on Brighton and Hove council in 2022"]),
]
# Intents that read what the public results store does not hold (conftest `more_bot`): rosters, by-elections.
MORE_INTENTS = {i.name for i in registry().intents if i.queries[0].name in (
    "councillors", "council_by_elections", "constituency_by_elections")}


def assert_intent_answers(bot: Bot, asked: str, intent: str, says: list[str]) -> None:
    """The turns (a follow-up after "| ") end in a figure from the results, by that intent, saying those words."""
    conversation = Conversation("registry")
    for question in asked.split(" | "):
        answer = bot.answer(question, conversation)
    assert answer.keys is not None and answer.keys.intent == intent, (answer.keys, answer.text)
    assert answer.route == "sql" and answer.outcome == "figure" and answer.sql, answer.text
    for words in says:
        assert words in answer.text, answer.text


@pytest.mark.parametrize(("asked", "intent", "says"), CASES, ids=[c[1] for c in CASES])
def test_each_intent_answers_its_questions_from_the_sample(asked: str, intent: str, says: list[str],
                                                           sample_bot: Bot) -> None:
    assert_intent_answers(sample_bot, asked, intent, says)


@pytest.mark.parametrize(("asked", "intent", "says"), PUBLIC_CASES, ids=[c[1] for c in PUBLIC_CASES])
def test_intents_the_sample_cannot_show_answer_from_the_public_results(asked: str, intent: str, says: list[str],
                                                                        request: pytest.FixtureRequest) -> None:
    bot = request.getfixturevalue("more_bot" if intent in MORE_INTENTS else "bot")
    assert_intent_answers(bot, asked, intent, says)


def test_every_intent_is_tried_by_a_case() -> None:
    assert {i.name for i in registry().intents} == {c[1] for c in CASES + PUBLIC_CASES}


def test_every_query_the_registry_names_exists_and_every_query_is_used() -> None:
    named = {q.name.format(kind=kind) for i in registry().intents for q in i.queries for kind in ("local", "general")}
    named |= {i.unrecorded for i in registry().intents}
    offered = {name for name in queries() if name.startswith("example_")}  # bot/examples.py runs these
    assert named - {None} == set(queries()) - offered


def test_a_party_that_stood_nowhere_is_a_fact_but_votes_the_results_lack_are_no_data(sample_bot: Bot) -> None:
    # The sample counts seats on councils, not votes: an empty vote count is not a party that stood nowhere.
    answer = sample_bot.answer("How many votes did Labour get in Trafford in 2022?")
    assert answer.outcome == "no_data" and "no vote counts for Trafford" in answer.text
    answer = sample_bot.answer("How many seats did UKIP win in Barnet in 2022?")
    assert answer.outcome == "figure" and "no candidates in Barnet" in answer.text


def test_a_form_the_results_hold_for_another_year_says_where_it_exists(bot: Bot) -> None:
    answer = bot.answer("What was the turnout in Kirkstall ward in Leeds in 2018?")
    assert answer.outcome == "no_data" and "ward turnout and electorates for 2022 only" in answer.text


def test_an_entry_naming_a_query_that_does_not_exist_is_refused_by_name() -> None:
    entry = yaml.safe_load("{intent: broken, place: council, measures: [turnout], queries: [no_such_query], "
                           "says: 'x'}")
    with pytest.raises(RegistryError, match="'broken' runs 'no_such_query'"):
        _intent(entry, _environment(""), queries())


def test_a_sentence_that_does_not_compile_is_refused_by_name() -> None:
    entry = yaml.safe_load("{intent: broken, place: council, measures: [turnout], queries: [control], "
                           "says: '{{ row.total_seats '}")
    with pytest.raises(RegistryError, match="'broken': says"):
        _intent(entry, _environment(""), queries())
