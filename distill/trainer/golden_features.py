"""Golden files for the prompt features, which the Swift engine tests against byte for byte:

- `retrieval_hint` (retrieval.py): a small index of a tool agent's training answers, and requests
  with the neighbours and hinted prompt the trainer gives them (Swift: MiniLMEmbedder + RetrievalHint);
- `recent_slots` (slot_order.py): the prompt-format golden cases (golden.py) with their slots
  renumbered by recency: prompt, head, slot table and target;
- `question_spans` (spans.py, prompt format v4): the prompt-format golden cases and a few of its own
  (multi-word values with inner punctuation, non-ASCII text, a forged pointer, a negative number)
  rendered with pointers: messages, tools, prompt, head, slot table, target, restored answer;
- `remembered_keys` (remembered_keys.py): conversations, listed keys, the memory and an answer
  before and after the fill;
- `clause_tools` (clause_tools.py): questions with the request's tools, their clauses, the tool
  texts and the tools the clauses pick (Swift: MiniLMEmbedder + ClauseTools);
- `clause_hint_tools` (hint_tools.py): questions, hints and a constant tool list with the nearest
  hint's tools, the clauses' picks and the tools an answer may call (Swift: HintTools + ClauseTools);
- `distinct_calls` (distinct_calls.py): generated answer texts and the texts the rule cuts them to;
- `distinct_slots` (distinct_slots.py): answer texts in pieces and the slot tokens the rule bans
  after each piece (the tiny specialist's tokenizer; Swift: DistinctSlots);
- `tag_slots` (tag_slots.py): conversations rendered with and without the feature, slot texts,
  an answer's target text;
- `clause_calls` (clause_calls.py): questions with the request's tools and their per-clause prompts
  and slots (none for a question of one clause);
- `call_limit` (call_limit.py): questions with their call limits, answer texts and what the rule
  cuts them to;
- `unit_exponents` (unit_exponents.py): requests with their tools, the prompt's slot texts and the
  exponent slots an answer may not write as values;
- `tag_lists` (tag_lists.py): conversations, listed arguments, the question's words per sign and
  an answer before and after the fill;
- `cue_values` (cue_values.py): conversations, listed arguments, the question's cue values and an
  answer before and after the fill;
- `shaped_values` (shaped_values.py): conversations, listed keys, the question's words per shape
  and an answer before and after the fill;
- `ordinal_items` (ordinal_items.py): conversations, listed keys, the question's ordinal, the
  latest listed tool result, and an answer before and after the fill;
- `unit_numbers` (unit_numbers.py): conversations, listed keys, the question's sole unit number
  per key and an answer before and after the fill;
- `single_calls` (single_calls.py): listed tools and answers before and after the cut;
- `chosen_calls` (chosen_calls.py): listed rules, chosen tools and answers before and after the fill;
- `named_values` (named_values.py): conversations, tools, listed arguments, the question's quoted
  spans with the keys claiming them, named numbers and an answer before and after the fill;
- `quoted_pairs` (quoted_pairs.py): conversations, listed pairs, the question's quoted spans and
  an answer before and after the fill;
- `complete_calls` (complete_calls.py): answer texts cut at max_new_tokens and the texts the rule
  leaves (the finished calls, closed);
- `copied_items` (copied_items.py): conversations, tools, listed arguments, per written item
  whether the request's texts hold it, and an answer before and after the fill;
- `previous_files` (previous_files.py): conversations, tools, listed arguments, whether the question
  names a file, and an answer before and after the fill;
- `named_calls` (named_calls.py): conversations, listed tools, word keys, which the question
  names, the named values of their required keys and an answer before and after the fill;
- `named_optional` (named_optional.py): conversations, listed arguments and an answer before and
  after the fill;
- `longest_spans` (longest_spans.py): conversations, tools, listed arguments, the user text and an
  answer before and after the fill;
- `fill_order` (evaluate.FILL_ORDER): per two fills next in the order (and named_calls with
  chosen_calls), their listings, a conversation, `tool_choice`'s choice where chosen_calls reads
  it, and an answer before and after the whole chain;
- `sibling_calls` (sibling_calls.py): requests with their tools, the prompt's slot texts and
  candidates, the context size, call_limit listed or not and an answer before and after the
  expansion;

    python -m distill.trainer.golden_features --out distill/trainer/tests/golden
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import numpy as np

from .dataset import Example
from .call_limit import cut as cut_to_limit, limit
from .complete_calls import keep_complete
from .distinct_calls import cut_repeats
from .distinct_slots import SlotMemory
from .golden import CASE_TOOLS, golden_cases
from .hint_tools import allowed_tools, nearest_tools
from .population import message_texts
from .prompt import RESPONSE_HEAD, call_head, parse_response, render_prompt, render_target
from .clause_calls import clause_prompts
from .clause_tools import best_score, clauses, picked_tools, tool_text
from .remembered_keys import fill, memory
from .retrieval import HINT, Embedder, RetrievalIndex, query_text, with_hint
from .slot_order import renumber_by_recency
from .slots import restore_response
from .unit_exponents import exponent_slots, user_text
from . import (chosen_calls, copied_items, cue_values, longest_spans, named_calls, named_optional, named_values, previous_files, quoted_pairs,
               ordinal_items, shaped_values, sibling_calls, single_calls, tag_lists, unit_numbers)
from .evaluate import FILL_ORDER, filled

K = 2


def _call(name: str, **arguments) -> dict:
    return {"name": name, "arguments": arguments}


def _answer(*calls: dict) -> dict:
    return {"content": None, "tool_calls": list(calls)}


TRAINING = [
    ("Book a flight from JFK to LAX on 2026-08-10.", _answer(_call("book_flight", travel_from="JFK", travel_to="LAX"))),
    ("Reserve a plane ticket to Paris for next Friday.", _answer(_call("book_flight", travel_to="Paris"))),
    ("Cancel my booking 3426812, plans changed.", _answer(_call("cancel_booking", booking_id="3426812"))),
    ("Please call off reservation BK77.", _answer(_call("cancel_booking", booking_id="BK77"))),
    ("What is the nearest airport to Crescent Hollow?", _answer(_call("get_nearest_airport_by_city",
                                                                       location="Crescent Hollow"))),
    ("Which airports are around Rivermist and Stonebrook?",
     _answer(_call("get_nearest_airport_by_city", location="Rivermist"),
             _call("get_nearest_airport_by_city", location="Stonebrook"))),
    ("Set my travel budget to 1500 dollars.", _answer(_call("set_budget_limit", budget_limit=1500))),
    ("Thanks, that is all for today!", {"content": "Glad to help.", "tool_calls": []}),
]

REQUESTS = [
    ("plane_ticket", [{"role": "user", "content": "I need a flight ticket from ORD to Boston tomorrow."}]),
    ("cancel_after_history", [
        {"role": "user", "content": "Book a flight from JFK to LAX."},
        {"role": "assistant", "content": None, "tool_calls": [_call("book_flight", travel_from="JFK", travel_to="LAX")]},
        {"role": "tool", "content": '{"booking_id": "5431449", "booking_status": true}'},
        {"role": "user", "content": "Actually, drop that reservation 5431449 please."}]),
    ("airports_unicode", [{"role": "user", "content": "Aéroports près de Zoë's town «Rivermist»?"}]),
    ("no_user_message", [{"role": "tool", "content": "nothing"}]),
]


def write_retrieval_goldens(out: Path) -> Path:
    out.mkdir(parents=True, exist_ok=True)
    examples = [Example(f"train{i}", [{"role": "user", "content": text}], target)
                for i, (text, target) in enumerate(TRAINING)]
    embedder = Embedder()
    index = RetrievalIndex.build(examples, embedder, K)
    index.save(out)
    cases = []
    for name, messages in REQUESTS:
        query = embedder.embed([query_text(messages)])[0]
        scores = (index.embeddings.astype(np.float64) * query.astype(np.float64)).sum(axis=1)
        neighbours = index.neighbours(query)
        # A golden case must not hinge on a near tie another implementation could flip.
        ranked = sorted(scores, reverse=True)
        gap = min(abs(a - b) for a, b in zip(ranked, ranked[1:]))
        if gap < 1e-3:
            raise ValueError(f"golden request {name}: two neighbours score within {gap:.1e}; pick another text")
        prompt = with_hint(render_prompt(messages), index.hint(query))
        cases.append({"name": name, "messages": messages, "query": query_text(messages),
                      "neighbours": neighbours, "prompt_text": prompt.text})
    path = out / "cases.jsonl"
    path.write_text("".join(json.dumps(c, ensure_ascii=False) + "\n" for c in cases), encoding="utf-8")
    return path


def recent_slots_cases() -> list[dict]:
    cases = []
    for case in golden_cases():
        prompt = renumber_by_recency(render_prompt(case["messages"], 64, case.get("request_tools")))
        cases.append({"name": case["name"], "prompt_text": prompt.text, "prompt_head": prompt.head,
                      "slots": prompt.slots.to_json(), "target_text": render_target(case["target"], prompt)})
    return cases


def write_recent_slots_goldens(out: Path) -> Path:
    path = out / "recent_slots.jsonl"
    path.write_text("".join(json.dumps(c, ensure_ascii=False) + "\n" for c in recent_slots_cases()), encoding="utf-8")
    return path


SPAN_TOOLS = [{"name": "weather", "parameters": {"type": "object", "properties": {
    "city": {"type": "string"}, "days": {"type": "integer"}, "offset": {"type": "number"},
    "unit": {"type": "string", "enum": ["celsius", "fahrenheit"]}}, "required": ["city"]}}]


def question_span_inputs() -> list[dict]:
    """The prompt-format cases plus inputs that pin the pointer rules."""
    own = [
        {"name": "spans_multi_word_values",
         "messages": [{"role": "user", "content": "Weather in New York, USA for 3 days in celsius, and in São Paulo?"}],
         "request_tools": SPAN_TOOLS,
         "target": {"content": None, "tool_calls": [
             {"name": "weather", "arguments": {"city": "New York, USA", "days": 3, "unit": "celsius"}},
             {"name": "weather", "arguments": {"city": "São Paulo", "days": 3}}]}},
        {"name": "spans_forged_pointer_and_negative_number",
         "messages": [{"role": "user", "content": "City <W3> at offset -2.5 please:\tLos  Angeles"}],
         "request_tools": SPAN_TOOLS,
         "target": {"content": None, "tool_calls": [
             {"name": "weather", "arguments": {"city": "Los  Angeles", "offset": -2.5, "days": 7}}]}},
    ]
    return golden_cases() + own


def question_spans_cases() -> list[dict]:
    cases = []
    for case in question_span_inputs():
        tools = case.get("request_tools")
        prompt = render_prompt(case["messages"], 64, tools, question_spans=True)
        target_text = render_target(case["target"], prompt)
        restored = restore_response(parse_response(target_text), prompt.slots, tools or CASE_TOOLS)
        cases.append({"name": case["name"], "messages": case["messages"], "target": case["target"],
                      "tools": tools or CASE_TOOLS, "request_tools": tools, "prompt_text": prompt.text,
                      "prompt_head": prompt.head, "slots": prompt.slots.to_json(), "target_text": target_text,
                      "restored": restored})
    return cases


def write_jsonl(path: Path, cases: list[dict]) -> Path:
    path.write_text("".join(json.dumps(c, ensure_ascii=False) + "\n" for c in cases), encoding="utf-8")
    return path


def write_question_spans_goldens(out: Path) -> Path:
    return write_jsonl(out / "question_spans.jsonl", question_spans_cases())


TRAVEL_TOOLS = [
    {"name": "cancel_booking", "parameters": {"type": "object", "properties": {
        "access_token": {"type": "string"}, "booking_id": {"type": "string"}}, "required": ["access_token", "booking_id"]}},
    {"name": "set_budget_limit", "parameters": {"type": "object", "properties": {
        "access_token": {"type": "string"}, "budget_limit": {"type": "number"}, "nights": {"type": "integer"}},
        "required": ["access_token", "budget_limit"]}},
]


def remembered_keys_inputs() -> list[dict]:
    """Conversations whose memory and fill pin the rule: nested and array values, a later value
    replacing an earlier one, numbers typed by the schema, keys not listed or not written."""
    login = {"role": "tool", "content": '{"status": "ok", "token": {"access_token": "abc123", "expires": 3600}}'}
    return [
        {"name": "token_and_booking_from_earlier_turns", "keys": ["access_token", "booking_id"],
         "messages": [
             {"role": "user", "content": "Log me in, then book a flight from JFK to LAX."}, login,
             {"role": "assistant", "content": None, "tool_calls": [_call("book_flight", access_token="abc123",
                                                                         travel_from="JFK", travel_to="LAX")]},
             {"role": "tool", "content": '{"booking_id": "3426812", "transaction_id": "45451592"}'},
             {"role": "user", "content": "Cancel it please, order 99 was another one."}],
         "response": _answer(_call("cancel_booking", access_token="JFK", booking_id="45451592"))},
        {"name": "later_value_wins_and_numbers_are_typed", "keys": ["access_token", "budget_limit", "nights"],
         "messages": [
             login,
             {"role": "tool", "content": '[{"access_token": "zz9", "budget_limit": 1500.50}, {"nights": [3, "4"]}]'},
             {"role": "assistant", "content": "Done.", "tool_calls": []},
             {"role": "tool", "content": "not json: access_token=oops"},
             {"role": "user", "content": "Set the budget."}],
         "response": _answer(_call("set_budget_limit", access_token="abc123", budget_limit=12, nights=1),
                             _call("unknown_tool", budget_limit="x"))},
        {"name": "values_the_question_names_are_overwritten_too", "keys": ["travel_from", "budget_limit", "access_token"],
         "messages": [
             {"role": "assistant", "content": None, "tool_calls": [_call("book_flight", access_token="abc123",
                                                                         travel_from="JFK", budget_limit=1500)]},
             {"role": "user", "content": "Fly from SFO instead, budget 900.0, same SFO2 token."}],
         "response": _answer(_call("book_flight", travel_from="SFO", budget_limit=900, access_token="SFO"),
                             _call("set_budget_limit", access_token="abc", budget_limit=90))},
        {"name": "unlisted_or_unwritten_keys_stay", "keys": ["booking_id"],
         "messages": [{"role": "tool", "content": '{"access_token": "abc123", "booking_id": 77}'},
                      {"role": "user", "content": "Which token?"}],
         "response": _answer(_call("set_budget_limit", access_token="mine", budget_limit=5))},
        {"name": "text_answer_and_empty_memory", "keys": ["access_token"],
         "messages": [{"role": "user", "content": "Hello"}],
         "response": {"content": "Hi!", "tool_calls": []}},
    ]


def remembered_keys_cases() -> list[dict]:
    cases = []
    for case in remembered_keys_inputs():
        remembered = memory(case["messages"])
        cases.append({**case, "tools": TRAVEL_TOOLS,
                      "memory": {key: [slot.text, slot.kind] for key, slot in sorted(remembered.items())},
                      "filled": fill(case["response"], case["messages"], case["keys"], TRAVEL_TOOLS)})
    return cases


def write_remembered_keys_goldens(out: Path) -> Path:
    return write_jsonl(out / "remembered_keys.jsonl", remembered_keys_cases())


def _tool(name: str, description: str) -> dict:
    return {"name": name, "description": description, "parameters": {"type": "object", "properties": {}}}


CLAUSE_TOOL_INPUTS = [
    ("one_clause_picks_one", "Calculate the capacitance of a parallel plate capacitor with an area of 10 square "
     "meters and a distance of 0.01 meters.",
     [_tool("calculate_final_velocity", "Calculate the final velocity of a free falling object."),
      _tool("electromagnetism.calculate_capacitance", "Calculate the capacitance of a parallel plate capacitor."),
      _tool("weather_forecast", "Weather forecast of a city for some days.")]),
    ("each_clause_picks_its_nearest", "What is the weather in Paris for 3 days? Also, find me a Thai restaurant in Berlin, "
     "then tell me the capacitance of a plate capacitor.",
     [_tool("weather_forecast", "Weather forecast of a city for some days."),
      _tool("restaurant_search", "Find restaurants by cuisine and location."),
      _tool("get_time", "The local time of a city.")]),
    ("short_clauses_dropped_tabs_and_unicode", "Hi.\tConvert 5 USD to EUR;  then  ok. Zoë's café opening "
     "hours in Zürich, lastly",
     [_tool("currency_convert", "Convert an amount between currencies."),
      _tool("place_hours", "Opening hours of a shop or restaurant.")]),
    ("single_tool_restricts_nothing", "Weather in Rome?", [_tool("weather_forecast", "Weather of a city.")]),
    ("no_words", " \n ", [_tool("a_tool", "One."), _tool("b_tool", "Two.")]),
]


def _check_no_near_tie(name: str, question: str, tools: list[dict], embedder: Embedder) -> None:
    """A golden case must not hinge on a near tie another implementation could flip."""
    parts = clauses(question)
    if len(tools) >= 2 and parts:
        scores = (np.asarray(embedder.embed([tool_text(t) for t in tools]), dtype=np.float64)
                  @ np.asarray(embedder.embed(parts), dtype=np.float64).T)
        for column in scores.T:
            ranked = sorted(column, reverse=True)
            if ranked[0] - ranked[1] < 1e-3:
                raise ValueError(f"golden question {name}: two tools score within {ranked[0] - ranked[1]:.1e}")


def clause_tools_cases() -> list[dict]:
    embedder = Embedder()
    cases = []
    for name, question, tools in CLAUSE_TOOL_INPUTS:
        parts = clauses(question)
        _check_no_near_tie(name, question, tools, embedder)
        cases.append({"name": name, "question": question, "tools": tools, "clauses": parts,
                      "tool_texts": [tool_text(t) for t in tools],
                      "picked": picked_tools(question, tools, embedder.embed),
                      "best_score": best_score(question, tools, embedder.embed)})
    return cases


def write_clause_tools_goldens(out: Path) -> Path:
    return write_jsonl(out / "clause_tools.jsonl", clause_tools_cases())


_TRADING_TOOLS = [
    _tool("add_to_watchlist", "Add a stock to the watchlist."),
    _tool("cancel_order", "Cancel an order."),
    _tool("get_order_details", "Retrieve the details of an order."),
    _tool("remove_stock_from_watchlist", "Remove a stock from the watchlist."),
    _tool("get_stock_info", "Get the details of a stock."),
]
CLAUSE_HINT_TOOL_INPUTS = [
    ("clauses_add_a_tool_the_hint_lacks", "Could we eliminate BDX from my observed list?",
     call_head("add_to_watchlist"), _TRADING_TOOLS),
    ("clauses_join_the_nearest_hint_only", "Let's scrap that order. Then bring up the details of stock ZETA.",
     call_head("get_stock_info") + HINT + call_head("cancel_order"),
     _TRADING_TOOLS),
    ("text_neighbour_restricts_nothing", "Cancel my order now, please.", "", _TRADING_TOOLS),
    ("no_words_keeps_the_hint", " \n ", call_head("cancel_order"), _TRADING_TOOLS),
]


def clause_hint_tools_cases() -> list[dict]:
    """`clause_hint_tools`: the nearest hint's tools joined by the clauses' picks (hint_tools.py).
    `hint` is the prompt's hint text after the first `<|hint|>` (the nearest neighbour's first)."""
    embedder = Embedder()
    cases = []
    for name, question, hint, tools in CLAUSE_HINT_TOOL_INPUTS:
        _check_no_near_tie(name, question, tools, embedder)
        names = [t["name"] for t in tools]
        picked = picked_tools(question, tools, embedder.embed)
        cases.append({"name": name, "question": question, "hint": HINT + hint, "tools": tools,
                      "nearest": nearest_tools(HINT + hint, names), "picked": picked,
                      "allowed": allowed_tools(HINT + hint, names, picked)})
    return cases


def write_clause_hint_tools_goldens(out: Path) -> Path:
    return write_jsonl(out / "clause_hint_tools.jsonl", clause_hint_tools_cases())


_WEATHER = {"name": "weather_forecast", "description": "Weather of a city.", "parameters": {
    "type": "object", "properties": {"city": {"type": "string"}, "days": {"type": "integer"}}, "required": ["city"]}}
_BOOK = {"name": "book_table", "description": "Book a restaurant.", "parameters": {
    "type": "object", "properties": {"place": {"type": "string"}, "people": {"type": "integer"}}, "required": ["place"]}}
CLAUSE_CALL_INPUTS = [
    ("clauses_keep_the_question_slots", "What is the weather in Paris for 3 days? Also, book 'Luigi' for 4, "
     "then the weather in New York for 5 days.", [_WEATHER, _BOOK]),
    # a forged marker is escaped; a quote with a tab in it is another text once the clause's words
    # are joined by spaces: the clause's copy of the table gets a new slot
    ("escapes_and_a_new_slot", "Weather in Tokyo for 2 days <|user|> too; "
     "lastly, book 'Chez\tZoë' for 2.", [_WEATHER, _BOOK]),
    ("one_clause_is_answered_whole", "Weather in Paris and Rome for 3 days.", [_WEATHER, _BOOK]),
]


def clause_calls_cases() -> list[dict]:
    """Per-clause prompts (prompt feature clause_calls) and their slots; none for one clause."""
    cases = []
    for name, question, tools in CLAUSE_CALL_INPUTS:
        messages = [{"role": "user", "content": question}]
        prompts = clause_prompts(render_prompt(messages, 64, tools), question)
        cases.append({"name": name, "messages": messages, "tools": tools,
                      "prompts": [p.text for p in prompts],
                      "slots": [[slot.text for slot in p.slots.slots] for p in prompts]})
    return cases


def write_clause_calls_goldens(out: Path) -> Path:
    return write_jsonl(out / "clause_calls.jsonl", clause_calls_cases())


def distinct_calls_cases() -> list[dict]:
    """Answer texts as a specialist generates them (slot tokens, cut at max_new_tokens) and what
    the rule leaves: a repeat ends the answer; braces, brackets and escaped quotes inside strings
    do not end a call; different slots are different values; text answers stay."""
    head = RESPONSE_HEAD
    ls = '{"name":"ls","arguments":{"a":true}}'
    texts = {
        "repeat_after_one_call": head + ",".join([ls] * 4) + "]}",
        "cut_at_max_tokens_after_repeats": head + ",".join([ls] * 3) + ',{"name":"ls","argu',
        "different_slots_differ_then_repeat": head + ",".join(
            '{"name":"cat","arguments":{"file_name":<S%d>}}' % k for k in (2, 0, 2, 0)) + "]}",
        "strings_with_braces_and_escaped_quotes": head + ",".join([
            '{"name":"echo","arguments":{"content":"a } ] \\\" {[","file_name":<S1>}}',
            '{"name":"echo","arguments":{"content":"a } ] \\\" {[","file_name":<S0>}}',
            '{"name":"echo","arguments":{"content":"a } ] \\\" {[","file_name":<S1>}}']) + "]}",
        "nested_arguments_and_non_ascii": head + ",".join([
            '{"name":"lockDoors","arguments":{"door":["driver","passenger"],"unlock":false}}',
            '{"name":"post","arguments":{"content":"Grüße 🚗","tags":[{"t":"#a"}]}}',
            '{"name":"post","arguments":{"content":"Grüße 🚗","tags":[{"t":"#a"}]}}']) + "]}",
        "no_repeat_stays": head + ls + ',{"name":"cd","arguments":{"folder":".."}}]}',
        "cut_without_repeat_stays": head + ls + ',{"name":"cd","arguments":{"folder":"..',
        "text_answer_stays": '{"content":"Done.","tool_calls":[]}',
        "content_before_calls_stays": '{"content":"ok","tool_calls":[' + ls + "," + ls + "]}",
    }
    return [{"name": name, "text": text, "cut": cut_repeats(text)} for name, text in texts.items()]


def complete_calls_cases() -> list[dict]:
    """Answer texts as a specialist generates them (slot tokens, cut at max_new_tokens) and what
    `complete_calls` leaves: a cut answer keeps its finished calls, closed (braces and escaped
    quotes inside strings and nested objects do not finish a call); a finished answer, a cut
    answer without a finished call and a text answer stay."""
    head = RESPONSE_HEAD
    login = '{"name":"ticket_login","arguments":{"password":<S0>,"username":<S1>}}'
    create = '{"name":"create_ticket","arguments":{"description":"a } ] \\" {[","priority":5,"title":<S2>}}'
    texts = {
        "cut_inside_the_second_call": head + login + "," + create + ',{"name":"create_ticket","arguments":{"descr',
        "cut_after_a_comma": head + login + ",",
        "cut_inside_a_string_with_braces": head + login + ',{"name":"create_ticket","arguments":{"title":"a } ]',
        "cut_inside_nested_arguments": head + '{"name":"lockDoors","arguments":{"door":["driver"],"unlock":false}}'
                                       + ',{"name":"lockDoors","arguments":{"door":["driver",',
        "cut_before_the_close": head + login + "]",
        "finished_answer_stays": head + login + "," + create + "]}",
        "cut_without_a_finished_call_stays": head + '{"name":"ticket_login","arguments":{"pass',
        "text_answer_stays": '{"content":"Done.","tool_calls":[]}',
        "cut_text_answer_stays": '{"content":"Before I do that, I need one more de',
        # a string ending in an escaped backslash ("a\\") closes at its next quote
        "cut_after_a_string_ending_in_a_backslash": head + '{"name":"create_ticket","arguments":{"title":"a\\\\"}}'
                                                    + ',{"name":"ticket_login","arguments":{"pass',
        # content before the calls: not the response head, so the cut answer stays
        "cut_answer_with_content_stays": '{"content":"x","tool_calls":[' + login + ',{"name":"ticket_lo',
    }
    return [{"name": name, "text": text, "cut": keep_complete(text)} for name, text in texts.items()]


def call_limit_cases() -> list[dict]:
    """Questions and answer texts as a specialist generates them, with the question's limit and
    what the rule leaves: calls past the limit dropped (complete or cut by max_new_tokens); an
    answer within it, a text answer, content before the calls and a question without words stay;
    separators inside words (`Oregon`, `band`) do not count."""
    head = RESPONSE_HEAD
    call = '{"name":<S%d>,"arguments":{"<S%d>":<S%d>}}'
    two = head + call % (2, 3, 0) + "," + call % (2, 3, 1) + "]}"
    texts = [
        ("one_part_question_keeps_one_call", "Find all the major achievements of the footballer Lionel Messi.", two),
        ("a_list_asks_for_more", "What is the price of gold, silver and platinum?", two),
        ("or_counts", "Is it warmer in Oregon or Texas today?", two),
        ("clauses_count", "Get the weather in Paris. Then book a band for Friday.", two),
        ("cut_at_max_tokens_past_the_limit", "Find the band of Oregon.", head + call % (2, 3, 0) + ',{"name":<S2>,"argu'),
        ("string_with_braces_and_comma", "Echo it now please.", head + '{"name":<S1>,"arguments":{"<S2>":"a },{ ]"}}'
         + "," + call % (1, 2, 0) + "]}"),
        ("within_the_limit_stays", "Find the band of Oregon.", head + call % (2, 3, 0) + "]}"),
        ("text_answer_stays", "Find the band of Oregon.", '{"content":"Done.","tool_calls":[]}'),
        ("content_before_calls_stays", "Find the band of Oregon.", '{"content":"ok","tool_calls":[' + call % (2, 3, 0)
         + "," + call % (2, 3, 1) + "]}"),
        ("no_words_stays", " \n ", two),
    ]
    return [{"name": name, "question": question, "limit": limit(question), "text": text,
             "cut": cut_to_limit(text, question)} for name, question, text in texts]


def write_call_limit_goldens(out: Path) -> Path:
    return write_jsonl(out / "call_limit.jsonl", call_limit_cases())


def unit_exponents_cases() -> list[dict]:
    """Requests whose user text writes numbers as units' exponents next to the same digits written
    as values, inside longer numbers (`20`, `1.2`), inside words (`H2O`), a negative exponent, a
    second user message, a number or `^` at the very start, a decimal exponent (`^0.5`), `**2`
    (no exponent: only `^` counts), non-ASCII neighbours (`m/s²`, `é2`) and the `2` of `2.5` (an
    occurrence: a following `.` is allowed)."""
    tool = {"name": "kinematics", "parameters": {"type": "object", "properties": {
        "acceleration": {"type": "number"}, "time": {"type": "number"}}, "required": ["acceleration", "time"]}}
    questions = [
        ("exponent_only", ["Final velocity at 5 m/s^2 after 6 seconds."]),
        ("also_a_value", ["Area of 2 plates of 3 m^2 each, 2 times."]),
        ("digits_inside_longer_numbers", ["Start at 20 m/s, 1.2 km, accelerate at 5 m/s^2."]),
        ("digit_inside_a_word", ["Heat 3 kg of H2O at 4 m/s^2."]),
        ("negative_exponent", ["Permittivity 8.854 x 10^-12 F/m between 5 and 10 coulombs."]),
        ("second_user_message", ["Accelerate at 9.8 m/s^2.", "Now for 2 seconds."]),
        ("no_exponent", ["Accelerate at 5 for 6 seconds."]),
        ("number_at_the_start", ["2 seconds at 5 m/s^2."]),
        ("caret_at_the_start", ["^2 of 5 m/s after 7 seconds."]),
        ("decimal_exponent", ["Root law: 4 m^0.5 after 9 seconds."]),
        ("double_star_power", ["Accelerate at 5 m/s**2 for 6 seconds."]),
        ("non_ascii_neighbours", ["Accelerate at 5 m/s² for 6 seconds, then é2 at 3 m/s^2."]),
        ("digit_before_a_decimal_point", ["Accelerate at 2.5 m/s^2 for 8 seconds."]),
    ]
    cases = []
    for name, texts in questions:
        messages = [{"role": "user", "content": text} for text in texts]
        table = render_prompt(messages, tools=[tool]).slots
        cases.append({"name": name, "messages": messages, "tools": [tool],
                      "slots": [slot.text for slot in table.slots],
                      "exponent_slots": exponent_slots(table, user_text(messages))})
    return cases


def write_unit_exponents_goldens(out: Path) -> Path:
    return write_jsonl(out / "unit_exponents.jsonl", unit_exponents_cases())


def tag_slots_cases() -> list[dict]:
    """`#word` / `@word` next to what must stay as it was: e-mail addresses, quoted handles,
    `C#`, a lone or doubled sign, words with digits, tool results and earlier calls. Targets keep
    their arguments' keys sorted, as restored answers have them."""
    user = ("Post 'Road trip!' with hashtags #RoadTrip #Adventure, #2024Goals and mention @TravelBuddy; "
            "mail john@x.com, not C# or ## or #, and not Trip##x. Then tag@home, '@Quoted' and \"#Dq\".")
    cases = [
        ("hashtags_mentions_and_neighbours", [{"role": "user", "content": user}],
         _answer(_call("post_tweet", content="Road trip!", mentions=["@TravelBuddy"],
                       tags=["#RoadTrip", "#Adventure", "#2024Goals"]))),
        ("tool_results_and_history", [
            {"role": "user", "content": "Tweet #Hello to @amy."},
            {"role": "assistant", "content": None, "tool_calls": [_call("post_tweet", content="#Hello",
                                                                        mentions=["@amy"])]},
            {"role": "tool", "content": '{"id": 10, "tags": ["#Hello"], "mentions": ["@amy"]}'},
            {"role": "user", "content": "Now mention @bob_2 on tweet 10 with #Hello again (non-ASCII: #Grüße)."}],
         _answer(_call("mention", mentioned_usernames=["@bob_2"], tweet_id=10))),
    ]
    out = []
    for name, messages, target in cases:
        prompt = render_prompt(messages, 64, None, tag_slots=True)
        out.append({"name": name, "messages": messages, "prompt_text": prompt.text,
                    "slots": [slot.text for slot in prompt.slots.slots],
                    "prompt_text_without": render_prompt(messages).text, "target": target,
                    "target_text": render_target(target, prompt)})
    return out


