"""Trains one cluster with a recipe and writes its specialist directory; keeps the run's train.json."""

from __future__ import annotations

import json
import os
import random
import time
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Callable

import numpy as np
import torch

from . import PROMPT_FORMAT_VERSION, optional, pointer
from .augment import history_suffixes, tool_orders
from .call_limit import FEATURE as CALL_LIMIT, over_limit
from .clause_tools import (FEATURE as CLAUSE_TOOLS, UNMATCHED_TEXT, banned_name_slots, best_score, choose_threshold,
                           clauses, picked_tools)
from .dataset import Cluster, load_cluster
from .evaluate import evaluate, predict
from .features import build_features, rendered_texts
from .distinct_calls import FEATURE as DISTINCT_CALLS, repeating_answers
from .distinct_slots import FEATURE as DISTINCT_SLOTS, repeating_calls
from .hint_tools import CLAUSE_FEATURE as CLAUSE_HINT_TOOLS, FEATURE as HINT_TOOLS, banned_heads
from . import (chosen_calls, clause_calls, complete_calls, copied_items, cue_values, longest_spans, named_calls,
               named_optional, named_values, ordinal_items, previous_files, quoted_pairs, shaped_values, sibling_calls, single_calls,
               tag_lists, tag_slots, unit_numbers)
from .loop import train
from .model import base_model, merge_for_serving, scratch_model
from .lexical import initialise_embeddings
from .prompt import END, PAD, RESPONSE_HEAD as CALL_PREFIX, render_prompt, special_tokens
from .recipe import effective_recipe
from .remembered_keys import FEATURE as REMEMBERED_KEYS, choose_keys
from .retrieval import FEATURE as RETRIEVAL_HINT, HINT, Embedder, RetrievalIndex, query_text
from .slot_order import FEATURE as RECENT_SLOTS
from .spans import FEATURE as QUESTION_SPANS, pointer_token, pointer_tokens
from .slots import MAX_SLOT_CHARS, slot_token
from .tokenizer import base_tokenizer, save_tokenizer, train_tokenizer
from .tool_choice import FEATURE as TOOL_CHOICE, ToolChoice
from .unit_exponents import FEATURE as UNIT_EXPONENTS, copying_answers, exponent_tokens, user_text

@dataclass
class Options:
    recipe: str
    base: str | None = None
    max_minutes: float | None = None
    max_steps: int | None = None
    seed: int = 0
    min_examples: int | None = None
    output: Path | None = None
    threads: int | None = None
    eval_examples: int = 200
    skip_eval: bool = False
    recipe_overrides: dict | None = None  # merged over the recipe file (tests, experiments)


def seed_everything(seed: int, threads: int) -> None:
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)
    torch.set_num_threads(threads)
    # CPU kernels are deterministic for a fixed thread count; torch's deterministic mode only
    # slows them (measured 1.4x) without changing results, so it is left to GPUs.
    if torch.cuda.is_available():
        torch.use_deterministic_algorithms(True, warn_only=True)


def tool_names(cluster: Cluster) -> list[str]:
    """The cluster's tools plus every tool its training answers and histories call (each gets a
    call-head token). None when the requests bring their own tools: v2 prompts name them by slot."""
    if cluster.request_tools:
        return []
    names = {t.get("name") for t in cluster.tools if t.get("name")}
    for example in cluster.splits["train"]:
        names |= {c["name"] for c in example.target.get("tool_calls") or []}
        for message in example.messages:
            names |= {c["name"] for c in message.get("tool_calls") or []}
    return sorted(names)


def _example_count(cluster: Cluster) -> int:
    return len(cluster.splits["train"]) + len(cluster.splits["val"]) + len(cluster.splits["test"])


