"""Held-out evaluation: greedy decoding, slot restoration, exact tool-call match.

Decoding is constrained lightly: slot tokens the prompt does not have and role tokens can never be
generated. A match needs the same content and the same tool calls (names and arguments, numbers
compared by value, parallel calls in any order)."""

from __future__ import annotations

import inspect
import json
from dataclasses import dataclass

import torch

from . import pointer
from .call_limit import cut as cut_to_limit
from .complete_calls import keep_complete
from .distinct_calls import cut_repeats
from .distinct_slots import SlotMemory
from .features import Feature
from .optional import omit_optional
from .population import answer_leaves, built_from_request
from .prompt import ANSWER, ASSISTANT, BOS, PAD, TOOL, TOOLS, USER, parse_response
from .remembered_keys import fill
from .tag_lists import fill as fill_tag_lists
from .cue_values import fill as fill_cue_values
from .shaped_values import fill as fill_shaped_values
from .ordinal_items import fill as fill_ordinal_items
from .unit_numbers import fill as fill_unit_numbers
from .named_values import fill as fill_named_values
from .longest_spans import fill as fill_longest_spans
from .quoted_pairs import fill as fill_quoted_pairs
from .copied_items import fill as fill_copied_items
from .previous_files import fill as fill_previous_files
from .chosen_calls import fill as fill_chosen_calls
from .named_calls import fill as fill_named_calls
from .named_optional import fill as fill_named_optional
from .sibling_calls import candidates as sibling_candidates, expand as expand_siblings
from .single_calls import cut as cut_single
from .clause_calls import CLAUSE, merged
from .retrieval import HINT, query_text
from .slots import restore_response, slot_token
from .spans import MAX_POINTERS, pointer_token