def write_tag_slots_goldens(out: Path) -> Path:
    return write_jsonl(out / "tag_slots.jsonl", tag_slots_cases())


DISTINCT_SLOTS_TEXTS = {
    # One value slot per argument; the second argument may not take the first's slot.
    "second_argument_other_slot": [RESPONSE_HEAD, '{"name":"book_table","arguments":{"date":', "<S0>",
                                   ',"people":', "<S1>", "}}]}"],
    # A new call (its head an added token) may write the slots again.
    "new_call_frees_the_slots": [RESPONSE_HEAD, '{"name":"cancel_booking","arguments":{"booking_id":', "<S2>",
                                 "}},", '{"name":"rate_visit","arguments":{"booking_id":', "<S2>", "}}]}"],
    # `{"name":` written in ordinary pieces starts a call too; a slot inside a string value counts.
    "call_start_from_pieces": [RESPONSE_HEAD, '{"na', 'me":"x","arguments":{"a":"', "<S3>", '","b":[', "<S4>",
                               "]},", '{"name":', '"y","arguments":{"a":', "<S3>", "}}]}"],
}


def distinct_slots_cases(tokenizer_dir: Path) -> list[dict]:
    """`distinct_slots`: answer texts as pieces, each piece tokenized by the tiny specialist's
    tokenizer and fed to the rule token by token; after each piece, the slot tokens the rule bans.
    The Swift engine feeds the same pieces through its tokenizer and `DistinctSlots`."""
    from transformers import PreTrainedTokenizerFast

    tokenizer = PreTrainedTokenizerFast.from_pretrained(str(tokenizer_dir))
    cases = []
    for name, pieces in DISTINCT_SLOTS_TEXTS.items():
        memory, banned = SlotMemory(tokenizer), []
        for piece in pieces:
            for token in tokenizer.backend_tokenizer.encode(piece, add_special_tokens=False).ids:
                memory.accept(token)
            banned.append([tokenizer.convert_ids_to_tokens(i) for i in memory.banned])
        cases.append({"name": name, "pieces": pieces, "banned": banned})
    return cases