def train_cluster(run_dir: Path, cluster_id: str, options: Options, accelerator,
                  progress: Callable[[dict], None]) -> dict:
    """Returns the cluster's entry for train.json (trained or skipped, with the reason)."""
    effective = effective_recipe(options.recipe, options.recipe_overrides, {
        "max_steps": options.max_steps, "max_minutes": options.max_minutes,
        "min_examples": options.min_examples, "threads": options.threads or None})
    recipe = effective.settings
    if recipe.get("optional_arguments", "model") not in optional.POLICIES:
        raise ValueError(f"recipe {options.recipe}: optional_arguments {recipe['optional_arguments']!r} is not one of "
                         f"{', '.join(optional.POLICIES)}")
    max_minutes, min_examples, threads = recipe["max_minutes"], recipe["min_examples"], recipe["threads"]
    cluster = load_cluster(run_dir, cluster_id)
    train_examples = cluster.splits["train"]
    if len(train_examples) < min_examples:
        reason = (f"{len(train_examples)} training examples, fewer than the minimum {min_examples} "
                  f"(--min-examples); the cluster stays on the big model")
        return {"cluster": cluster.id, "status": "skipped", "reason": reason, "examples": _example_count(cluster)}
    if options.recipe in ("lora", "full") and not options.base:
        raise ValueError(f"recipe {options.recipe} needs --base PATH|HUB_ID (a base causal LM)")

    started, cpu_started = time.monotonic(), time.process_time()
    seed_everything(options.seed, threads)
    max_slots = recipe["max_slots"]
    prompt_features, feature_tokens, hint_of, retrieval = [], [], None, None
    # The prompt features are for agents whose tools are constant (multi-turn suites): there a call
    # head is one token and slot numbers are the conversation's values. A cluster whose requests
    # bring their own tools numbers its question's values from <S0> and names tools by slot (v3).
    multi_turn = not cluster.request_tools
    if recipe.get("retrieval_hint") and multi_turn:
        # Prompt feature retrieval_hint (retrieval.py): training prompts get their neighbours among
        # the other training examples (leave-one-out), held-out ones among all of them.
        embedder = Embedder()
        retrieval = RetrievalIndex.build(train_examples, embedder, int(recipe["retrieval_hint"]))
        hints = retrieval.hints_for(train_examples, embedder, leave_one_out=True)
        hints.update(retrieval.hints_for(cluster.splits["val"] + cluster.splits["test"], embedder))
        prompt_features, feature_tokens = [RETRIEVAL_HINT], [HINT]
        hint_of = lambda example: hints.get(id(example), "")  # noqa: E731
    # Prompt feature tag_slots (tag_slots.py): where training answers write #hashtags / @mentions.
    tags = bool(recipe.get(tag_slots.FEATURE)) and multi_turn and tag_slots.choose([e.target for e in train_examples])
    if tags:
        prompt_features.append(tag_slots.FEATURE)
    recent_slots = bool(recipe.get("recent_slots")) and multi_turn
    if recent_slots:
        prompt_features.append(RECENT_SLOTS)
    # Prompt feature question_spans (spans.py): `true` for clusters whose requests bring their own
    # tools (single-turn agents), "all" for every cluster.
    spans_option = recipe.get("question_spans", False)
    if spans_option not in (True, False, "all"):
        raise ValueError(f"recipe {options.recipe}: question_spans {spans_option!r} is not one of true, false, \"all\"")
    question_spans = spans_option == "all" or (spans_option is True and not multi_turn)
    if question_spans:
        prompt_features.append(QUESTION_SPANS)
        feature_tokens = feature_tokens + pointer_tokens()
    # Model option pointer_head (pointer.py): pointer logits by content, for the clusters whose
    # prompts carry question_spans' pointers.
    # `true`: over question_spans' pointers `<Wk>` (clusters that have them); "slots": over the value slots `<Sk>`.
    head_option = recipe.get(pointer.OPTION, False)
    if head_option not in (True, False, "slots"):
        raise ValueError(f"recipe {options.recipe}: pointer_head {head_option!r} is not one of true, false, \"slots\"")
    if head_option and options.recipe != "scratch":
        raise ValueError(f"recipe {options.recipe}: pointer_head is a scratch-recipe option")
    pointer_head = "slots" if head_option == "slots" else head_option is True and question_spans
    # Prompt feature hint_tools (hint_tools.py): decoding keeps to the nearest hint's tools.
    restrict_tools = bool(recipe.get("hint_tools")) and hint_of is not None
    if restrict_tools:
        prompt_features.append(HINT_TOOLS)
    # Prompt feature clause_hint_tools (hint_tools.py): the question's clauses' tools join the hint's.
    clause_hint = restrict_tools and bool(recipe.get(CLAUSE_HINT_TOOLS)) and len(cluster.tools) >= 2
    if clause_hint:
        prompt_features.append(CLAUSE_HINT_TOOLS)
    # Prompt feature tool_choice (tool_choice.py): a classifier fitted on the training answers
    # chooses the tools instead of the nearest hint (and the clauses).
    choice = None
    if restrict_tools and recipe.get(TOOL_CHOICE) and len(cluster.tools) >= 2:
        # The retrieval index holds these examples' query embeddings already (same texts, same order).
        choice = ToolChoice.fit(train_examples, [t.get("name") for t in cluster.tools], retrieval.embeddings)
        prompt_features.append(TOOL_CHOICE)
    # Prompt feature clause_tools (clause_tools.py): for requests that bring several tools, calls
    # keep to the tools the question's clauses pick by sentence embedding.
    clause_tools = bool(recipe.get("clause_tools")) and cluster.request_tools
    if clause_tools:
        prompt_features.append(CLAUSE_TOOLS)
    # Prompt feature clause_calls (clause_calls.py): a question of several clauses is answered
    # one clause at a time; training adds one copy per clause of the answers that decompose.
    by_clause = bool(recipe.get(clause_calls.FEATURE)) and cluster.request_tools
    if by_clause:
        prompt_features.append(clause_calls.FEATURE)
        feature_tokens = feature_tokens + [clause_calls.CLAUSE]
    embedders: list[Embedder] = []  # MiniLM, loaded when a request-tools feature first needs it

    def embed(texts):
        if not embedders:
            embedders.append(Embedder())
        return embedders[0].embed(texts)

    # Prompt feature unmatched_text (clause_tools.py): a question that matches none of its tools
    # is answered with text; the threshold comes from the training answers.
    unmatched = None
    if recipe.get("unmatched_text") and cluster.request_tools:
        unmatched = choose_threshold(train_examples, cluster.tools_of, embed)
        if unmatched is not None:
            prompt_features.append(UNMATCHED_TEXT)
    # Prompt feature call_limit (call_limit.py): an answer keeps at most the calls its question asks for.
    limit_calls = bool(recipe.get(CALL_LIMIT)) and cluster.request_tools
    if limit_calls:
        prompt_features.append(CALL_LIMIT)
        progress({"event": "note", "cluster": cluster.id,
                  "message": f"call_limit: {over_limit(train_examples)} training answers write more calls than "
                             f"their question's limit"})
    # Prompt feature unit_exponents (unit_exponents.py): a number written only as a unit's exponent
    # (`m/s^2`) is no argument value; listed only where no training answer copies one.
    exponents = bool(recipe.get(UNIT_EXPONENTS)) and cluster.request_tools and not copying_answers(
        train_examples, cluster.tools_of, max_slots)
    if exponents:
        prompt_features.append(UNIT_EXPONENTS)
    # Prompt feature sibling_calls (sibling_calls.py): a one-tool answer gets one call per value set
    # the question writes after the same words; the context size comes from the training answers.
    siblings = sibling_calls.choose(
        train_examples, sibling_calls.training_candidates(cluster, max_slots, prompt_features), cluster.tools_of,
        limit_calls) if recipe.get(sibling_calls.FEATURE) and cluster.request_tools else None
    if siblings is not None and siblings["context"] is not None:
        prompt_features.append(sibling_calls.FEATURE)
    def chosen(module, listed: str, on, *context) -> dict | None:
        """A constant-tool fill's choice from the training answers (`module.choose`, given `context`
        after the examples and tools) when `on` (its recipe key), listed in prompt_features when it
        lists something under `listed`."""
        choice = module.choose(train_examples, cluster.tools, *context) if on and multi_turn else None
        if choice is not None and choice[listed]:
            prompt_features.append(module.FEATURE)
        return choice

    # Prompt feature remembered_keys (remembered_keys.py): arguments that repeat an earlier value;
    # listed only when some key qualifies, so other specialists stay readable by older engines.
    remembered = choose_keys(train_examples, cluster.tools) if recipe.get("remembered_keys") and multi_turn else None
    if remembered is not None and remembered["keys"]:
        prompt_features.append(REMEMBERED_KEYS)
    # Prompt feature tag_lists (tag_lists.py): list arguments that are the question's #hashtags /
    # @handles; listed only when some argument qualifies.
    listed_tags = chosen(tag_lists, "arguments", recipe.get(tag_lists.FEATURE))
    # Prompt feature copied_items (copied_items.py): list arguments whose items the user wrote keep
    # only such items; listed only when some argument qualifies.
    copied = chosen(copied_items, "arguments", recipe.get(copied_items.FEATURE))
    # Prompt feature cue_values (cue_values.py): arguments the question names after a cue word.
    cues = chosen(cue_values, "arguments", recipe.get(cue_values.FEATURE), remembered["keys"] if remembered else ())
    # Prompt feature shaped_values (shaped_values.py): argument keys that take the question's only
    # word of a shape (an all-capitals word, a dollar amount).
    shaped = chosen(shaped_values, "arguments", recipe.get(shaped_values.FEATURE),
                    remembered["keys"] if remembered else ())
    # Prompt feature ordinal_items (ordinal_items.py): argument keys that take the item of the latest
    # listed tool result the question's "first" / "last" names.
    ordinals = chosen(ordinal_items, "keys", recipe.get(ordinal_items.FEATURE), remembered["keys"] if remembered else ())
    # Prompt feature unit_numbers (unit_numbers.py): number keys that take the number the question
    # writes right before the key's name ("13.2 gallons").
    units = chosen(unit_numbers, "keys", recipe.get(unit_numbers.FEATURE), remembered["keys"] if remembered else ())
    # Prompt feature quoted_pairs (quoted_pairs.py): two-argument tools that take the question's two
    # quoted spans in order.
    pairs = chosen(quoted_pairs, "pairs", recipe.get(quoted_pairs.FEATURE))
    # Prompt feature previous_files (previous_files.py): file arguments that take the conversation's
    # previous file when the question names none.
    prior_files = chosen(previous_files, "arguments", recipe.get(previous_files.FEATURE))
    # Prompt feature named_calls (named_calls.py): tools the training questions that name their
    # required arguments call first.
    added = chosen(named_calls, "tools", recipe.get(named_calls.FEATURE))
    # Prompt feature named_optional (named_optional.py): optional arguments written exactly when the
    # question names them.
    optional_named = chosen(named_optional, "arguments", recipe.get(named_optional.FEATURE))
    # Prompt feature chosen_calls (chosen_calls.py): argument-less tools the training answers call
    # whenever tool_choice, cross-fitted, chooses them (the retrieval index holds the examples'
    # query embeddings).
    called_when_chosen = None
    if choice is not None and recipe.get(chosen_calls.FEATURE):
        on_training = chosen_calls.cross_fitted(
            train_examples, [str(t.get("name")) for t in cluster.tools], retrieval.embeddings)
        called_when_chosen = chosen_calls.choose(train_examples, cluster.tools, lambda e: on_training[id(e)])
        if called_when_chosen["tools"]:
            prompt_features.append(chosen_calls.FEATURE)
    # Prompt feature single_calls (single_calls.py): tools no training answer calls twice, called once.
    singles = chosen(single_calls, "tools", recipe.get(single_calls.FEATURE))
    # Prompt feature named_values (named_values.py): arguments the question names by a quoted span
    # or a number after the argument's name.
    named = chosen(named_values, "arguments", recipe.get(named_values.FEATURE))
    # Prompt feature longest_spans (longest_spans.py): string arguments that take the longest quoted
    # span of the user turns, among the keys named_values does not list.
    longest = chosen(longest_spans, "arguments", recipe.get(longest_spans.FEATURE), named["arguments"] if named else ())
    # Prompt feature distinct_calls (distinct_calls.py): only where no training answer repeats a call.
    distinct = bool(recipe.get("distinct_calls")) and multi_turn and not repeating_answers(
        [e.target for e in train_examples])
    if distinct:
        prompt_features.append(DISTINCT_CALLS)
    # Prompt feature complete_calls (complete_calls.py): an answer cut at max_new_tokens keeps its
    # complete calls; nothing to learn, so every cluster lists it when the recipe turns it on.
    complete = bool(recipe.get(complete_calls.FEATURE))
    if complete:
        prompt_features.append(complete_calls.FEATURE)
    # Prompt feature distinct_slots (distinct_slots.py): only where no training call repeats a value
    # (and not with pointer_head, whose decoding evaluate.py does not track).
    distinct_values = bool(recipe.get(DISTINCT_SLOTS)) and multi_turn and not pointer_head and not repeating_calls(
        [e.target for e in train_examples])
    if distinct_values:
        prompt_features.append(DISTINCT_SLOTS)
    if options.recipe == "scratch":
        settings = recipe["tokenizer"]
        tokenizer = train_tokenizer(rendered_texts(train_examples, max_slots, cluster.tools_of, hint_of, recent_slots,
                                                   question_spans, tags),
                                    settings["vocab_size"], settings["min_frequency"], max_slots, tool_names(cluster),
                                    feature_tokens)
        model = scratch_model(recipe["model"], tokenizer)
        if pointer_head == "slots":
            pointer.attach(model, tokenizer.convert_tokens_to_ids(slot_token(0)), max_slots)
        elif pointer_head:
            pointer.attach(model, tokenizer.convert_tokens_to_ids(pointer_token(0)), len(pointer_tokens()))
        if recipe.get("init_embeddings") == "minilm":
            note = initialise_embeddings(model, tokenizer, len(special_tokens(max_slots)))
            progress({"event": "note", "cluster": cluster.id, "message": f"lexical embeddings: {note}"})
    else:
        tokenizer = base_tokenizer(options.base, max_slots, tool_names(cluster), feature_tokens)
        model = base_model(options.base, tokenizer, recipe)
    build = lambda examples: build_features(examples, tokenizer, recipe["max_prompt_tokens"],  # noqa: E731
                                            recipe["max_target_tokens"], max_slots, cluster.tools_of, hint_of,
                                            recent_slots, question_spans, tags)
    suffixes = [s for e in train_examples
                for s in history_suffixes(e, cluster.tools_of(e), max_slots, recipe.get("history_suffixes", 0))]
    if cluster.request_tools:
        suffixes += [s for e in train_examples
                     for s in tool_orders(e, cluster.tools_of(e), recipe.get("tool_orders", 0), options.seed)]
    if by_clause:
        suffixes += [c for e in train_examples for c in clause_calls.clause_copies(e)]
    train_features, val_features = build(train_examples + suffixes), build(cluster.splits["val"])
    pad_id = tokenizer.convert_tokens_to_ids(PAD) if PAD in tokenizer.get_vocab() else tokenizer.pad_token_id
    end_id = tokenizer.convert_tokens_to_ids(END)
    progress({"event": "start", "cluster": cluster.id, "recipe": options.recipe, "train": len(train_features),
              "val": len(val_features), "test": len(cluster.splits["test"]),
              "parameters": sum(p.numel() for p in model.parameters())})
    if remembered is not None:
        progress({"event": "note", "cluster": cluster.id,
                  "message": f"remembered_keys {remembered['keys']} (right/seen per key: {remembered['counts']})"})
    slot_ids = tokenizer.convert_tokens_to_ids([slot_token(i) for i in range(max_slots)])
    val_score = None
    if recipe.get("select_by") == "exact" and val_features:
        scored, new_tokens = val_features[: recipe["val_examples"]], max(len(f.target_ids) for f in train_features) + 8

        def val_score(candidate) -> float:
            return sum(predict(candidate, tokenizer, f, cluster.tools, end_id, max_slots, new_tokens).correct
                       for f in scored) / len(scored)

    result = train(model, train_features, val_features, recipe, options.seed, pad_id, max_minutes, accelerator,
                   lambda event: progress({**event, "cluster": cluster.id}), slot_ids, val_score)
    train_seconds, train_cpu_seconds = time.monotonic() - started, time.process_time() - cpu_started
    model = merge_for_serving(accelerator.unwrap_model(model))

    out_dir = (options.output or run_dir / "specialists") / cluster.id
    max_new_tokens = max(len(f.target_ids) for f in train_features) + 32
    optional_policy, optional_choice = recipe.get("optional_arguments", "model"), None
    if optional_policy == "auto":
        optional_policy, optional_choice = optional.choose(train_examples, lambda e: cluster.tools_of(e) or cluster.tools)
        progress({"event": "note", "cluster": cluster.id,
                  "message": f"optional_arguments {optional_policy} (training answers fill {optional_choice['used']} "
                             f"of {optional_choice['possible']} optional arguments)"})
    exact, retrieval_info, choice_info = None, None, None
    if accelerator.is_main_process:
        out_dir.mkdir(parents=True, exist_ok=True)
        model.generation_config.update(do_sample=False, max_new_tokens=max_new_tokens,
                                       bos_token_id=model.config.bos_token_id, eos_token_id=end_id,
                                       pad_token_id=pad_id)
        model.save_pretrained(str(out_dir), safe_serialization=True)
        save_tokenizer(tokenizer, out_dir)
        retrieval_info = retrieval.save(out_dir) if retrieval is not None else None
        choice_info = choice.save(out_dir) if choice is not None else None
        if not options.skip_eval and cluster.splits["test"]:
            test_features = build(cluster.splits["test"][: options.eval_examples])
            banned_for, chosen_for = None, None
            if choice is not None:
                # tool_choice's query of each test question (a clause's prompt shares its
                # question's), embedded once for chosen_for and banned_for
                texts = sorted({query_text(f.example.messages) for f in test_features})
                test_queries = dict(zip(texts, embed(texts))) if texts else {}

                def choice_query(f):
                    return test_queries[query_text(f.example.messages)]
            if called_when_chosen is not None and called_when_chosen["tools"]:
                # tool_choice's choice restricts decoding whatever the nearest hint (Swift alike)
                chosen_for = lambda f: choice.chosen(choice_query(f), f.example.messages)  # noqa: E731
            if restrict_tools:
                banned_for = lambda f: banned_heads(  # noqa: E731
                    tokenizer, hint_of(f.example), [t.get("name") for t in cluster.tools], tool_names(cluster),
                    picked_tools(query_text(f.example.messages), cluster.tools, embed) if clause_hint else None,
                    choice.chosen(choice_query(f), f.example.messages) if choice else None)
            elif clause_tools or unmatched is not None or exponents:
                call_prefix = tokenizer.get_vocab().get(CALL_PREFIX)

                def banned_for(f):
                    tools, question = f.tools or cluster.tools, query_text(f.example.messages)
                    # a clause's prompt (clause_calls) keeps to the tool its clause picks
                    asked = question if f.example.clause is None else clauses(question)[f.example.clause]
                    banned = banned_name_slots(tokenizer, f.slots, tools, picked_tools(asked, tools, embed)) \
                        if clause_tools else []
                    score = best_score(question, tools, embed) if unmatched is not None else None
                    if score is not None and score < unmatched["threshold"] and call_prefix is not None:
                        banned.append(call_prefix)  # a text answer: never open the calls
                    if exponents:
                        banned += exponent_tokens(tokenizer, f.slots, user_text(f.example.messages))
                    return banned
            clauses_for = None
            if by_clause:
                def clauses_for(f):
                    count = len(clauses(query_text(f.example.messages)))
                    return build([replace(f.example, clause=k) for k in range(count)]) if count >= 2 else []
            exact, predictions = evaluate(model, tokenizer, test_features, cluster.tools, end_id, max_slots,
                                          max_new_tokens, [e.target for e in train_examples],
                                          omit=optional_policy == "omit", banned_for=banned_for,
                                          remembered=remembered["keys"] if remembered else (), distinct=distinct,
                                          distinct_slots=distinct_values, clauses_for=clauses_for,
                                          call_limit=limit_calls,
                                          tag_lists=listed_tags["arguments"] if listed_tags else (),
                                          cue_values=cues["arguments"] if cues else (),
                                          single_calls=singles["tools"] if singles else (),
                                          named_values=named["arguments"] if named else (),
                                          quoted_pairs=pairs["pairs"] if pairs else (),
                                          complete=complete, named_calls=added,
                                          named_optional=optional_named["arguments"] if optional_named else (),
                                          previous_files=prior_files["arguments"] if prior_files else (),
                                          copied_items=copied["arguments"] if copied else (),
                                          sibling_calls=siblings["context"] if siblings else None,
                                          longest_spans=longest["arguments"] if longest else (),
                                          chosen_calls=called_when_chosen["tools"] if called_when_chosen else (),
                                          chosen_for=chosen_for,
                                          shaped_values=shaped["arguments"] if shaped else (),
                                          ordinal_items=ordinals["keys"] if ordinals else (),
                                          unit_numbers=units["keys"] if units else ())
            with (out_dir / "predictions.jsonl").open("w") as handle:
                for p in predictions:
                    handle.write(json.dumps({"id": p.id, "correct": p.correct, "text": p.text,
                                             "response": p.response, "error": p.error}, ensure_ascii=False) + "\n")
    wall = time.monotonic() - started
    specialist = {
        "format": 1,
        "cluster": cluster.id,
        "label": cluster.info.get("label"),
        "prefix_hash": cluster.prefix_hash,
        "prompt_format": PROMPT_FORMAT_VERSION,
        "prompt_features": prompt_features,
        "recipe": options.recipe,
        "recipe_settings": recipe,  # recipe.py: the file's settings with the command line's changes
        "recipe_overrides": effective.overrides,
        "base": options.base,
        "train_loss": round(result.train_loss, 6),
        "val_loss": None if result.val_loss is None else round(result.val_loss, 6),
        "tokens_seen": result.tokens_seen,
        "wall_seconds": round(wall, 2),
        "train_seconds": round(train_seconds, 2),
        "train_cpu_seconds": round(train_cpu_seconds, 2),
        "steps": result.steps,
        "best_step": result.best_step,
        "stopped_by": result.stopped_by,
        "schedule_steps": result.schedule_steps,
        "seed": options.seed,
        "examples": {"train": len(train_examples), "val": len(val_features), "test": len(cluster.splits["test"]),
                     "history_suffixes": len(suffixes)},
        "slots": {"scheme": "value-slots-v1", "max_slots": max_slots, "max_slot_chars": MAX_SLOT_CHARS,
                  "token": "<S{n}>"},
        "max_prompt_tokens": recipe["max_prompt_tokens"],
        "max_new_tokens": max_new_tokens,
        "request_tools": cluster.request_tools,
        "optional_arguments": optional_policy,
        **({"optional_arguments_choice": optional_choice} if optional_choice else {}),
        "exact_match": exact,
        "tools": cluster.tools,
    }
    if retrieval is not None:
        specialist["retrieval"] = retrieval_info
    if choice is not None:
        specialist["tool_choice"] = choice_info
    if remembered is not None:
        specialist["remembered_keys"] = remembered
    if listed_tags is not None and listed_tags["arguments"]:
        specialist["tag_lists"] = listed_tags
    if copied is not None and copied["arguments"]:
        specialist["copied_items"] = copied
    if cues is not None and cues["arguments"]:
        specialist["cue_values"] = cues
    if shaped is not None and shaped["arguments"]:
        specialist["shaped_values"] = shaped
    if ordinals is not None and ordinals["keys"]:
        specialist["ordinal_items"] = ordinals
    if units is not None and units["keys"]:
        specialist["unit_numbers"] = units
    if singles is not None and singles["tools"]:
        specialist["single_calls"] = singles
    if named is not None and named["arguments"]:
        specialist["named_values"] = named
    if longest is not None and longest["arguments"]:
        specialist["longest_spans"] = longest
    if pairs is not None and pairs["pairs"]:
        specialist["quoted_pairs"] = pairs
    if prior_files is not None and prior_files["arguments"]:
        specialist["previous_files"] = prior_files
    if added is not None and added["tools"]:
        specialist["named_calls"] = added
    if optional_named is not None and optional_named["arguments"]:
        specialist["named_optional"] = optional_named
    if called_when_chosen is not None and called_when_chosen["tools"]:
        specialist["chosen_calls"] = called_when_chosen
    if unmatched is not None:
        specialist["unmatched_text"] = unmatched
    if siblings is not None and siblings["context"] is not None:
        specialist["sibling_calls"] = siblings
    if accelerator.is_main_process:
        # allow_nan=False: NaN is not JSON, and the Swift engine would refuse the specialist.
        text = json.dumps(specialist, indent=1, ensure_ascii=False, allow_nan=False)
        (out_dir / "specialist.json").write_text(text + "\n")
    accelerator.wait_for_everyone()
    summary = {k: specialist[k] for k in ("cluster", "recipe", "base", "train_loss", "val_loss", "tokens_seen",
                                          "wall_seconds", "train_cpu_seconds", "steps", "stopped_by",
                                          "schedule_steps", "exact_match")}
    return {**summary, "status": "trained", "specialist": str(out_dir)}


def write_summary(run_dir: Path, entries: list[dict], options: Options) -> Path:
    """Merges this invocation's entries into the run's train.json (one entry per cluster)."""
    path = run_dir / "train.json"
    previous = {}
    if path.exists():
        try:
            previous = {e["cluster"]: e for e in json.loads(path.read_text()).get("clusters", [])}
        except (ValueError, KeyError, AttributeError):
            previous = {}
    for entry in entries:
        previous[entry["cluster"]] = entry
    summary = {"format": 1, "recipe": options.recipe, "updated": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
               "clusters": [previous[k] for k in sorted(previous)]}
    tmp = path.with_suffix(".json.tmp")
    tmp.write_text(json.dumps(summary, indent=1, ensure_ascii=False) + "\n")
    os.replace(tmp, path)
    return path