def _canonical(value):
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return value
    if isinstance(value, (int, float)):
        return int(value) if float(value).is_integer() else float(value)
    if isinstance(value, dict):
        return {k: _canonical(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_canonical(v) for v in value]
    return value


def response_key(response: dict) -> tuple:
    calls = sorted(json.dumps({"name": c.get("name"), "arguments": _canonical(c.get("arguments") or {})},
                              sort_keys=True, ensure_ascii=False) for c in response.get("tool_calls") or [])
    content = response.get("content") or None
    return (content, tuple(calls))


def exact_match(predicted: dict | None, expected: dict) -> bool:
    return predicted is not None and response_key(predicted) == response_key(expected)


def banned_ids(tokenizer, slot_count: int, max_slots: int, unit_count: int = 0) -> list[int]:
    tokens = [PAD, BOS, USER, ASSISTANT, TOOL, ANSWER, TOOLS, HINT, CLAUSE] + [slot_token(i) for i in range(slot_count, max_slots)]
    tokens += [pointer_token(i) for i in range(unit_count, MAX_POINTERS)]
    vocabulary = tokenizer.get_vocab()
    return [vocabulary[t] for t in tokens if t in vocabulary]


def cached_forward(module, input_ids: torch.Tensor, cache=None):
    """`module` (a causal LM or its decoder stack) run with the KV cache; returns (output, cache).
    transformers renamed past_key_values to cache (5.2x); both are accepted."""
    if cache is None:
        output = module(input_ids=input_ids, use_cache=True)
    elif "cache" in inspect.signature(module.forward).parameters:
        output = module(input_ids=input_ids, cache=cache, use_cache=True)
    else:
        output = module(input_ids=input_ids, past_key_values=cache, use_cache=True)
    return output, (output.cache if hasattr(output, "cache") else output.past_key_values)


@torch.no_grad()
def greedy(model, prompt_ids: list[int], end_id: int, banned: list[int], max_new_tokens: int,
           slot_memory=None) -> list[int]:
    """`slot_memory`: a distinct_slots.SlotMemory (prompt feature `distinct_slots`), or None."""
    device = next(model.parameters()).device
    output, past = cached_forward(model, torch.tensor([prompt_ids], device=device))
    logits = output.logits[0, -1].float()
    generated: list[int] = []
    ban = torch.tensor(banned, device=device, dtype=torch.long)
    for _ in range(max_new_tokens):
        logits[ban] = -torch.inf
        if slot_memory is not None and slot_memory.written:
            logits[torch.tensor(slot_memory.banned, device=device, dtype=torch.long)] = -torch.inf
        token = int(torch.argmax(logits))
        if token == end_id:
            break
        generated.append(token)
        if slot_memory is not None:
            slot_memory.accept(token)
        output, past = cached_forward(model, torch.tensor([[token]], device=device), past)
        logits = output.logits[0, -1].float()
    return generated


@dataclass
class Prediction:
    id: str
    text: str
    response: dict | None
    error: str | None
    correct: bool


def predict(model, tokenizer, feature: Feature, tools: list[dict], end_id: int, max_slots: int,
            max_new_tokens: int, omit: bool = False, also_banned: list[int] = (),
            remembered: list[str] = (), distinct: bool = False, distinct_slots: bool = False,
            clauses: list[tuple] = (), call_limit: bool = False, tag_lists: list[dict] = (),
            cue_values: list[dict] = (), single_calls: list[str] = (), named_values: list[dict] = (),
            quoted_pairs: list[dict] = (), complete: bool = False, named_calls: dict | None = None,
            named_optional: list[dict] = (), copied_items: list[dict] = (),
            previous_files: list[dict] = (), sibling_calls: int | None = None,
            longest_spans: list[dict] = (), chosen_calls: list[dict] = (),
            chosen: list[str] | None = None, shaped_values: list[dict] = (),
            ordinal_items: list[str] = (), unit_numbers: list[str] = ()) -> Prediction:
    """Greedy answer, restored; `omit`: optional arguments dropped (optional.py, policy `omit`);
    `also_banned`: more token ids never to generate (hint_tools.py); `remembered`: argument keys
    filled from the conversation's memory (remembered_keys.py); `distinct`: the answer ends before
    its first repeated call (distinct_calls.py); `distinct_slots`: a call never writes one slot twice
    (distinct_slots.py); `clauses`: the question's per-clause features and their banned ids (prompt
    feature clause_calls), answered one after another and merged; `call_limit`: the answer keeps
    at most the calls its question asks for (call_limit.py); `tag_lists`: list arguments set to the
    question's #hashtags / @handles (tag_lists.py); `cue_values`: arguments set to the value the
    question names after a cue word (cue_values.py), before the `remembered` fill; `single_calls`:
    tools whose second and later calls are dropped (single_calls.py), before the fills; `named_values`:
    arguments set to the quoted span or number the question names for them (named_values.py), after
    the cut and before the other fills; `quoted_pairs`: two-argument tools set to the question's two
    quoted spans (quoted_pairs.py), after `cue_values`; `complete`: an answer cut at max_new_tokens
    keeps its complete calls (complete_calls.py); `named_calls`: its entry, the tools whose call is
    added when the question names their required arguments and the word keys (named_calls.py),
    after the cut; `named_optional`:
    optional arguments dropped where the question does not name them (named_optional.py);
    `copied_items`: list arguments cut to the items the request's texts hold (copied_items.py);
    `previous_files`: file arguments set to the conversation's previous file when the question names
    none (previous_files.py); `longest_spans`: string arguments set to the longest quoted span of the
    user turns (longest_spans.py); `shaped_values`: argument keys set to the question's only word of a
    shape (shaped_values.py); `ordinal_items`: argument keys set to the item of the latest listed
    tool result the question's "first" / "last" names (ordinal_items.py); `unit_numbers`: number
    keys set to the number the question writes right before the key's name (unit_numbers.py);
    `chosen_calls`: argument-less tools called when `chosen` (tool_choice's choice, None when it
    restricted nothing) holds them and the answer leaves them out (chosen_calls.py); the fills run
    in `filled`, in FILL_ORDER (chosen_calls last);
    `sibling_calls`: the context size of a one-tool answer's expansion into one call per sibling value
    set (sibling_calls.py), after every fill."""
    def siblings(response: dict) -> dict:
        messages = feature.example.messages
        return expand_siblings(response, messages, sibling_candidates(feature.slots, messages), sibling_calls,
                               feature.tools or tools, call_limit) if sibling_calls else response

    if clauses:
        # each clause is answered without clauses, sibling expansion or tool_choice's restriction:
        # those act once on the merged answer below
        parts = [predict(model, tokenizer, f, tools, end_id, max_slots, max_new_tokens, omit=omit,
                         also_banned=banned, remembered=remembered, distinct=distinct,
                         distinct_slots=distinct_slots, call_limit=call_limit, tag_lists=tag_lists,
                         cue_values=cue_values, single_calls=single_calls, named_values=named_values,
                         quoted_pairs=quoted_pairs, complete=complete, named_calls=named_calls,
                         named_optional=named_optional, copied_items=copied_items,
                         previous_files=previous_files, longest_spans=longest_spans, shaped_values=shaped_values,
                         ordinal_items=ordinal_items, unit_numbers=unit_numbers)
                 for f, banned in clauses]
        response = merged([p.response for p in parts])
        if response is not None:
            response = siblings(response)  # the merged answer, expanded once against the whole question
            text = "\n".join(p.text for p in parts)
            return Prediction(feature.example.id, text, response, None, exact_match(response, feature.example.target))
    units = len(feature.slots.units.units) if feature.slots.units is not None else 0
    decode = pointer.greedy if pointer.head_of(model) is not None else greedy
    banned = banned_ids(tokenizer, len(feature.slots.slots), max_slots, units) + list(also_banned)
    if distinct_slots:  # run.py lists the feature only without pointer_head
        ids = greedy(model, feature.prompt_ids, end_id, banned, max_new_tokens, SlotMemory(tokenizer))
    else:
        ids = decode(model, feature.prompt_ids, end_id, banned, max_new_tokens)
    text = tokenizer.backend_tokenizer.decode(ids, skip_special_tokens=False)
    if distinct:
        text = cut_repeats(text)
    if call_limit:
        text = cut_to_limit(text, query_text(feature.example.messages))
    if complete:
        text = keep_complete(text)
    try:
        response = restore_response(parse_response(text), feature.slots, feature.tools or tools)
        if omit:
            response = omit_optional(response, feature.tools or tools)
        response = filled(response, feature.example.messages, feature.tools or tools, {
            "single_calls": single_calls, "named_calls": named_calls, "named_optional": named_optional,
            "named_values": named_values, "longest_spans": longest_spans,
            "cue_values": cue_values, "shaped_values": shaped_values, "unit_numbers": unit_numbers,
            "quoted_pairs": quoted_pairs, "remembered_keys": remembered,
            "tag_lists": tag_lists, "copied_items": copied_items, "previous_files": previous_files,
            "chosen_calls": chosen_calls, "ordinal_items": ordinal_items}, chosen=chosen)
        response = siblings(response)
        error = None
    except (ValueError, IndexError, KeyError) as problem:
        response, error = None, str(problem)
    return Prediction(feature.example.id, text, response, error, exact_match(response, feature.example.target))


# The answer fills in PROMPT_FORMAT.md's order (the Swift engine's `Specialist.filled` runs the
# same): the `single_calls` cut, `named_calls` (calls added before values are set), `named_optional`
# (optional arguments the question does not name dropped), `ordinal_items` (a position the question
# names; every later fill that reads a value the question writes wins), `named_values`, `longest_spans` (the
# spans named_values leaves), `cue_values`, `shaped_values`, `unit_numbers`, `quoted_pairs`, `remembered_keys` (a key the
# conversation remembers keeps its value over a cue's), `tag_lists`, `copied_items` (it drops what the request does not hold) and
# `previous_files` (the last word on a file the question does not name); each later fill overwrites
# a key an earlier one set; then `chosen_calls` (chosen_calls.py), which inserts the chosen
# argument-less tools the answer left out among the calls the other fills left (a tool with an
# empty `after` list ahead of a login `named_calls` added). The golden file `fill_order.jsonl` pins
# the order for both engines.
FILL_ORDER = ("single_calls", "named_calls", "named_optional", "ordinal_items", "named_values", "longest_spans", "cue_values",
              "shaped_values", "unit_numbers", "quoted_pairs", "remembered_keys", "tag_lists", "copied_items", "previous_files",
              "chosen_calls")
_FILLS = {"single_calls": lambda response, messages, listed, tools: cut_single(response, listed),
          # named_calls' listing is its whole entry: the tools and the word keys
          "named_calls": lambda response, messages, entry, tools: fill_named_calls(
              response, messages, entry["tools"], tools, entry.get("words", ())),
          "named_optional": fill_named_optional, "ordinal_items": fill_ordinal_items,
          "named_values": fill_named_values,
          "longest_spans": fill_longest_spans, "cue_values": fill_cue_values, "shaped_values": fill_shaped_values,
          "unit_numbers": fill_unit_numbers,
          "quoted_pairs": fill_quoted_pairs,
          "remembered_keys": fill,
          "tag_lists": lambda response, messages, listed, tools: fill_tag_lists(response, messages, listed),
          "copied_items": fill_copied_items, "previous_files": fill_previous_files}


def filled(response: dict, messages: list[dict], tools: list[dict], fills: dict[str, list],
           order: tuple[str, ...] = FILL_ORDER, chosen: list[str] | None = None) -> dict:
    """The restored response with the answer fills applied in `order`; `fills`: each feature's
    listing (specialist.json `single_calls.tools`, `named_values.arguments`, `quoted_pairs.pairs`,
    `remembered_keys.keys`, `chosen_calls.tools`, ...; `named_calls`: its whole entry, `{"tools",
    "words"}`), a feature absent or listing nothing is
    skipped; `chosen`: the tools `tool_choice` chose where it restricted decoding (None: it
    restricted nothing), which `chosen_calls` reads."""
    for feature in order:
        if fills.get(feature):
            if feature == "chosen_calls":
                response = fill_chosen_calls(response, chosen, fills[feature])
            else:
                response = _FILLS[feature](response, messages, fills[feature], tools)
    return response


def is_copyable(feature: Feature, seen_literals: set[str], seen_contents: set) -> bool:
    """Whether the answer can be built from the request (slots) and what training answers showed:
    every argument value is in a slot or was a literal of some training answer, and a text answer
    was seen in training. Held-out answers outside this set need knowledge the cluster lacks."""
    target = feature.example.target
    if target.get("content") and target["content"] not in seen_contents:
        return False
    for leaf in answer_leaves(target):
        if isinstance(leaf, bool) or leaf is None:
            continue
        if feature.slots.find(leaf) is None and json.dumps(leaf) not in seen_literals:
            return False
    return True


def evaluate(model, tokenizer, features: list[Feature], tools: list[dict], end_id: int, max_slots: int,
             max_new_tokens: int, train_targets: list[dict] | None = None,
             omit: bool = False, banned_for=None, remembered: list[str] = (),
             distinct: bool = False, distinct_slots: bool = False, clauses_for=None,
             call_limit: bool = False, tag_lists: list[dict] = (),
             cue_values: list[dict] = (), single_calls: list[str] = (),
             named_values: list[dict] = (), quoted_pairs: list[dict] = (),
             complete: bool = False, named_calls: dict | None = None,
             named_optional: list[dict] = (), copied_items: list[dict] = (),
             previous_files: list[dict] = (), sibling_calls: int | None = None,
             longest_spans: list[dict] = (), chosen_calls: list[dict] = (),
             chosen_for=None, shaped_values: list[dict] = (),
             ordinal_items: list[str] = (), unit_numbers: list[str] = ()) -> tuple[dict, list[Prediction]]:
    """`banned_for(feature)`: token ids that feature's answer must not write (prompt feature
    `hint_tools`), None for none; `remembered`: prompt feature `remembered_keys`'s keys;
    `distinct`: prompt feature `distinct_calls`; `clauses_for(feature)`: its per-clause features
    (prompt feature `clause_calls`, each banned by `banned_for`), empty for none; `call_limit`:
    prompt feature `call_limit`; `tag_lists` / `cue_values` / `named_values`: those prompt features' arguments;
    `single_calls`: that prompt feature's tools; `quoted_pairs`: that prompt feature's pairs; `complete`:
    prompt feature `complete_calls`; `named_calls`: that prompt feature's entry (tools, word keys); `named_optional` /
    `copied_items` / `previous_files` / `longest_spans` / `shaped_values`: those prompt features' arguments;
    `ordinal_items`: that prompt feature's keys;
    `unit_numbers`: that prompt feature's keys;
    `sibling_calls`: that prompt feature's context size; `chosen_calls`: that prompt feature's tools,
    `chosen_for(feature)` the tools tool_choice chose for its answer (None: it restricted nothing)."""
    model.eval()
    predictions = [predict(model, tokenizer, f, tools, end_id, max_slots, max_new_tokens, omit=omit,
                           also_banned=banned_for(f) if banned_for else (), remembered=remembered,
                           distinct=distinct, distinct_slots=distinct_slots,
                           clauses=[(c, banned_for(c) if banned_for else ()) for c in clauses_for(f)]
                           if clauses_for else (),
                           call_limit=call_limit, tag_lists=tag_lists, cue_values=cue_values,
                           single_calls=single_calls, named_values=named_values, quoted_pairs=quoted_pairs,
                           complete=complete, named_calls=named_calls, named_optional=named_optional,
                           copied_items=copied_items, previous_files=previous_files, sibling_calls=sibling_calls,
                           longest_spans=longest_spans, chosen_calls=chosen_calls,
                           chosen=chosen_for(f) if chosen_for else None, shaped_values=shaped_values,
                           ordinal_items=ordinal_items, unit_numbers=unit_numbers)
                   for f in features]
    correct = sum(p.correct for p in predictions)
    weights = [f.example.weight for f in features]
    weighted = sum(w for w, p in zip(weights, predictions) if p.correct)
    summary = {"split": "test", "examples": len(predictions), "correct": correct,
               "rate": round(correct / len(predictions), 4) if predictions else None,
               "traffic_rate": round(weighted / sum(weights), 4) if predictions else None,
               "unparsable": sum(p.error is not None for p in predictions)}
    # The population: tool-call answers whose every value occurs in the request
    # (population.py). Reported whether or not training targets are given.
    flags = [built_from_request(f.example.target, f.example.messages, f.tools or tools, f.slots) for f in features]
    hits = sum(p.correct for p, flag in zip(predictions, flags) if flag)
    summary["in_request"] = {"examples": sum(flags), "correct": hits,
                             "rate": round(hits / sum(flags), 4) if any(flags) else None}
    if train_targets is not None:
        literals = {json.dumps(leaf) for t in train_targets for leaf in answer_leaves(t)}
        contents = {t.get("content") for t in train_targets if t.get("content")}
        flags = [is_copyable(f, literals, contents) for f in features]
        hits = sum(p.correct for p, flag in zip(predictions, flags) if flag)
        summary["copyable"] = {"examples": sum(flags), "correct": hits,
                               "rate": round(hits / sum(flags), 4) if any(flags) else None}
    return summary, predictions