def write_distinct_slots_goldens(out: Path) -> Path:
    return write_jsonl(out / "distinct_slots.jsonl", distinct_slots_cases(out / "tiny-specialist"))


POSTING_RULES = [{"tool": "post_tweet", "key": "tags", "sign": "#"},
                 {"tool": "post_tweet", "key": "mentions", "sign": "@"}]


def _ending_with_a_login_result(question: str) -> list[dict]:
    """A request ending with a tool result: no user turn follows the last answer with calls."""
    return [{"role": "user", "content": question},
            {"role": "assistant", "content": None,
             "tool_calls": [_call("authenticate_twitter", username="u", password="p")]},
            {"role": "tool", "content": '{"authentication_status": true}'}]


def tag_lists_inputs() -> list[dict]:
    """Conversations whose fill pins the rule: words added or replaced, only in calls to the
    listed tool, only from the user turns since the last answer with calls (a clarification's turn
    too), signs apart, e-mails and `C#` no words."""
    tweet = lambda **arguments: _call("post_tweet", **arguments)  # noqa: E731
    return [
        {"name": "tags_added_after_the_written_arguments",
         "messages": [{"role": "user", "content": "Tweet 'Off we go!' #RoadTrip #Adventure and tag @TravelBuddy."}],
         "response": _answer(tweet(content="Off we go!"), _call("comment", tweet_id=1, comment_content="#x"))},
        {"name": "written_lists_replaced_in_place",
         "messages": [{"role": "user", "content": "Use '#Travel, #PlansChanged' please; write to john@x.com in C#."}],
         "response": _answer(tweet(tags=["#Travel"], content="Plans", mentions=["@nobody"]))},
        {"name": "the_turns_since_the_last_answer_with_calls_count",
         "messages": [{"role": "user", "content": "Post it with #Old and @old_friend."},
                      {"role": "assistant", "content": "Which text?", "tool_calls": []},
                      {"role": "user", "content": "The text is 'Hi'. Add ##double and #_under @9nine."}],
         "response": _answer(tweet(content="Hi", tags=["#Old"]), tweet(content="Hi again"))},
        {"name": "no_words_nothing_changes",
         "messages": [{"role": "user", "content": "Post 'Quiet day' with no hashtags."}],
         "response": _answer(tweet(content="Quiet day", tags=["#model"]))},
        {"name": "turns_before_the_last_answer_with_calls_do_not_count",
         "messages": [{"role": "user", "content": "Post 'Hi' with #Old."},
                      {"role": "assistant", "content": None, "tool_calls": [tweet(content="Hi", tags=["#Old"])]},
                      {"role": "user", "content": "Now post 'Again' with #New."}],
         "response": _answer(tweet(content="Again", tags=["#x"]))},
        {"name": "text_answer",
         "messages": [{"role": "user", "content": "#Hello @there"}],
         "response": {"content": "Hi!", "tool_calls": []}},
        # no user turn since the last answer with calls: the question before it still counts
        {"name": "a_request_ending_with_tool_results_reads_the_question",
         "messages": _ending_with_a_login_result("Log in, then post 'Hi' with #RoadTrip for @pal."),
         "response": _answer(tweet(content="Hi"))},
    ]


def tag_lists_cases() -> list[dict]:
    cases = []
    for case in tag_lists_inputs():
        question = named_optional.user_text(case["messages"])
        cases.append({**case, "arguments": POSTING_RULES,
                      "words": {sign: tag_lists.words(question, sign) for sign in tag_lists.SIGNS},
                      "filled": tag_lists.fill(case["response"], case["messages"], POSTING_RULES)})
    return cases


def write_tag_lists_goldens(out: Path) -> Path:
    return write_jsonl(out / "tag_lists.jsonl", tag_lists_cases())


CUE_RULES = [{"tool": "book_flight", "key": "card_id", "cue": "id"},
             {"tool": "set_budget_limit", "key": "budget_limit", "cue": "limit"}]


def cue_values_inputs() -> list[dict]:
    """Conversations whose fill pins the rule: the first cue in either case, 1-3 separators, numbers
    typed by the schema and written as JSON text, values that do not end a word, a written value
    the cue names later kept, a cue glued to a word or followed by too many separators, keys not
    written, calls to other tools."""
    return [
        {"name": "first_cue_value_after_separators",
         "messages": [{"role": "user", "content": "Book it with card ID='card_3456', not id 99."}],
         "response": _answer(_call("book_flight", access_token="t", card_id="2026", travel_from="JFK"),
                             _call("cancel_booking", access_token="t", booking_id="id"))},
        {"name": "number_typed_by_the_schema",
         "messages": [{"role": "user", "content": "Set a LIMIT: 1500 please, card id 1432."}],
         "response": _answer(_call("set_budget_limit", access_token="t", budget_limit=15),
                             _call("book_flight", access_token="t", travel_from="JFK"))},
        {"name": "numbers_written_as_json_text",
         "messages": [{"role": "user", "content": "Raise the limit 007 now."}],
         "response": _answer(_call("set_budget_limit", access_token="t", budget_limit=15),
                             _call("set_budget_limit", access_token="t", budget_limit=16))},
        {"name": "negative_zero_written_as_zero",
         "messages": [{"role": "user", "content": "Set limit -0 for the test."}],
         "response": _answer(_call("set_budget_limit", access_token="t", budget_limit=15))},
        {"name": "values_cut_short_are_no_cue_values",
         "messages": [{"role": "user", "content": "Set the limit 1500.50 and pay with card id john@x.com at 19:30."}],
         "response": _answer(_call("set_budget_limit", access_token="t", budget_limit=1500.5),
                             _call("book_flight", access_token="t", card_id="john@x.com"))},
        {"name": "a_value_the_cue_names_later_is_kept",
         "messages": [{"role": "user", "content": "Not card id 1432: use id 9876, or id 5555 (limit 20.0)."}],
         "response": _answer(_call("book_flight", access_token="t", card_id="9876"),
                             _call("book_flight", access_token="t", card_id="2026"),
                             _call("set_budget_limit", access_token="t", budget_limit=20))},
        {"name": "glued_or_far_cues_do_not_count",
         "messages": [{"role": "user", "content": "My paid 42 and valid card; id  :  'x1' here."}],
         "response": _answer(_call("book_flight", access_token="t", card_id="c7"))},
        {"name": "only_the_last_user_message_counts",
         "messages": [{"role": "user", "content": "Card id 555."},
                      {"role": "assistant", "content": "Which flight?", "tool_calls": []},
                      {"role": "user", "content": "The one to LAX."}],
         "response": _answer(_call("book_flight", access_token="t", card_id="c7"))},
    ]


def cue_values_cases() -> list[dict]:
    cases = []
    for case in cue_values_inputs():
        question = query_text(case["messages"])
        cases.append({**case, "arguments": CUE_RULES, "tools": TRAVEL_TOOLS,
                      "values": {rule["cue"]: cue_values.cue_value(question, rule["cue"]) for rule in CUE_RULES},
                      "filled": cue_values.fill(case["response"], case["messages"], CUE_RULES, TRAVEL_TOOLS)})
    return cases


def write_cue_values_goldens(out: Path) -> Path:
    return write_jsonl(out / "cue_values.jsonl", cue_values_cases())


SHAPE_RULES = [{"key": "symbol", "shape": "capitals"}, {"key": "budget_limit", "shape": "dollars"},
               {"key": "nights", "shape": "dollars"}]
SHAPE_TOOLS = TRAVEL_TOOLS + [{"name": "get_stock_info", "parameters": {"type": "object", "properties": {
    "symbol": {"type": "string"}}, "required": ["symbol"]}}]


def shaped_values_inputs() -> list[dict]:
    """Conversations whose fill pins the rule: a bare or quoted capitals word, one word written
    twice, two different words (no fill), words that are no capitals ("Zeta", "iOS", "X", "3M",
    "NVDA_2", and parts of "MÜNCHEN", "X-RAY", "COVID-19", "BRK.B"), dollar amounts with thousands
    commas typed by the schema (a number; an integer key keeps its written value), amounts equal in
    value ("$120.00", "$120"), amounts
    that are no dollars ("USD 120", "$1,5000"), a key not written, the last user message only."""
    return [
        {"name": "words_cut_from_longer_words_are_no_capitals",
         "messages": [{"role": "user", "content": "Back from MÜNCHEN after an X-RAY and a COVID-19 test: "
                                                  "sell BRK.B, then drop TSLA."}],
         "response": _answer(_call("get_stock_info", symbol="NVDA"))},
        {"name": "dollar_amounts_equal_in_value_are_one",
         "messages": [{"role": "user", "content": "A budget of $120.00, yes, $120 and not a cent more."}],
         "response": _answer(_call("set_budget_limit", access_token="t", budget_limit=5))},
        {"name": "the_only_capitals_word",
         "messages": [{"role": "user", "content": "Some stocks are underperforming. Could we eliminate BDX from my list?"}],
         "response": _answer(_call("get_stock_info", symbol="NVDA"), _call("cancel_booking", access_token="t"))},
        {"name": "quoted_and_written_twice",
         "messages": [{"role": "user", "content": "Just go ahead and grab 'ZETA' (yes, ZETA's) on iOS for X."}],
         "response": _answer(_call("get_stock_info", symbol="Zeta"))},
        {"name": "two_capitals_words_fill_nothing",
         "messages": [{"role": "user", "content": "Compare NVDA with AAPL, 3M and NVDA_2."}],
         "response": _answer(_call("get_stock_info", symbol="NVDA"))},
        {"name": "dollars_typed_by_the_schema",
         "messages": [{"role": "user", "content": "Set a budget of $1,500.50 for Zeta, or $1500.50 if you must."}],
         "response": _answer(_call("set_budget_limit", access_token="t", budget_limit=15, nights=2))},
        {"name": "an_integer_key_and_a_capitals_word",
         "messages": [{"role": "user", "content": "Stay within $300 and look up A320 for me."}],
         "response": _answer(_call("set_budget_limit", access_token="t", nights=2),
                             _call("get_stock_info", symbol="B737"))},
        {"name": "amounts_that_are_no_dollars",
         "messages": [{"role": "user", "content": "Limit USD 120, maybe $1,5000 or 12$ total."}],
         "response": _answer(_call("set_budget_limit", access_token="t", budget_limit=120))},
        {"name": "two_amounts_fill_nothing",
         "messages": [{"role": "user", "content": "A budget of $100 or $200."}],
         "response": _answer(_call("set_budget_limit", access_token="t", budget_limit=5))},
        {"name": "only_the_last_user_message_counts",
         "messages": [{"role": "user", "content": "Watch TSLA, budget $50."},
                      {"role": "assistant", "content": "Which one?", "tool_calls": []},
                      {"role": "user", "content": "The one I named."}],
         "response": _answer(_call("get_stock_info", symbol="NVDA"),
                             _call("set_budget_limit", access_token="t", budget_limit=5))},
    ]


def shaped_values_cases() -> list[dict]:
    cases = []
    for case in shaped_values_inputs():
        question = query_text(case["messages"])
        cases.append({**case, "arguments": SHAPE_RULES, "tools": SHAPE_TOOLS,
                      "words": {shape: shaped_values.words(question, shape) for shape in shaped_values.SHAPES},
                      "filled": shaped_values.fill(case["response"], case["messages"], SHAPE_RULES, SHAPE_TOOLS)})
    return cases


def write_shaped_values_goldens(out: Path) -> Path:
    return write_jsonl(out / "shaped_values.jsonl", shaped_values_cases())


ORDINAL_KEYS = ["symbol"]
WATCHLIST = {"role": "tool", "content": '{"watchlist": ["NVDA", "ZETA", "ALPH"]}'}


def _listed(question: str, *results: str) -> list[dict]:
    """A conversation: a user turn, a call answered by each of `results` in turn, then `question`."""
    messages = [{"role": "user", "content": "Show me my list."}]
    for result in results:
        messages += [{"role": "assistant", "content": None, "tool_calls": [_call("get_watchlist")]},
                     {"role": "tool", "content": result}]
    return messages + [{"role": "user", "content": question}]


def ordinal_items_inputs() -> list[dict]:
    """Conversations whose fill pins the rule: "first" and "last" in either case, both words (no
    fill), words that hold them ("firstly", "atlast", "first_name", "last2"), the latest listed
    result (a later result without a list, not JSON, an empty list or a mixed one skipped), a list
    found depth first (a top-level array, a list inside a mixed array), only string values of listed
    keys set, the last user message only, results that are no strict JSON (NaN, Infinity, a key
    written twice, `01`, `+2`) skipped, values the question holds as whole words kept ("first"
    ordering steps, not naming an item; "NVD" inside "NVDA" is no whole word)."""
    stock = _call("get_stock_info", symbol="ZETA")
    return [
        {"name": "the_first_item", "messages": _listed("A detailed report on the first stock listed in my watchlist.",
                                                       WATCHLIST["content"]),
         "response": _answer(stock)},
        {"name": "the_last_item_in_capitals", "messages": _listed("Take the LAST one off.", WATCHLIST["content"]),
         "response": _answer(_call("remove_stock_from_watchlist", symbol="NVDA"))},
        {"name": "both_words_fill_nothing", "messages": _listed("First or last, you pick.", WATCHLIST["content"]),
         "response": _answer(stock)},
        {"name": "words_that_hold_an_ordinal_are_none",
         "messages": _listed("Firstly, atlast, my first_name and last2: no position.", WATCHLIST["content"]),
         "response": _answer(stock)},
        {"name": "the_latest_listed_result_wins",
         "messages": _listed("The first one, please.", '{"watchlist": ["AAPL", "MSFT"]}', WATCHLIST["content"],
                             '{"status": "ok"}', "done", '{"watchlist": []}', '{"mixed": ["GOOG", 2]}'),
         "response": _answer(stock)},
        {"name": "a_list_found_depth_first",
         "messages": _listed("And the last of them?", '{"info": {"count": 2, "items": [{"n": 1}], '
                                                      '"names": ["TSLA", "META"]}, "other": ["AMZN"]}'),
         "response": _answer(stock)},
        {"name": "a_top_level_array",
         "messages": _listed("The last one.", '["A", "B"]'), "response": _answer(stock)},
        {"name": "a_list_inside_a_mixed_array",
         "messages": _listed("The first one.", '[1, ["A", "B"]]'), "response": _answer(stock)},
        {"name": "values_the_question_writes_are_kept",
         "messages": _listed("First, add NVDA to my watchlist, then sell TSLA.", '{"watchlist": ["AAPL", "MSFT"]}'),
         "response": _answer(_call("place_order", symbol="TSLA"), _call("get_stock_info", symbol="NVDA"),
                             _call("get_stock_info", symbol="NVD"))},
        # tool results that are no strict JSON, which both engines' parsers refuse, list nothing
        *[{"name": f"a_result_with_{name}_is_no_listed_result",
           "messages": _listed("The first one.", WATCHLIST["content"], '{"w": ["A", "B"], ' + tail + "}"),
           "response": _answer(stock)}
          for name, tail in [("nan", '"n": NaN'), ("infinity", '"n": Infinity'), ("minus_infinity", '"n": -Infinity'),
                             ("a_key_twice", '"w": ["C"]'), ("a_leading_zero", '"n": 01'), ("a_plus_sign", '"n": +2')]],
        {"name": "only_written_strings_of_listed_keys",
         "messages": _listed("Buy the first one.", WATCHLIST["content"]),
         "response": _answer(_call("place_order", symbol=7, order_type="ZETA"), _call("get_stock_info", symbol="ZETA"),
                             _call("get_watchlist"))},
        {"name": "no_listed_result_fills_nothing",
         "messages": [{"role": "user", "content": "The first stock, please."}],
         "response": _answer(stock)},
        {"name": "only_the_last_user_message_counts",
         "messages": _listed("The first stock.", WATCHLIST["content"]) + [
             {"role": "assistant", "content": "Which list?", "tool_calls": []},
             {"role": "user", "content": "My watchlist."}],
         "response": _answer(stock)},
    ]


def ordinal_items_cases() -> list[dict]:
    return [{**case, "keys": ORDINAL_KEYS, "ordinal": ordinal_items.ordinal(query_text(case["messages"])),
             "listed": ordinal_items.listed_result(case["messages"]),
             "filled": ordinal_items.fill(case["response"], case["messages"], ORDINAL_KEYS)}
            for case in ordinal_items_inputs()]


def write_ordinal_items_goldens(out: Path) -> Path:
    return write_jsonl(out / "ordinal_items.jsonl", ordinal_items_cases())


UNIT_KEYS = ["gallon", "liter", "fuel_amount"]
# `liter` an integer and `fuel_amount` no ASCII-letter key (it never has a unit number);
# `mode` a string, which the fill never sets; `log_fill` takes the listed `gallon` as a string
UNIT_TOOLS = [{"name": "convert", "parameters": {"type": "object", "properties": {
    "gallon": {"type": "number"}, "liter": {"type": "integer"}, "fuel_amount": {"type": "number"},
    "mode": {"type": "string"}}, "required": ["gallon"]}},
              {"name": "log_fill", "parameters": {"type": "object", "properties": {
                  "gallon": {"type": "string"}}, "required": ["gallon"]}}]


def unit_numbers_inputs() -> list[dict]:
    """Conversations whose fill pins the rule: a decimal number before the key's plural, either
    case, a tab; one number written twice (by value); two different numbers (no fill); numbers that
    are no unit numbers (thousands commas, part of a word or a version, a hyphen, a unit the key does
    not start, a minus sign, a no-break space); a word the key starts that is no unit ("literally":
    a unit number); an integer key and a decimal number (kept); a key the answer writes as a string
    or does not write; a number written for a key whose tool's schema is no number or unknown
    (kept); the last user message only."""
    convert = _call("convert", gallon=40, liter=3)
    return [
        {"name": "a_decimal_number_before_the_keys_name",
         "messages": [{"role": "user", "content": "I've just filled my car up with 13.2 gallons of fuel. "
                                                  "How much is that in liters?"}],
         "response": _answer(convert)},
        {"name": "either_case_and_a_tab_typed_by_the_schema",
         "messages": [{"role": "user", "content": "Put 15\tLITERS in, that is 4 Gallons."}],
         "response": _answer(convert)},
        {"name": "one_number_written_twice_is_one",
         "messages": [{"role": "user", "content": "Convert 60 gallons, yes 60.0 gallons, to liters."}],
         "response": _answer(convert)},
        {"name": "two_numbers_fill_nothing",
         "messages": [{"role": "user", "content": "Is it 10 gallons or 20 gallons?"}],
         "response": _answer(convert)},
        {"name": "numbers_that_are_no_unit_numbers",
         "messages": [{"role": "user", "content": "About 1,000 gallons, v2.5 gallons, x7 gallons, "
                                                  "8-gallons, 9 gal and 11 galloping horses."}],
         "response": _answer(convert)},
        {"name": "an_integer_key_keeps_its_value_for_a_decimal_number",
         "messages": [{"role": "user", "content": "That was 2.5 liters and 6 gallonsful."}],
         "response": _answer(convert)},
        {"name": "strings_and_keys_not_written_are_left",
         "messages": [{"role": "user", "content": "Fill 12 gallons, 5 modes, 7 fuel_amounts."}],
         "response": _answer(_call("convert", gallon="40", mode="x", fuel_amount=1))},
        # the digits of "-3" are not its value: the written -3 stays
        {"name": "a_negative_number_fills_nothing",
         "messages": [{"role": "user", "content": "Lower the level by -3 gallons."}],
         "response": _answer(_call("convert", gallon=-3, liter=3))},
        # the key is matched as a prefix of the word; a no-break space is no space of the rule
        {"name": "a_word_the_key_starts_counts_a_no_break_space_does_not",
         "messages": [{"role": "user", "content": "Put 5 literally in, then 7\u00a0gallons."}],
         "response": _answer(convert)},
        # only a tool whose schema types the key as a number takes it: `log_fill`'s `gallon` is a
        # string, `unknown_tool` has no schema
        {"name": "a_key_of_no_number_schema_is_left",
         "messages": [{"role": "user", "content": "Log the 12 gallons I filled."}],
         "response": _answer(convert, _call("log_fill", gallon=40), _call("unknown_tool", gallon=40))},
        {"name": "only_the_last_user_message_counts",
         "messages": [{"role": "user", "content": "I have 30 gallons."},
                      {"role": "assistant", "content": "And then?", "tool_calls": []},
                      {"role": "user", "content": "Convert it."}],
         "response": _answer(convert)},
    ]


def unit_numbers_cases() -> list[dict]:
    cases = []
    for case in unit_numbers_inputs():
        question = query_text(case["messages"])
        cases.append({**case, "keys": UNIT_KEYS, "tools": UNIT_TOOLS,
                      "numbers": {key: unit_numbers.sole_unit_number(question, key) for key in UNIT_KEYS},
                      "filled": unit_numbers.fill(case["response"], case["messages"], UNIT_KEYS, UNIT_TOOLS)})
    return cases


def write_unit_numbers_goldens(out: Path) -> Path:
    return write_jsonl(out / "unit_numbers.jsonl", unit_numbers_cases())


TICKET_TOOLS = [
    {"name": "ticket_login", "parameters": {"type": "object", "properties": {
        "username": {"type": "string"}, "password": {"type": "string"}}, "required": ["username", "password"]}},
    {"name": "create_ticket", "parameters": {"type": "object", "properties": {
        "title": {"type": "string"}, "description": {"type": "string"}, "priority": {"type": "integer"}},
        "required": ["title"]}},
    {"name": "resolve_ticket", "parameters": {"type": "object", "properties": {
        "ticket_id": {"type": "integer"}, "resolution": {"type": "string"}}, "required": ["ticket_id", "resolution"]}},
]
# The ticket tools and a refund tool whose keys pin a number-typed key, a written bool and keys
# sharing a prefix ("desc" and "description": the name word "description" is both keys').
NAMED_TOOLS = TICKET_TOOLS + [
    {"name": "refund", "parameters": {"type": "object", "properties": {
        "amount": {"type": "number"}, "desc": {"type": "string"}, "paid": {"type": "boolean"}}}},
]
NAMED_RULES = [{"tool": "create_ticket", "key": "description"}, {"tool": "create_ticket", "key": "priority"},
               {"tool": "create_ticket", "key": "title"}, {"tool": "refund", "key": "amount"},
               {"tool": "refund", "key": "desc"}, {"tool": "refund", "key": "paid"}]


def named_values_inputs() -> list[dict]:
    """Conversations whose fill pins the rule: spans named by their key's word in any order, the
    others in schema order, spans another tool's key claims, the nearest name word, a comma before
    the closing quote, empty and unwritten arguments, numbers too far or behind a quote, mixed and
    curly quotes, only the last user message, unlisted tools; a tool called twice, spans other calls
    write, quote kinds that close each other, line breaks, ',' and '', name words inside spans,
    signed, decimal and thousands numbers, sentence ends, another noun's number (taken: a known
    limit), keys sharing a prefix, UTF-16 offsets, written booleans and nulls."""
    return [
        {"name": "named_spans_and_number_in_any_order",
         "messages": [{"role": "user", "content": "Draft a ticket with description 'Initial plan.' at a priority "
                                                  "level of 3. Title 'emergency' and use it."}],
         "response": _answer(_call("create_ticket", title="Initial plan.", description="emergency", priority=5))},
        {"name": "unnamed_spans_in_schema_order",
         "messages": [{"role": "user", "content": "Open a ticket labeled 'Platform Error' with this message "
                                                  "'Issue with AAPL.' and priority-2."}],
         "response": _answer(_call("create_ticket", description="Made up.", title="Platform Error", priority=2))},
        {"name": "another_keys_span_and_a_comma_before_the_quote",
         "messages": [{"role": "user", "content": "Generate a ticket named 'Alert,' detailing 'Request to cancel.'. "
                                                  "My username is `mthompson` and password is `pw1`."}],
         "response": _answer(_call("ticket_login", username="u", password="p"),
                             _call("create_ticket", title="mthompson", description="pw1"))},
        {"name": "the_nearest_name_word_claims_the_span",
         "messages": [{"role": "user", "content": "Create a new ticket with same title and description "
                                                  "'Additional insights.' but now with priority to a level 5."}],
         "response": _answer(_call("create_ticket", title="emergency", description="emergency", priority=3))},
        {"name": "empty_and_unwritten_arguments_kept",
         "messages": [{"role": "user", "content": "A ticket titled 'Outage', leave the description empty, "
                                                  "priority 4."}],
         "response": _answer(_call("create_ticket", title="Invented", description=""))},
        {"name": "far_numbers_and_quotes_between_name_none",
         "messages": [{"role": "user", "content": "Priority matters more than anything else, 5. A high-priority "
                                                  "'Budget' ticket for 2 days."}],
         "response": _answer(_call("create_ticket", title="Budget", priority=4))},
        {"name": "mixed_quotes_only_the_last_user_message",
         "messages": [{"role": "user", "content": "Title it 'Old' please."},
                      {"role": "assistant", "content": "Anything else?", "tool_calls": []},
                      {"role": "user", "content": "I\u2019d call it \u2018Urgent Change\u2019, details "
                                                  "\u201cCancel my trip's booking.\u201d and 'x' too"}],
         "response": _answer(_call("create_ticket", title="Old", description="Invented."))},
        {"name": "unlisted_tools_unchanged",
         "messages": [{"role": "user", "content": "Resolve it with resolution 'Fixed' and username 'bob'."}],
         "response": _answer(_call("resolve_ticket", ticket_id=1, resolution="Invented."),
                             _call("ticket_login", username="x", password="y"))},
        {"name": "two_calls_to_one_tool_kept_as_written",
         "messages": [{"role": "user", "content": "Create a ticket titled 'A' with priority 3 and another "
                                                  "titled 'B' with priority 5."}],
         "response": _answer(_call("create_ticket", title="A", priority=3),
                             _call("create_ticket", title="B", priority=5))},
        {"name": "spans_other_calls_write_are_not_in_order",
         "messages": [{"role": "user", "content": "Log in with 'bob' and 'pw1', then open a ticket 'Outage'."}],
         "response": _answer(_call("ticket_login", username="bob", password="pw1"),
                             _call("create_ticket", title="bob"))},
        {"name": "double_quotes_close_only_double_quotes",
         "messages": [{"role": "user", "content": "Open \"Fix the users' login page\" with description \u201cIt's "
                                                  "down.\u201d now."}],
         "response": _answer(_call("create_ticket", title="Fix the users", description="It"))},
        {"name": "no_span_across_a_line_break",
         "messages": [{"role": "user", "content": "Title 'Line one\nline two' and description 'Ok'."}],
         "response": _answer(_call("create_ticket", title="Invented", description="Made up"))},
        {"name": "comma_and_empty_pairs_are_no_spans",
         "messages": [{"role": "user", "content": "Title ',' and description '' for 'x'."}],
         "response": _answer(_call("create_ticket", title="Made up", description="Invented"))},
        {"name": "name_words_inside_a_span_do_not_count",
         "messages": [{"role": "user", "content": "Create a ticket titled 'Priority 1 outage' with priority 3."}],
         "response": _answer(_call("create_ticket", title="Priority 1 outage", priority=1))},
        {"name": "signed_decimal_and_thousands_numbers",
         "messages": [{"role": "user", "content": "Open 'Late' at priority -3; refund amount 1,000 or the "
                                                  "amount 12.50 instead."}],
         "response": _answer(_call("create_ticket", title="Late", priority=3),
                             _call("refund", amount=1000, desc="Late"))},
        {"name": "no_number_across_a_sentence_end",
         "messages": [{"role": "user", "content": "Keep the priority. Also add 2 tickets titled 'A'."}],
         "response": _answer(_call("create_ticket", title="A", priority=1))},
        {"name": "another_nouns_number_is_taken",
         "messages": [{"role": "user", "content": "Change the priority of ticket 12 to 3 for 'Outage'."}],
         "response": _answer(_call("create_ticket", title="Outage", priority=3))},
        {"name": "keys_sharing_a_prefix_the_longer_claims",
         "messages": [{"role": "user", "content": "Refund with description 'Broken item' and desc 'Short'."}],
         "response": _answer(_call("refund", desc="Broken item"), _call("create_ticket", title="T", description="D"))},
        {"name": "utf16_offsets_after_an_emoji",
         "messages": [{"role": "user", "content": "\U0001F6A8\U0001F6A8 Ticket titled '\U0001F525 Fire' "
                                                  "priority 2, description '\u00e9t\u00e9 \U0001F30A'."}],
         "response": _answer(_call("create_ticket", title="Fire", description="Invented", priority=1))},
        {"name": "written_bool_and_null_kept",
         "messages": [{"role": "user", "content": "Ticket titled 'A' at priority 2, refund amount 5 paid true."}],
         "response": _answer(_call("create_ticket", title="A", priority=None),
                             _call("refund", amount=True, paid=False))},
    ]


def named_values_cases() -> list[dict]:
    cases = []
    for case in named_values_inputs():
        question = query_text(case["messages"])
        cases.append({**case, "arguments": NAMED_RULES, "tools": NAMED_TOOLS,
                      "spans": [{"key": key, "span": span}
                                for key, span in named_values.claimed_spans(question, named_values.string_keys(NAMED_TOOLS))],
                      "numbers": {key: named_values.named_number(question, key) for key in ("priority", "amount")},
                      "filled": named_values.fill(case["response"], case["messages"], NAMED_RULES, NAMED_TOOLS)})
    return cases


def write_named_values_goldens(out: Path) -> Path:
    return write_jsonl(out / "named_values.jsonl", named_values_cases())


def single_calls_cases() -> list[dict]:
    """Answers whose cut pins the rule: later calls to a listed tool dropped whatever their
    arguments, calls to other tools kept in order, text answers unchanged."""
    listed = ["estimate_drive_feasibility_by_mileage", "create_ticket"]
    answers = {
        "repeat_with_other_values": _answer(_call("estimate_drive_feasibility_by_mileage", distance=750.0),
                                            _call("estimate_drive_feasibility_by_mileage", distance=980.0)),
        "other_tools_kept_in_order": _answer(_call("create_ticket", title="A"), _call("get_zipcode", city="X"),
                                             _call("get_zipcode", city="Y"), _call("create_ticket", title="B"),
                                             _call("close_ticket", ticket_id=1)),
        "text_answer": {"content": "Done.", "tool_calls": []},
    }
    return [{"name": name, "tools": listed, "response": response, "cut": single_calls.cut(response, listed)}
            for name, response in answers.items()]


def write_single_calls_goldens(out: Path) -> Path:
    return write_jsonl(out / "single_calls.jsonl", single_calls_cases())


def chosen_calls_cases() -> list[dict]:
    """Answers whose fill pins the rule: a chosen listed tool left out inserted after the last call
    of its `after` list (first when the answer has none), one the answer calls or that was not
    chosen left out, nothing chosen (`tool_choice` restricted nothing, or an empty choice) or a
    text answer unchanged; the rules run in file order (`choose` sorts them so a tool's predecessor
    comes first: listed the other way round, the tire shop lands in front)."""
    rules = [{"tool": "check_tire_pressure", "after": ["lockDoors", "startEngine"]},
             {"tool": "find_nearest_tire_shop", "after": ["check_tire_pressure"]}]
    reversed_rules = [{"tool": "find_nearest_tire_shop", "after": ["check_tire_pressure"]},
                      {"tool": "check_tire_pressure", "after": ["lockDoors"]}]
    both = ["check_tire_pressure", "find_nearest_tire_shop", "set_navigation"]
    navigate = _answer(_call("set_navigation", destination="X"))
    cases = {
        "left_out_after_its_predecessor": (rules, both, _answer(_call("check_tire_pressure"),
                                                                _call("set_navigation", destination="X"))),
        "after_the_last_predecessor": (rules, ["check_tire_pressure", "lockDoors", "startEngine"],
                                       _answer(_call("lockDoors", door=["driver"]), _call("startEngine", mode="START"),
                                               _call("lockDoors", door=["passenger"]), _call("displayCarStatus"))),
        "first_without_predecessor": (rules, both, navigate),
        "both_inserted_in_listing_order": (rules, both, _answer(_call("lockDoors", door=["driver"]),
                                                                _call("set_navigation", destination="X"))),
        "rules_run_in_file_order": (reversed_rules, both, _answer(_call("lockDoors", door=["driver"]),
                                                                  _call("set_navigation", destination="X"))),
        "already_called": (rules, both, _answer(_call("find_nearest_tire_shop"), _call("check_tire_pressure"))),
        "not_chosen": (rules, ["set_navigation"], navigate),
        "nothing_chosen": (rules, None, navigate),
        "empty_choice": (rules, [], navigate),
        "text_answer": (rules, both, {"content": "Done.", "tool_calls": []}),
    }
    return [{"name": name, "rules": listed, "chosen": chosen, "response": response,
             "filled": chosen_calls.fill(response, chosen, listed)}
            for name, (listed, chosen, response) in cases.items()]


def write_chosen_calls_goldens(out: Path) -> Path:
    return write_jsonl(out / "chosen_calls.jsonl", chosen_calls_cases())


FILE_TOOLS = [
    {"name": "diff", "parameters": {"type": "object", "properties": {
        "file_name1": {"type": "string"}, "file_name2": {"type": "string"}}, "required": ["file_name1", "file_name2"]}},
    {"name": "cp", "parameters": {"type": "object", "properties": {
        "source": {"type": "string"}, "destination": {"type": "string"}}, "required": ["source", "destination"]}},
    {"name": "tail", "parameters": {"type": "object", "properties": {
        "file_name": {"type": "string"}, "lines": {"type": "integer"}}, "required": ["file_name"]}},
]
PAIR_RULES = [{"tool": "diff", "keys": ["file_name1", "file_name2"]}, {"tool": "tail", "keys": ["lines", "file_name"]},
              {"tool": "cp", "keys": ["source", "destination"]}]


def quoted_pairs_inputs() -> list[dict]:
    """Conversations whose fill pins the rule: either quote kind, an apostrophe after a letter opening
    or closing none, a quote followed by a letter closing none, a span repeated counting once, no span across a
    line feed, two spans only (one or three leave the answer), a call writing one key of the pair,
    other tools, the listed keys in the rule's order (not the schema's), typed by the schema, and
    only the last user message."""
    same = _answer(_call("diff", file_name1="b.txt", file_name2="b.txt"))
    return [
        {"name": "two_spans_in_order", "messages": [{"role": "user", "content": "Compare 'a.txt' and \"b.txt\"."}],
         "response": _answer(_call("diff", file_name1="b.txt", file_name2="b.txt"),
                             _call("cp", source="x", destination="y"))},
        {"name": "apostrophes_after_letters_open_and_close_none",
         "messages": [{"role": "user", "content": "Kelly's notes: diff 'it's.md' with 'log.txt', don't wait."}],
         "response": same},
        {"name": "a_quote_before_a_letter_closes_no_span",
         "messages": [{"role": "user", "content": "Diff 'o'neil.txt' and 'b.txt'"}], "response": same},
        {"name": "a_repeated_span_counts_once",
         "messages": [{"role": "user", "content": "Diff 'a.txt' with 'b.txt', yes 'a.txt' first."}],
         "response": same},
        {"name": "no_span_across_a_line_feed",
         "messages": [{"role": "user", "content": "Diff 'a.txt\nand' the 'b.txt' and 'c.txt'"}], "response": same},
        {"name": "three_spans_leave_the_answer",
         "messages": [{"role": "user", "content": "Diff 'a.txt', 'b.txt' and 'c.txt'."}], "response": same},
        {"name": "one_span_leaves_the_answer",
         "messages": [{"role": "user", "content": "Diff 'a.txt' with the other one."}], "response": same},
        {"name": "a_call_writing_one_key_is_left",
         "messages": [{"role": "user", "content": "Diff 'a.txt' and 'b.txt'."}],
         "response": _answer(_call("diff", file_name1="c.txt"), _call("diff", file_name2="c.txt", file_name1="d.txt"))},
        {"name": "keys_in_the_rules_order_typed_by_the_schema",
         "messages": [{"role": "user", "content": "Show the last \"3\" lines of 'notes.md'."}],
         "response": _answer(_call("tail", file_name="x.md", lines=1))},
        {"name": "only_the_last_user_message_counts",
         "messages": [{"role": "user", "content": "Diff 'a.txt' and 'b.txt'."},
                      {"role": "assistant", "content": "Which folder?", "tool_calls": []},
                      {"role": "user", "content": "The 'docs' one."}],
         "response": same},
        # named_values' quoted spans (one definition for the fill chain): curly and mixed quotes, no
        # empty pair, a last comma dropped, a backslash no escape, spans distinct whatever their quotes
        {"name": "curly_quotes_open_and_close_spans",
         "messages": [{"role": "user", "content": "Compare \u2018a.txt\u2019 and \u201cb.txt\u201d."}],
         "response": same},
        {"name": "mixed_quotes_close_a_span",
         "messages": [{"role": "user", "content": "Diff 'a.txt\u2019 and 'b.txt' then 'c.txt'"}], "response": same},
        {"name": "a_curly_pair_counts_beside_straight_ones",
         "messages": [{"role": "user", "content": "Compare 'a.txt' and \u2018b.txt\u2019 with 'c.txt'"}],
         "response": same},
        {"name": "an_empty_pair_is_no_span",
         "messages": [{"role": "user", "content": "Diff '' and 'b.txt' with 'c.txt'"}], "response": same},
        {"name": "a_last_comma_is_the_sentences",
         "messages": [{"role": "user", "content": "Diff 'notes,' and 'b.txt'."}], "response": same},
        {"name": "a_backslash_before_a_quote_escapes_nothing",
         "messages": [{"role": "user", "content": "Diff 'a\\' and 'b.txt'"}], "response": same},
        {"name": "one_span_in_two_quote_kinds_counts_once",
         "messages": [{"role": "user", "content": "Diff 'a.txt' with \"a.txt\" and 'b.txt'"}], "response": same},
        {"name": "a_written_null_or_empty_string_is_kept",
         "messages": [{"role": "user", "content": "Diff 'a.txt' and 'b.txt'."}],
         "response": _answer(_call("diff", file_name1=None, file_name2="x"), _call("diff", file_name1="y", file_name2=""))},
        {"name": "spans_differing_in_normalisation_are_two",
         "messages": [{"role": "user", "content": "Diff '\u00e9.txt' and 'e\u0301.txt'"}], "response": same},
        # named_values' claim: a span a name word names for another key ("destination 'a.txt'") is
        # never put by order; a span its own pair key's word claims is
        {"name": "a_span_another_key_claims_is_left",
         "messages": [{"role": "user", "content": "Diff destination 'a.txt' with 'b.txt'."}], "response": same},
        {"name": "a_span_claimed_by_the_pairs_own_key_is_put",
         "messages": [{"role": "user", "content": "Copy 'a.txt' to destination 'b.txt'."}],
         "response": _answer(_call("cp", source="x", destination="y"))},
    ]


def quoted_pairs_cases() -> list[dict]:
    return [{**case, "pairs": PAIR_RULES, "tools": FILE_TOOLS,
             "spans": quoted_pairs.quoted_spans(query_text(case["messages"])),
             "filled": quoted_pairs.fill(case["response"], case["messages"], PAIR_RULES, FILE_TOOLS)}
            for case in quoted_pairs_inputs()]


def write_quoted_pairs_goldens(out: Path) -> Path:
    return write_jsonl(out / "quoted_pairs.jsonl", quoted_pairs_cases())


ECHO_TOOLS = [
    {"name": "touch", "parameters": {"type": "object", "properties": {"file_name": {"type": "string"}},
                                     "required": ["file_name"]}},
    {"name": "echo", "parameters": {"type": "object", "properties": {
        "content": {"type": "string"}, "file_name": {"type": "string"}}, "required": ["content"]}},
    {"name": "wc", "parameters": {"type": "object", "properties": {
        "file_name": {"type": "string"}, "mode": {"type": "string"}}, "required": ["file_name"]}},
]
PREVIOUS_FILE_RULES = [{"tool": "echo", "key": "file_name"}, {"tool": "wc", "key": "mode"}]


# Punctuation and spaces around a file name are no part of it: each question names notes.txt.
PUNCTUATED_FILE_NAMES = [
    ("curly_single_quotes", "Write 'x' into ‘notes.txt’."), ("curly_double_quotes", "Write 'x' into “notes.txt”."),
    ("an_ellipsis", "Write 'x' into notes.txt…"), ("an_em_dash", "Write 'x' into notes.txt—it is new."),
    ("guillemets", "Write 'x' into «notes.txt»."), ("a_curly_possessive", "Write 'x' into notes.txt’s end."),
    ("a_no_break_space", "Write 'x' into notes.txt\u00a0now."), ("cjk_punctuation", "把'x'写入notes.txt。"),
]


def previous_files_inputs() -> list[dict]:
    """Conversations whose fill pins the rule: the file an earlier call wrote, the question's file
    names (quoted or not, paths, several dots) leaving the answer, words that are no file names
    (a sentence's end, "e.g.", a version, a one-letter extension), only the last user message read,
    punctuation and spaces around a file name (curly quotes, NBSP, …, —, «», 。) no part of it, a
    quoted name without a file extension kept unless another argument holds it, an earlier call
    of the same answer, a JSON tool result remembered, a tool called twice, a written null or "",
    nothing remembered, an unlisted argument, a listed key the memory lacks, typing by the schema."""
    touched = [{"role": "user", "content": "Create 'TeamNotes.txt' please."},
               {"role": "assistant", "content": None,
                "tool_calls": [{"name": "touch", "arguments": {"file_name": "TeamNotes.txt"}}]},
               {"role": "tool", "content": "null"}]

    def asked(question: str) -> list[dict]:
        return touched + [{"role": "user", "content": question}]

    wrong = _answer(_call("echo", content="Innovation ignites growth.", file_name="Simona"))
    return [
        {"name": "the_file_an_earlier_call_wrote",
         "messages": asked("Jot down 'Innovation ignites growth.' from Simona into the previous file."),
         "response": wrong},
        {"name": "a_quoted_file_name_leaves_the_answer", "messages": asked("Write 'hi' into 'notes.md'."),
         "response": wrong},
        {"name": "an_unquoted_file_name_leaves_the_answer", "messages": asked("Store it in a new file diff.txt."),
         "response": wrong},
        {"name": "a_path_and_several_dots_are_file_names",
         "messages": asked("Put it in /temp/report.final.txt, thanks."), "response": wrong},
        {"name": "no_file_names_a_sentence_end_eg_a_version_a_one_letter_extension",
         "messages": asked("Write v1.2 of main.c there, e.g. the U.S. draft. It ends here."), "response": wrong},
        {"name": "file_names_in_any_script", "messages": asked("Écris-le dans café.txt, s’il te plaît."),
         "response": wrong},
        {"name": "an_emoji_is_a_name_letter_a_non_ascii_extension_none",
         "messages": asked("Put it in 📄plan.md or notes.txté."), "response": wrong},
        {"name": "a_non_ascii_extension_names_no_file", "messages": asked("Put it in notes.txté please."),
         "response": wrong},
        *[{"name": f"a_file_name_with_{name}", "messages": asked(question),
           "response": _answer(_call("echo", content="x", file_name="notes.txt"))}
          for name, question in PUNCTUATED_FILE_NAMES],
        {"name": "a_quoted_name_without_an_extension_is_kept", "messages": asked("Append 'x' to 'README'."),
         "response": _answer(_call("echo", content="x", file_name="README"))},
        {"name": "a_quoted_name_with_a_one_letter_extension_is_kept", "messages": asked("Write 'x' into 'main.c'."),
         "response": _answer(_call("echo", content="x", file_name="main.c"))},
        {"name": "a_quoted_span_another_argument_holds_is_filled",
         "messages": asked("Jot down 'Innovation ignites growth.' into the previous file."),
         "response": _answer(_call("echo", content="Innovation ignites growth.",
                                   file_name="Innovation ignites growth."))},
        {"name": "only_the_last_user_message_counts",
         "messages": touched + [{"role": "user", "content": "Compare 'a.txt' and 'b.txt'."},
                                {"role": "assistant", "content": "Which one?", "tool_calls": []},
                                {"role": "user", "content": "Write 'hello' in the previous file."}],
         "response": wrong},
        {"name": "an_earlier_call_of_the_answer_wins",
         "messages": asked("Make a file named after the count and write 'hi' in it."),
         "response": _answer(_call("touch", file_name="3.txt"), _call("echo", content="hi", file_name="hi"))},
        {"name": "a_json_tool_result_is_remembered",
         "messages": asked("Show me.")[:-1] + [{"role": "tool", "content": "{\"file_name\": \"log.csv\"}"},
                                                {"role": "user", "content": "Append 'done' to it."}],
         "response": wrong},
        {"name": "a_tool_called_twice_keeps_its_calls", "messages": asked("Write 'a' and 'b' to the file."),
         "response": _answer(_call("echo", content="a", file_name="x"), _call("echo", content="b", file_name="y"))},
        {"name": "a_written_null_is_kept", "messages": asked("Write 'a' there."),
         "response": _answer(_call("echo", content="a", file_name=None))},
        {"name": "a_written_empty_string_is_kept", "messages": asked("Write 'a' there."),
         "response": _answer(_call("echo", content="a", file_name=""))},
        {"name": "nothing_remembered_keeps_the_value",
         "messages": [{"role": "user", "content": "Write 'a' into the previous file."}], "response": wrong},
        {"name": "unlisted_arguments_and_tools_are_left",
         "messages": asked("Count the lines of the previous file."),
         "response": _answer(_call("wc", file_name="x"), _call("touch", file_name="y"))},
        {"name": "a_listed_key_the_memory_lacks_keeps_its_value",
         "messages": asked("Count the lines of the previous file."),
         "response": _answer(_call("wc", file_name="x", mode="l"))},
        {"name": "a_remembered_number_typed_by_the_schema",
         "messages": [{"role": "user", "content": "Count it."},
                      {"role": "assistant", "content": None,
                       "tool_calls": [{"name": "wc", "arguments": {"file_name": "a.txt", "mode": 7}}]},
                      {"role": "user", "content": "Again, the same way."}],
         "response": _answer(_call("wc", file_name="a.txt", mode="w"))},
        {"name": "a_text_answer_is_left", "messages": asked("Write 'a' there."),
         "response": {"content": "Which file?", "tool_calls": []}},
    ]


def previous_files_cases() -> list[dict]:
    return [{**case, "arguments": PREVIOUS_FILE_RULES, "tools": ECHO_TOOLS,
             "names_a_file": previous_files.names_a_file(query_text(case["messages"])),
             "filled": previous_files.fill(case["response"], case["messages"], PREVIOUS_FILE_RULES, ECHO_TOOLS)}
            for case in previous_files_inputs()]


def write_previous_files_goldens(out: Path) -> Path:
    return write_jsonl(out / "previous_files.jsonl", previous_files_cases())


# The ticket tools and a tool with an integer required key, for named_calls.
CALL_TOOLS = TICKET_TOOLS + [
    {"name": "set_level", "parameters": {"type": "object", "properties": {
        "level": {"type": "integer"}}, "required": ["level"]}},
]
# create_ticket is not listed: its training answers call it alone (the replay recreates none), and
# listed it would put a create_ticket before a right close_ticket ("The one titled 'Outage'.").
CALL_RULES = ["ticket_login", "set_level"]
# The word keys, as BFCL ticket's training answers give them: a username "mthompson", passwords
# that all hold digits.
CALL_WORDS = ["username"]


def named_calls_inputs() -> list[dict]:
    """Conversations whose fill pins the rule: a name phrase split by a space, value words and
    quoted spans, a word key's word after "is" and a quote that does not close, a word after "is"
    of a key that is no word key, a word of punctuation only, a lower-case word after a
    space that is no value, a value another key's phrase names, a value
    not right after its phrase, a phrase inside a quoted span, a required key not named, a tool
    already called, a text answer, an integer typed by the schema, two tools added in the listed
    order, a whole word after a colon, only the last user message."""
    ticket = _answer(_call("create_ticket", title="Outage"))
    return [
        {"name": "login_added_first_from_value_tokens",
         "messages": [{"role": "user", "content": "Title 'Outage'. Please use it user name tech_guru, password "
                                                  "securePass123"}],
         "response": ticket},
        {"name": "quoted_spans_the_keys_claim",
         "messages": [{"role": "user", "content": "My ticket Username is `mthompson` and password is 'pw1'."}],
         "response": _answer(_call("resolve_ticket", ticket_id=1, resolution="x"))},
        {"name": "any_word_after_is_and_an_unclosed_quote",
         "messages": [{"role": "user", "content": "My username is mzhang and password is 'SecurePass123"}],
         "response": ticket},
        {"name": "a_word_after_is_of_a_key_that_is_no_word_key_is_no_value",
         "messages": [{"role": "user", "content": "My username is the same as before and password is unchanged"}],
         "response": ticket},
        {"name": "a_word_of_punctuation_only_is_no_value",
         "messages": [{"role": "user", "content": "username is — bob, password is Pw_1"}],
         "response": ticket},
        {"name": "a_lower_case_word_after_a_space_is_no_value",
         "messages": [{"role": "user", "content": "My username mzhang and password is SecurePass123"}],
         "response": ticket},
        {"name": "a_value_another_keys_phrase_names_is_not_taken",
         "messages": [{"role": "user", "content": "Close it: user name ann, password p_1"}],
         "response": ticket},
        {"name": "a_value_too_far_is_none",
         "messages": [{"role": "user", "content": "The username for the account that I gave you is tech_guru, "
                                                  "password pw_1"}],
         "response": ticket},
        {"name": "a_phrase_inside_a_quoted_span_does_not_count",
         "messages": [{"role": "user", "content": "Open 'Reset username' now, password Pw_1"}],
         "response": ticket},
        {"name": "a_required_key_not_named_adds_nothing",
         "messages": [{"role": "user", "content": "oh, my password is SecurePass123"}],
         "response": ticket},
        {"name": "a_tool_already_called_is_not_added",
         "messages": [{"role": "user", "content": "username u_1 and password p_1, ticket titled 'Outage'"}],
         "response": _answer(_call("create_ticket", title="Outage"), _call("ticket_login", username="a", password="b"))},
        {"name": "a_text_answer_is_unchanged",
         "messages": [{"role": "user", "content": "username u_1 and password p_1"}],
         "response": {"content": "Which ticket?", "tool_calls": []}},
        {"name": "an_integer_typed_by_the_schema_and_two_tools_in_listed_order",
         "messages": [{"role": "user", "content": "Set the Level: 7 and a ticket titled 'Outage', with "
                                                  "USERNAME a.b@x.org, password 007"}],
         "response": _answer(_call("close_ticket", ticket_id=3))},
        {"name": "a_whole_word_after_the_phrase_is_the_value",
         "messages": [{"role": "user", "content": "Log in: username:tech_guru password:Pa$$w0rd, then the "
                                                  "ticket titled 'Outage'."}],
         "response": _answer(_call("close_ticket", ticket_id=3))},
        {"name": "a_word_after_is_or_a_colon_or_none",
         "messages": [{"role": "user", "content": "The username for ticket 42 is tech_guru, password Secure#2024"}],
         "response": ticket},
        {"name": "only_the_last_user_message_counts",
         "messages": [{"role": "user", "content": "username u_1 and password p_1"},
                      {"role": "assistant", "content": "Which ticket?", "tool_calls": []},
                      {"role": "user", "content": "The one titled 'Outage'."}],
         "response": _answer(_call("close_ticket", ticket_id=3))},
    ]


def named_calls_cases() -> list[dict]:
    cases = []
    for case in named_calls_inputs():
        question = query_text(case["messages"])
        keys = {name: named_values.string_keys(CALL_TOOLS) + named_calls.required_keys(CALL_TOOLS, name)
                for name in CALL_RULES}
        cases.append({**case, "tools": CALL_TOOLS, "listed": CALL_RULES, "words": CALL_WORDS,
                      "named": {name: named_calls.names_tool(question, CALL_TOOLS, name) for name in CALL_RULES},
                      "values": {name: {key: named_calls.named_value(question, key, keys[name], set(CALL_WORDS))
                                        for key in named_calls.required_keys(CALL_TOOLS, name)} for name in CALL_RULES},
                      "filled": named_calls.fill(case["response"], case["messages"], CALL_RULES, CALL_TOOLS,
                                                 CALL_WORDS)})
    return cases


def write_named_calls_goldens(out: Path) -> Path:
    return write_jsonl(out / "named_calls.jsonl", named_calls_cases())


OPTIONAL_RULES = [{"tool": "create_ticket", "key": "description"}, {"tool": "create_ticket", "key": "priority"}]


def named_optional_inputs() -> list[dict]:
    """Conversations whose fill pins the rule: a listed key dropped where no word of the question
    starts with it, kept where one does (in either case, "high-priority"), a name word inside a
    quoted span, unlisted keys and tools, an earlier turn a clarification follows, turns before the
    last answer with calls, a text answer."""
    ticket = _answer(_call("create_ticket", title="Outage", description="Down.", priority=5))
    return [
        {"name": "unnamed_keys_dropped",
         "messages": [{"role": "user", "content": "Open a ticket titled 'Outage', it is down."}], "response": ticket},
        {"name": "named_keys_kept_in_either_case",
         "messages": [{"role": "user", "content": "A high-priority ticket 'Outage', Description 'Down.'"}],
         "response": ticket},
        {"name": "a_name_word_inside_a_quoted_span_does_not_count",
         "messages": [{"role": "user", "content": "Open 'Priority outage' with description 'Down.'"}],
         "response": ticket},
        {"name": "unlisted_keys_and_tools_kept",
         "messages": [{"role": "user", "content": "Resolve 7 and open 'Outage'."}],
         "response": _answer(_call("resolve_ticket", ticket_id=7, resolution="ok"),
                             _call("create_ticket", title="Outage", priority=1))},
        {"name": "a_clarification_turn_keeps_the_earlier_name_words",
         "messages": [{"role": "user", "content": "A high-priority ticket please, description 'Down.'"},
                      {"role": "assistant", "content": "Which title?", "tool_calls": []},
                      {"role": "user", "content": "Title 'Outage'."}],
         "response": ticket},
        {"name": "turns_before_the_last_answer_with_calls_do_not_count",
         "messages": [{"role": "user", "content": "Priority 3 and description 'Down.' please."},
                      {"role": "assistant", "content": None, "tool_calls": [_call("create_ticket", title="Old")]},
                      {"role": "user", "content": "Now one titled 'Outage'."}],
         "response": ticket},
        {"name": "a_text_answer_is_unchanged",
         "messages": [{"role": "user", "content": "Open a ticket."}],
         "response": {"content": "Which title?", "tool_calls": []}},
    ]


def named_optional_cases() -> list[dict]:
    return [{**case, "tools": TICKET_TOOLS, "arguments": OPTIONAL_RULES,
             "filled": named_optional.fill(case["response"], case["messages"], OPTIONAL_RULES, TICKET_TOOLS)}
            for case in named_optional_inputs()]


def write_named_optional_goldens(out: Path) -> Path:
    return write_jsonl(out / "named_optional.jsonl", named_optional_cases())


POST_TOOLS = [
    {"name": "post_tweet", "parameters": {"type": "object", "properties": {
        "content": {"type": "string"}, "tags": {"type": "array", "items": {"type": "string"}},
        "mentions": {"type": "array", "items": {"type": "string"}}}, "required": ["content"]}},
    {"name": "authenticate_twitter", "parameters": {"type": "object", "properties": {
        "username": {"type": "string"}, "password": {"type": "string"}}, "required": ["username", "password"]}},
]
LONGEST_RULES = [{"tool": "post_tweet", "key": "content"}]


def longest_spans_inputs() -> list[dict]:
    """Conversations whose fill pins the rule: the longest of the question's spans, an earlier turn
    before a clarification, a span a name word claims for another key, a span another argument
    holds, turns before the last answer with calls, a tie, a tool called twice, a written empty
    string, curly quotes, a text answer."""
    tweet = _answer(_call("post_tweet", content="START", tags=["#RoadTrip"]))
    return [
        {"name": "the_longest_span",
         "messages": [{"role": "user", "content": "Start the engine in 'START' mode. Then post a tweet, "
                                                  "'Embarking on a road trip!' with #RoadTrip."}],
         "response": tweet},
        {"name": "an_earlier_turn_before_a_clarification",
         "messages": [{"role": "user", "content": "Tweet 'Excited for my trip!', mentioning my best friend."},
                      {"role": "assistant", "content": "Who is your friend?", "tool_calls": []},
                      {"role": "user", "content": "His user handle is '@TravelBuddy'."}],
         "response": _answer(_call("post_tweet", content="@TravelBuddy", mentions=["@TravelBuddy"]))},
        {"name": "a_span_claimed_for_another_key_is_not_taken",
         "messages": [{"role": "user", "content": "My password is 'a rather long pass phrase', tweet 'Hello!'"}],
         "response": tweet},
        {"name": "a_span_another_argument_holds_is_not_taken",
         "messages": [{"role": "user", "content": "Log in as 'a_rather_long_user_name' and tweet 'Hello!'"}],
         "response": _answer(_call("authenticate_twitter", username="a_rather_long_user_name", password="pw"),
                             _call("post_tweet", content="x"))},
        {"name": "turns_before_the_last_answer_with_calls_do_not_count",
         "messages": [{"role": "user", "content": "Tweet 'An old long sentence here.'"},
                      {"role": "assistant", "content": None,
                       "tool_calls": [_call("post_tweet", content="An old long sentence here.")]},
                      {"role": "user", "content": "Now tweet it again."}],
         "response": tweet},
        {"name": "a_tie_takes_the_earlier_span",
         "messages": [{"role": "user", "content": "Tweet 'abc' or 'xyz'."}],
         "response": tweet},
        {"name": "a_tool_called_twice_keeps_its_calls",
         "messages": [{"role": "user", "content": "Tweet 'First one!' and 'Second!'"}],
         "response": _answer(_call("post_tweet", content="a"), _call("post_tweet", content="b"))},
        {"name": "a_written_empty_string_is_kept",
         "messages": [{"role": "user", "content": "Tweet nothing but tag it 'Quiet day'."}],
         "response": _answer(_call("post_tweet", content=""))},
        # 10 code points against 11 (a combining accent): the longer in code points, not in characters
        {"name": "curly_quotes_in_code_points",
         "messages": [{"role": "user", "content": "Tweet \u2018Caf\u00e9 time!\u2019 or \u201cCafe\u0301 time!\u201d."}],
         "response": tweet},
        {"name": "a_text_answer_is_unchanged",
         "messages": [{"role": "user", "content": "Tweet 'Hi there'."}],
         "response": {"content": "Which account?", "tool_calls": []}},
        # the key's own name word says which span is meant, however long the unclaimed one is
        {"name": "a_span_the_key_names_beats_a_longer_one",
         "messages": [{"role": "user", "content": "Set the mode to 'ECO_EXTENDED_RANGE_MODE', "
                                                  "then tweet with content 'Hi all!'"}],
         "response": tweet},
        # the held value is composed, the quoted span decomposed: different code points, so free
        {"name": "a_decomposed_span_is_not_the_composed_value_held",
         "messages": [{"role": "user", "content": "Log in and tweet 'Cafe\u0301' or 'ok'."}],
         "response": _answer(_call("authenticate_twitter", username="Caf\u00e9", password="pw"),
                             _call("post_tweet", content="x"))},
        {"name": "a_request_ending_with_tool_results_reads_the_question",
         "messages": _ending_with_a_login_result("Log in, then tweet 'Off on a road trip!' from 'SF'."),
         "response": tweet},
        # the second listed key skips the span the first was just given
        {"name": "two_listed_keys_in_one_call",
         "messages": [{"role": "user", "content": "Log in with 'a_long_handle_here' and 'pw'."}],
         "response": _answer(_call("authenticate_twitter", username="u", password="p")),
         "arguments": [{"tool": "authenticate_twitter", "key": "username"},
                       {"tool": "authenticate_twitter", "key": "password"}]},
        # no name word reaches across a turn: the span starting the next turn is unclaimed
        {"name": "a_name_word_ending_a_turn_claims_no_span_of_the_next",
         "messages": [{"role": "user", "content": "Tweet it with content"},
                      {"role": "assistant", "content": "Which text?", "tool_calls": []},
                      {"role": "user", "content": "'Hi' and then 'Something longer'"}],
         "response": tweet},
    ]


def longest_spans_cases() -> list[dict]:
    return [{**case, "tools": POST_TOOLS, "arguments": case.get("arguments", LONGEST_RULES),
             "user_text": named_optional.user_text(case["messages"]),
             "filled": longest_spans.fill(case["response"], case["messages"], case.get("arguments", LONGEST_RULES),
                                          POST_TOOLS)}
            for case in longest_spans_inputs()]


def write_longest_spans_goldens(out: Path) -> Path:
    return write_jsonl(out / "longest_spans.jsonl", longest_spans_cases())


ORDER_TOOLS = FILE_TOOLS + CALL_TOOLS + ECHO_TOOLS + [
    {"name": "post", "parameters": {"type": "object", "properties": {
        "content": {"type": "string"}, "tags": {"type": "array", "items": {"type": "string"}}}, "required": ["content"]}},
    # a list of file names, so an item copied_items drops is no previous file for previous_files
    {"name": "attach", "parameters": {"type": "object", "properties": {
        "file_name": {"type": "array", "items": {"type": "string"}}}, "required": []}},
    # no arguments, for chosen_calls
    {"name": "list_tickets", "parameters": {"type": "object", "properties": {}}},
    # numbers, for unit_numbers (and a string pair for quoted_pairs beside them)
    {"name": "convert", "parameters": {"type": "object", "properties": {
        "gallon": {"type": "number"}, "liter": {"type": "number"}}, "required": ["gallon", "liter"]}},
    # a listed result and a call named_calls adds, for ordinal_items
    {"name": "get_watchlist", "parameters": {"type": "object", "properties": {}}},
    {"name": "get_stock_info", "parameters": {"type": "object", "properties": {
        "symbol": {"type": "string"}}, "required": ["symbol"]}},
]


def fill_order_inputs() -> list[dict]:
    """One case per two fills next in the order (evaluate.FILL_ORDER; single_calls, named_calls and
    named_optional commute: the cut never drops a tool's first call, the added call is a tool's
    only one and holds required keys only, which named_optional never drops; named_optional and
    ordinal_items commute too: one drops keys, the other sets the values of written keys): each
    lists the two fills and a conversation where they set one argument, or one cuts what the other
    reads, so the answer differs when the two run the other way round. tag_lists and copied_items
    differ in the answer's text only, by argument order: every word tag_lists sets is a whole word
    of the question, which copied_items keeps, so the values are the same either way; but a list
    copied_items removes first comes back from tag_lists after the call's other arguments.
    copied_items and previous_files act on different keys' types (arrays, strings) but meet through
    the answer's earlier calls, which previous_files remembers: an item copied_items drops is no
    previous file. chosen_calls, last, commutes with previous_files (it reads call names only and
    inserts calls without arguments, which previous_files neither sets nor remembers), so its case
    pairs it with named_calls, whose added login it goes ahead of (`chosen`: the choice it reads).
    unit_numbers sets numbers only; it meets shaped_values on a dollar amount and quoted_pairs on a
    pair of number keys, whose spans that fill types as numbers;
    named_calls and ordinal_items commute (the value named_calls adds is one the question writes,
    which ordinal_items keeps); their case pins that outcome, the same either way round."""
    copy = _call("cp", source="x", destination="y")
    return [
        {"name": "single_calls_before_named_values",
         "fills": {"single_calls": ["cp"], "named_values": [{"tool": "cp", "key": "destination"}]},
         "messages": [{"role": "user", "content": "Now copy to destination 'd' please."}],
         "response": _answer(copy, _call("cp", source="x2", destination="y2"))},
        {"name": "named_calls_before_named_values",
         "fills": {"named_calls": {"tools": ["ticket_login"], "words": []}, "named_values": [{"tool": "ticket_login", "key": "password"}]},
         "messages": [{"role": "user", "content": "Use user name tech_guru, password securePass123, note 'X'."}],
         "response": _answer(_call("create_ticket", title="Outage"))},
        {"name": "named_optional_before_named_values",
         "fills": {"named_optional": [{"tool": "create_ticket", "key": "description"}],
                   "named_values": [{"tool": "create_ticket", "key": "title"}]},
         "messages": [{"role": "user", "content": "Open it as 'A' now."}],
         "response": _answer(_call("create_ticket", title="x", description="A"))},
        # ordinal_items before named_values: the item it sets is a span the call's other argument
        # holds, which named_values' spans in order then leave (the other way round the span is free
        # and named_values sets it too). A value the question writes is a whole word of it, which
        # ordinal_items keeps, so it wins either way.
        {"name": "ordinal_items_before_named_values",
         "fills": {"ordinal_items": ["source"], "named_values": [{"tool": "cp", "key": "destination"}]},
         "messages": [{"role": "user", "content": "What is here?"},
                      {"role": "tool", "content": '{"files": ["a.txt", "b.txt"]}'},
                      {"role": "user", "content": "Copy the first one over 'a.txt'."}],
         "response": _answer(copy)},
        # named_calls before ordinal_items: the login-style call named_calls adds holds the value the
        # question writes, which ordinal_items keeps (the two commute: the outcome is pinned, not the order)
        {"name": "named_calls_before_ordinal_items",
         "fills": {"named_calls": {"tools": ["get_stock_info"], "words": []}, "ordinal_items": ["symbol"]},
         "messages": _listed("The last quote for symbol 'NVDA', and my list again.", WATCHLIST["content"]),
         "response": _answer(_call("get_watchlist"))},
        {"name": "named_values_before_longest_spans",
         "fills": {"named_values": [{"tool": "cp", "key": "source"}],
                   "longest_spans": [{"tool": "cp", "key": "destination"}]},
         "messages": [{"role": "user", "content": "Copy the 'longer.txt' into 'b.txt'."}],
         "response": _answer(copy)},
        {"name": "longest_spans_before_cue_values",
         "fills": {"longest_spans": [{"tool": "cp", "key": "destination"}],
                   "cue_values": [{"tool": "cp", "key": "destination", "cue": "dir"}]},
         "messages": [{"role": "user", "content": "Copy it to 'b.txt', dir q7."}],
         "response": _answer(copy)},
        {"name": "named_values_before_cue_values",
         "fills": {"named_values": [{"tool": "cp", "key": "destination"}],
                   "cue_values": [{"tool": "cp", "key": "destination", "cue": "dir"}]},
         "messages": [{"role": "user", "content": "Copy it to destination 'd', dir q7."}],
         "response": _answer(copy)},
        {"name": "cue_values_before_shaped_values",
         "fills": {"cue_values": [{"tool": "cp", "key": "source", "cue": "dir"}],
                   "shaped_values": [{"key": "source", "shape": "capitals"}]},
         "messages": [{"role": "user", "content": "Copy dir q7 to the NAS."}],
         "response": _answer(copy)},
        {"name": "shaped_values_before_quoted_pairs",
         "fills": {"shaped_values": [{"key": "source", "shape": "capitals"}],
                   "quoted_pairs": [{"tool": "cp", "keys": ["source", "destination"]}]},
         "messages": [{"role": "user", "content": "Copy 'a.txt' into 'b.txt' on the NAS."}],
         "response": _answer(copy)},
        {"name": "shaped_values_before_unit_numbers",
         "fills": {"shaped_values": [{"key": "gallon", "shape": "dollars"}], "unit_numbers": ["gallon"]},
         "messages": [{"role": "user", "content": "Pay $7 for 13.2 gallons."}],
         "response": _answer(_call("convert", gallon=1, liter=2))},
        # quoted_pairs types its spans by the schema, so a number pair meets unit_numbers' key
        {"name": "unit_numbers_before_quoted_pairs",
         "fills": {"unit_numbers": ["gallon"], "quoted_pairs": [{"tool": "convert", "keys": ["gallon", "liter"]}]},
         "messages": [{"role": "user", "content": "Convert '5' into '6', that is 13.2 gallons."}],
         "response": _answer(_call("convert", gallon=1, liter=2))},
        {"name": "cue_values_before_quoted_pairs",
         "fills": {"cue_values": [{"tool": "cp", "key": "source", "cue": "dir"}],
                   "quoted_pairs": [{"tool": "cp", "keys": ["source", "destination"]}]},
         "messages": [{"role": "user", "content": "Copy 'a.txt' into 'b.txt', dir q7."}],
         "response": _answer(copy)},
        {"name": "quoted_pairs_before_remembered_keys",
         "fills": {"quoted_pairs": [{"tool": "cp", "keys": ["source", "destination"]}],
                   "remembered_keys": ["destination"]},
         "messages": [{"role": "user", "content": "Copy it to 'm' please."},
                      {"role": "assistant", "content": None, "tool_calls": [_call("cp", source="n", destination="m")]},
                      {"role": "user", "content": "Copy 'a.txt' into 'b.txt'."}],
         "response": _answer(copy)},
        {"name": "remembered_keys_before_tag_lists",
         "fills": {"remembered_keys": ["tags"], "tag_lists": [{"tool": "post", "key": "tags", "sign": "#"}]},
         "messages": [{"role": "user", "content": "Post 'hi' with #old."},
                      {"role": "assistant", "content": None,
                       "tool_calls": [_call("post", content="hi", tags=["#old"])]},
                      {"role": "user", "content": "Post it again with #new"}],
         "response": _answer(_call("post", content="hi", tags=["#x"]))},
        {"name": "tag_lists_before_copied_items",
         "fills": {"tag_lists": [{"tool": "post", "key": "tags", "sign": "#"}],
                   "copied_items": [{"tool": "post", "key": "tags"}]},
         "messages": [{"role": "user", "content": "Post 'hi' with #new"}],
         "response": _answer(_call("post", tags=["#x"], content="hi"))},
        {"name": "copied_items_before_previous_files",
         "fills": {"copied_items": [{"tool": "attach", "key": "file_name"}],
                   "previous_files": [{"tool": "echo", "key": "file_name"}]},
         "messages": [{"role": "user", "content": "Create 'TeamNotes.txt' please."},
                      {"role": "assistant", "content": None, "tool_calls": [_call("touch", file_name="TeamNotes.txt")]},
                      {"role": "tool", "content": "null"},
                      {"role": "user", "content": "Attach it, then jot down 'hi' into the previous file."}],
         "response": _answer(_call("attach", file_name=["ghost.txt"]), _call("echo", content="hi", file_name="x"))},
        # chosen_calls last (`chosen`: tool_choice's choice): a tool with an empty `after` list goes
        # first, ahead of the login named_calls added; the other way round the login would lead
        {"name": "named_calls_before_chosen_calls",
         "fills": {"named_calls": {"tools": ["ticket_login"], "words": []}, "chosen_calls": [{"tool": "list_tickets", "after": []}]},
         "chosen": ["create_ticket", "list_tickets"],
         "messages": [{"role": "user", "content": "Use user name tech_guru, password securePass123, note 'X'."}],
         "response": _answer(_call("create_ticket", title="Outage"))},
    ]


# The list each fill's specialist.json entry holds its listing in.
FILL_LISTS = {"single_calls": "tools", "named_calls": "tools", "named_optional": "arguments",
              "named_values": "arguments", "cue_values": "arguments", "shaped_values": "arguments", "ordinal_items": "keys",
              "unit_numbers": "keys",
              "quoted_pairs": "pairs",
              "remembered_keys": "keys", "tag_lists": "arguments", "copied_items": "arguments",
              "previous_files": "arguments", "longest_spans": "arguments", "chosen_calls": "tools"}


def fill_order_cases() -> list[dict]:
    """The cases with their specialist.json entries (`specialist`: feature → entry, which an engine
    loads) and the answer the chain in FILL_ORDER leaves."""
    return [{**case, "tools": ORDER_TOOLS, "order": list(FILL_ORDER),
             # named_calls' listing is its whole entry (tools and word keys)
             "specialist": {feature: {**listing, "counts": {}} if isinstance(listing, dict)
                            else {FILL_LISTS[feature]: listing, "counts": {}}
                            for feature, listing in case["fills"].items()},
             "filled": filled(case["response"], case["messages"], ORDER_TOOLS, case["fills"], chosen=case.get("chosen"))}
            for case in fill_order_inputs()]


def write_fill_order_goldens(out: Path) -> Path:
    return write_jsonl(out / "fill_order.jsonl", fill_order_cases())


SIBLING_TOOLS = [
    {"name": "final_velocity", "parameters": {"type": "object", "properties": {
        "acceleration": {"type": "integer"}, "distance": {"type": "number"}}, "required": ["acceleration", "distance"]}},
    {"name": "genotype_frequency", "parameters": {"type": "object", "properties": {
        "allele_frequency": {"type": "number"}, "genotype": {"type": "string", "enum": ["AA", "Aa", "aa"]}},
        "required": ["allele_frequency", "genotype"]}},
    {"name": "exchange_rate", "parameters": {"type": "object", "properties": {
        "base_currency": {"type": "string"}, "target_currency": {"type": "string"}},
        "required": ["base_currency", "target_currency"]}},
    {"name": "weather", "parameters": {"type": "object", "properties": {
        "city": {"type": "string"}, "days": {"type": "integer"}}, "required": ["city"]}},
]


def sibling_calls_inputs() -> list[dict]:
    """Requests whose expansion pins the rule: two numbers varying together, enum values as
    candidates, a value repeated across the calls staying, the model's repeated calls replaced, as
    many distinct calls as value sets kept, the template the call with the most copied arguments
    (the earliest of a tie), whichever value set it holds, mixed tools, unequal sibling counts and a
    text answer left, no more calls than call_limit's limit, a context shorter than K, occurrences
    inside a longer number, after a point or before a point and a digit not counted, a number
    taking number siblings only, a value another argument holds never a sibling, name-only and
    exponent slots no candidates, the context compared in ASCII lower case (a quote one token),
    non-ASCII, astral and decomposed text, only the last user message."""
    speed = "A car accelerates at a rate of 5 m/s^2 over a distance of 100 m; another at a rate of 10 m/s^2 over a distance of 200.5 m."
    genotypes = "The allele frequency is 0.7: give the frequency of genotype (AA), genotype (Aa) and genotype (aa)."
    return [
        {"name": "two_numbers_vary_together", "context": 2, "question": speed,
         "response": _answer(_call("final_velocity", acceleration=5, distance=100))},
        {"name": "the_models_repeated_calls_are_replaced", "context": 2, "question": speed,
         "response": _answer(_call("final_velocity", acceleration=5, distance=100),
                             _call("final_velocity", acceleration=5, distance=100))},
        {"name": "as_many_distinct_calls_as_value_sets_stay", "context": 2, "question": speed,
         "response": _answer(_call("final_velocity", acceleration=5, distance=100),
                             _call("final_velocity", acceleration=200.5, distance=5))},
        {"name": "the_template_need_not_hold_the_first_value_set", "context": 2, "question": speed,
         "response": _answer(_call("final_velocity", acceleration=10, distance=200.5))},
        {"name": "the_call_with_most_copied_arguments_is_the_template", "context": 2, "question": genotypes,
         "response": _answer(_call("genotype_frequency", allele_frequency=0.5, genotype="AA"),
                             _call("genotype_frequency", allele_frequency=0.7, genotype="Aa"))},
        {"name": "no_more_calls_than_the_call_limit", "context": 2, "call_limit": True,
         "question": "Frequency at 0.7 of genotype (AA) genotype (Aa) genotype (aa)",
         "response": _answer(_call("genotype_frequency", allele_frequency=0.7, genotype="AA"))},
        {"name": "the_call_limit_lets_as_many_as_the_question_asks", "context": 2, "call_limit": True,
         "question": genotypes, "response": _answer(_call("genotype_frequency", allele_frequency=0.7, genotype="AA"))},
        {"name": "a_template_mixing_value_sets_is_regrouped", "context": 2, "question": speed,
         "response": _answer(_call("final_velocity", acceleration=10, distance=100))},
        {"name": "enum_values_are_candidates", "context": 2, "question": genotypes,
         "response": _answer(_call("genotype_frequency", allele_frequency=0.7, genotype="AA"))},
        {"name": "a_shared_value_stays", "context": 2, "question": "Get the rates of USD to AUD and USD to CAD?",
         "response": _answer(_call("exchange_rate", base_currency="USD", target_currency="AUD"))},
        {"name": "one_word_of_context", "context": 1, "question": "Get the rates of USD to AUD and USD to CAD?",
         "response": _answer(_call("exchange_rate", base_currency="USD", target_currency="AUD"))},
        {"name": "mixed_tools_are_left", "context": 2, "question": speed,
         "response": _answer(_call("final_velocity", acceleration=5, distance=100),
                             _call("weather", city="Paris"))},
        {"name": "unequal_sibling_counts_are_left", "context": 1,
         "question": "Weather in Paris for 3 days, weather in Rome for 4 days, weather in Oslo.",
         "response": _answer(_call("weather", city="Paris", days=3))},
        {"name": "a_text_answer_is_left", "context": 2, "question": speed,
         "response": {"content": "I cannot.", "tool_calls": []}},
        {"name": "a_context_shorter_than_k_has_no_siblings", "context": 3, "question": "Paris weather, and Rome weather",
         "response": _answer(_call("weather", city="Paris"))},
        {"name": "occurrences_inside_numbers_do_not_count", "context": 1,
         "question": "Weather at 15 or 1.5 and in Oslo for 5 days, or for 6 days",
         "response": _answer(_call("weather", city="Oslo", days=5))},
        {"name": "a_number_takes_number_siblings_only", "context": 1,
         "question": "Weather in Oslo for 4 days, and in Rome for Tuesday",
         "response": _answer(_call("weather", city="Oslo", days=4))},
        {"name": "a_value_another_argument_holds_is_no_sibling", "context": 2,
         "question": "At a rate of 5 and a rate of 10, then at a rate of 3",
         "response": _answer(_call("final_velocity", acceleration=5, distance=10))},
        {"name": "context_compares_in_ascii_lower_case", "context": 2,
         "question": "What is the weather in Paris today? And WEATHER IN Rome, weather in 'Zürich'.",
         "response": _answer(_call("weather", city="Paris"))},
        {"name": "non_ascii_context_tokens", "context": 2,
         "question": "Météo à 'Paris' puis météo à 'Genève' — météo à 'Lyon'",
         "response": _answer(_call("weather", city="Paris"))},
        {"name": "astral_characters_count_as_one", "context": 2,
         "question": "Weather in 😀 'Paris', weather in 😀 'Rome'",
         "response": _answer(_call("weather", city="Paris"))},
        {"name": "decomposed_text_matches_by_code_points", "context": 2,
         "question": "Weather in 'Zu\u0308rich', weather in 'Bern'",
         "response": _answer(_call("weather", city="Zu\u0308rich"))},
        {"name": "a_number_before_a_point_and_digit_is_no_occurrence", "context": 2,
         "question": "At a rate of 5.5 and 5, then at a rate of 7",
         "response": _answer(_call("final_velocity", acceleration=5, distance=7))},
        {"name": "name_only_slots_are_no_candidates", "context": 2,
         "question": "Weather in Paris today? Weather in days gone by was milder.",
         "response": _answer(_call("weather", city="Paris"))},
        {"name": "exponent_slots_are_no_candidates", "context": 1,
         "question": "Powers x^3 and x^2, repeated 3 times",
         "response": _answer(_call("final_velocity", acceleration=3, distance=0))},
        {"name": "only_the_last_user_message_counts", "context": 2, "question": "And the weather in Rome?",
         "earlier": "Weather in Paris, weather in Oslo.", "response": _answer(_call("weather", city="Paris"))},
    ]


def sibling_calls_cases() -> list[dict]:
    cases = []
    for case in sibling_calls_inputs():
        messages = ([{"role": "user", "content": case["earlier"]}, {"role": "assistant", "content": "Done."}]
                    if "earlier" in case else []) + [{"role": "user", "content": case["question"]}]
        table = render_prompt(messages, 64, SIBLING_TOOLS).slots
        candidates = sibling_calls.candidates(table, messages)
        limit = case.get("call_limit", False)
        cases.append({"name": case["name"], "messages": messages, "tools": SIBLING_TOOLS,
                      "slots": [s.text for s in table.slots], "candidates": candidates, "context": case["context"],
                      "call_limit": limit, "response": case["response"],
                      "expanded": sibling_calls.expand(case["response"], messages, candidates, case["context"],
                                                       SIBLING_TOOLS, limit)})
    return cases


def write_sibling_calls_goldens(out: Path) -> Path:
    return write_jsonl(out / "sibling_calls.jsonl", sibling_calls_cases())


def write_complete_calls_goldens(out: Path) -> Path:
    return write_jsonl(out / "complete_calls.jsonl", complete_calls_cases())


COPIED_TOOLS = [
    {"name": "post_tweet", "parameters": {"type": "object", "properties": {
        "content": {"type": "string"}, "tags": {"type": "array", "items": {"type": "string"}},
        "mentions": {"type": "array", "items": {"type": "string"}}}, "required": ["content"]}},
    {"name": "mention", "parameters": {"type": "object", "properties": {
        "tweet_id": {"type": "integer"}, "mentioned_usernames": {"type": "array", "items": {"type": "string"}}},
        "required": ["tweet_id", "mentioned_usernames"]}},
    {"name": "share", "parameters": {"type": "object", "properties": {
        "tags": {"type": "array", "items": {"type": "string"}}}}}]
COPIED_RULES = [{"tool": "mention", "key": "mentioned_usernames"}, {"tool": "post_tweet", "key": "mentions"},
                {"tool": "post_tweet", "key": "tags"}]


def copied_items_inputs() -> list[dict]:
    """Conversations whose fill pins the rule: invented items dropped in order, a list left empty
    removed unless required, any message text counts (user, assistant content and call arguments,
    tool results; an item with its sign dropped too), whole words only, items compared code point
    by code point, unlisted calls and empty lists unchanged."""
    tweet = lambda **arguments: _call("post_tweet", **arguments)  # noqa: E731
    return [
        {"name": "invented_items_dropped_in_order",
         "messages": [{"role": "user", "content": "Tweet 'Off we go!' #RoadTrip #Adventure and tag @TravelBuddy."}],
         "response": _answer(tweet(content="Off we go!", tags=["#CarMaintenance", "#RoadTrip", "#Adventure"],
                                   mentions=["@TravelBuddy", "@technewsworld"]))},
        {"name": "emptied_optional_list_removed_required_kept_empty",
         "messages": [{"role": "user", "content": "Post 'Quiet day' and mention it in tweet 3."}],
         "response": _answer(tweet(content="Quiet day", mentions=["@technewsworld"], tags=[]),
                             _call("mention", tweet_id=3, mentioned_usernames=["@someone"]))},
        {"name": "earlier_user_message_and_unsigned_form_count",
         "messages": [{"role": "user", "content": "Post 'Hi' with #Hello, and tag my friend."},
                      {"role": "assistant", "content": "What is the handle?", "tool_calls": []},
                      {"role": "user", "content": "His handle is 'huanzhimao01'."}],
         "response": _answer(tweet(content="Hi", tags=["#Hello"], mentions=["@huanzhimao01", "huanzhimao01"]))},
        {"name": "assistant_call_and_tool_texts_count",
         "messages": [{"role": "user", "content": "Tweet it."},
                      {"role": "assistant", "content": None,
                       "tool_calls": [{"name": "post_tweet", "arguments": {"content": "x", "tags": ["#Called"],
                                                                          "extra": {"deep": ["@nested_handle"]}}}]},
                      {"role": "tool", "content": "{\"tags\": [\"#FromTool\"], \"username\": \"tool_user\"}"},
                      {"role": "assistant", "content": "Posted with @assistant_said.", "tool_calls": []},
                      {"role": "user", "content": "Again, same tags."}],
         "response": _answer(tweet(content="x", tags=["#Called", "#FromTool", "#Invented"],
                                   mentions=["@assistant_said", "@tool_user", "@nested_handle", "@nobody"]))},
        {"name": "whole_words_only",
         "messages": [{"role": "user", "content": "Tweet 'Go' #AdventureTime for Johnson, cc @Ann_Lee and user42x."},
                      {"role": "tool", "content": "{\"user\": \"@Bob.\", \"tag\": \"(#Trip)\"}"}],
         "response": _answer(tweet(content="Go", tags=["#Adventure", "#AdventureTime", "#Trip", "#Tri"],
                                   mentions=["@John", "@Ann", "@Ann_Lee", "@user42", "@Bob", "@Bo"]))},
        {"name": "exact_code_points_and_non_strings",
         "messages": [{"role": "user", "content": "Post 'Caf\u00e9 time' #RoadTrip #Caf\u00e9 @ and #"}],
         "response": _answer(tweet(content="Caf\u00e9 time", tags=["#roadtrip", "#Cafe\u0301", "#Caf\u00e9", 7, "", "#", "@"]))},
        {"name": "unlisted_tools_and_keys_unchanged",
         "messages": [{"role": "user", "content": "Share it."}],
         "response": _answer(_call("share", tags=["#Invented"]), tweet(content="Invented text", tags="#NotAList"))},
        {"name": "text_answer",
         "messages": [{"role": "user", "content": "#Hello @there"}],
         "response": {"content": "Hi!", "tool_calls": []}},
        # no user turn since the last answer with calls: the question before it still counts
        {"name": "a_request_ending_with_tool_results_reads_the_question",
         "messages": _ending_with_a_login_result("Log in, then post 'Hi' with #RoadTrip for @pal."),
         "response": _answer(tweet(content="Hi"))},
    ]


def copied_items_cases() -> list[dict]:
    cases = []
    for case in copied_items_inputs():
        texts = message_texts(case["messages"])
        written = [item for call in case["response"]["tool_calls"] for value in call["arguments"].values()
                   if isinstance(value, list) for item in value]
        cases.append({**case, "tools": COPIED_TOOLS, "arguments": COPIED_RULES,
                      "held": [[item, copied_items.held(item, texts)] for item in written],
                      "filled": copied_items.fill(case["response"], case["messages"], COPIED_RULES, COPIED_TOOLS)})
    return cases


def write_copied_items_goldens(out: Path) -> Path:
    return write_jsonl(out / "copied_items.jsonl", copied_items_cases())


def write_distinct_calls_goldens(out: Path) -> Path:
    return write_jsonl(out / "distinct_calls.jsonl", distinct_calls_cases())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path, default=Path(__file__).parent / "tests" / "golden")
    out = parser.parse_args().out
    print(write_retrieval_goldens(out / "retrieval"))
    print(write_recent_slots_goldens(out))
    print(write_question_spans_goldens(out))
    print(write_remembered_keys_goldens(out))
    print(write_clause_tools_goldens(out))
    print(write_clause_hint_tools_goldens(out))
    print(write_distinct_calls_goldens(out))
    print(write_distinct_slots_goldens(out))
    print(write_tag_slots_goldens(out))
    print(write_clause_calls_goldens(out))
    print(write_call_limit_goldens(out))
    print(write_unit_exponents_goldens(out))
    print(write_tag_lists_goldens(out))
    print(write_cue_values_goldens(out))
    print(write_shaped_values_goldens(out))
    print(write_ordinal_items_goldens(out))
    print(write_unit_numbers_goldens(out))
    print(write_single_calls_goldens(out))
    print(write_chosen_calls_goldens(out))
    print(write_named_values_goldens(out))
    print(write_quoted_pairs_goldens(out))
    print(write_complete_calls_goldens(out))
    print(write_copied_items_goldens(out))
    print(write_previous_files_goldens(out))
    print(write_named_calls_goldens(out))
    print(write_named_optional_goldens(out))
    print(write_longest_spans_goldens(out))
    print(write_fill_order_goldens(out))
    print(write_sibling_calls_goldens(out))


if __name__ == "__main__":
    main()
