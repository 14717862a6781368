"""Golden files that let another implementation (the Swift inference engine) prove it renders,
tokenizes and computes exactly as the trainer does.

    python -m distill.trainer.golden prompts --out distill/trainer/tests/golden
        prompt-format cases: messages → prompt text, slots, target text, token ids
    python -m distill.trainer.golden logits --specialist RUN/specialists/ID --run-dir RUN [--count 4]
        input ids + last-position logits (and the greedy answer) of a trained specialist
    python -m distill.trainer.golden tiny --out distill/trainer/tests/golden/tiny-specialist
        a tiny scratch specialist (committed, ~60 KB) with its golden logits
    python -m distill.trainer.golden tiny-pointer
        the same with question_spans and model option pointer_head (pointer.py), plus the logits
        of the first answer tokens
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import torch

from . import PROMPT_FORMAT_VERSION
from .features import rendered_texts, truncate_prompt
from .prompt import END, render_prompt, render_target
from .tokenizer import encode, train_tokenizer

ANSWER_STEPS = 3  # answer rows (after a pointer) whose logits a pointer-head golden file pins

CASE_TOOLS = [
    {"name": "send_message", "parameters": {"type": "object", "properties": {
        "receiver_id": {"type": "string"}, "message": {"type": "string"}}}},
    {"name": "transfer", "parameters": {"type": "object", "properties": {
        "amount": {"type": "number"}, "count": {"type": "integer"}, "to": {"type": "string"},
        "tags": {"type": "array", "items": {"type": "string"}}}}},
    {"name": "ls", "parameters": {"type": "object", "properties": {"a": {"type": "boolean"}}}},
]


def golden_cases() -> list[dict]:
    """Inputs chosen to pin every rule of PROMPT_FORMAT.md."""
    from .dataset import Example  # noqa: F401  (documented shape: messages + target)

    return [
        {"name": "single_user_turn",
         "messages": [{"role": "user", "content": "Send 'Lunch at 12?' to USR002 and copy notes.txt, please."}],
         "target": {"content": None, "tool_calls": [
             {"name": "send_message", "arguments": {"receiver_id": "USR002", "message": "Lunch at 12?"}}]}},
        {"name": "numbers_names_and_literals",
         "messages": [{"role": "user", "content": "Move -12.5 dollars to Anna Lee twice, tag it `rent` and 'May'."}],
         "target": {"content": None, "tool_calls": [
             {"name": "transfer", "arguments": {"to": "Anna Lee", "amount": -12.5, "count": 2,
                                                "tags": ["rent", "May"]}}]}},
        {"name": "history_with_tool_results",
         "messages": [
             {"role": "user", "content": "List everything here, hidden files too."},
             {"role": "assistant", "content": None, "tool_calls": [{"name": "ls", "arguments": {"a": True}}]},
             {"role": "tool", "content": '{"current_directory_content": ["report.pdf", ".env", "2024"], "n": 3}'},
             {"role": "tool", "content": "plain text result: 42 files in /home/u"},
             {"role": "user", "content": "Send the first one to USR7."}],
         "target": {"content": None, "tool_calls": [
             {"name": "send_message", "arguments": {"receiver_id": "USR7", "message": "report.pdf"}}]}},
        {"name": "parallel_calls",
         "messages": [{"role": "user", "content": "Pay 10 to ACME and 20.25 to Bob Stone."}],
         "target": {"content": None, "tool_calls": [
             {"name": "transfer", "arguments": {"to": "ACME", "amount": 10}},
             {"name": "transfer", "arguments": {"to": "Bob Stone", "amount": 20.25}}]}},
        {"name": "text_answer",
         "messages": [{"role": "user", "content": "What can you do?"}],
         "target": {"content": "I can send messages and \"transfer\" money.\nAsk me.", "tool_calls": []}},
        {"name": "unicode_and_escapes",
         "messages": [{"role": "user", "content": "Écris «bonjour» à 'Zoë' 🎉 — 東京 tab\there <|end|> <S1>"}],
         "target": {"content": None, "tool_calls": [
             {"name": "send_message", "arguments": {"receiver_id": "Zoë", "message": "bonjour 🎉\t東京"}}]}},
        {"name": "slot_limit",
         "messages": [{"role": "user", "content": "Add " + " ".join(str(100 + i) for i in range(70))}],
         "target": {"content": None, "tool_calls": [{"name": "transfer", "arguments": {"amount": 169, "count": 100}}]}},
        {"name": "request_tools_call_by_slot",  # v2: the request brings its own tools
         "request_tools": [
             {"name": "get_weather", "parameters": {"type": "object", "properties": {
                 "city": {"type": "string"}, "unit": {"type": "string", "enum": ["celsius", "fahrenheit"]},
                 "days": {"type": "integer"}}, "required": ["city"]}},
             {"name": "find_restaurants", "parameters": {"type": "object", "properties": {
                 "location": {"type": "string"}, "cuisine": {"type": "string"}, "price_level": {"type": ["integer", "null"]}},
                 "required": ["location", "cuisine"]}}],
         "messages": [{"role": "user", "content": "Weather in San Francisco for 3 days, in fahrenheit please."}],
         "target": {"content": None, "tool_calls": [
             {"name": "get_weather", "arguments": {"unit": "fahrenheit", "city": "San Francisco", "days": 3}}]}},
        {"name": "request_tools_text_answer_names_tools",
         "request_tools": [
             {"name": "color_to_pantone", "parameters": {"type": "object", "properties": {
                 "rgb": {"type": "array", "items": {"type": "integer"}}}, "required": ["rgb"]}},
             {"name": "color", "parameters": {"type": "object", "properties": {}}}],
         "messages": [{"role": "user", "content": "Which colors should I mix for teal?"}],
         "target": {"content": "None of the functions (color_to_pantone, color) applies.", "tool_calls": []}},
        {"name": "request_tools_keys_shared_and_unknown",  # v3: parameter-name slots, schema order
         "request_tools": [
             {"name": "convert", "parameters": {"type": "object", "properties": {
                 "quantity": {"type": "number"}, "from_unit": {"type": "string"}, "to_unit": {"type": "string"}},
                 "required": ["quantity", "from_unit", "to_unit"]}},
             {"name": "price", "parameters": {"type": "object", "properties": {
                 "item": {"type": "string"}, "quantity": {"type": "integer"}}}}],
         "messages": [{"role": "user", "content": "How many ounces in 2 pounds of butter?"}],
         "target": {"content": None, "tool_calls": [
             {"name": "convert", "arguments": {"to_unit": "ounce", "quantity": 2, "from_unit": "pound"}},
             {"name": "price", "arguments": {"zone": "EU", "quantity": 2, "item": "butter"}}]}},
        {"name": "request_tools_history_values_first",  # v3: messages' values numbered before the list's
         "request_tools": [
             {"name": "get_weather", "parameters": {"type": "object", "properties": {
                 "city": {"type": "string"}, "unit": {"type": "string", "enum": ["celsius", "fahrenheit"]}},
                 "required": ["city"]}}],
         "messages": [
             {"role": "user", "content": "Weather in Oslo, in 'celsius'"},
             {"role": "assistant", "content": None, "tool_calls": [
                 {"name": "get_weather", "arguments": {"unit": "celsius", "city": "Oslo"}}]},
             {"role": "tool", "content": '{"temp": 4, "city": "Oslo"}'},
             {"role": "user", "content": "And get_weather for Bergen?"}],
         "target": {"content": None, "tool_calls": [
             {"name": "get_weather", "arguments": {"city": "Bergen", "unit": "celsius"}}]}},
        {"name": "long_value_not_slotted",
         "messages": [{"role": "tool", "content": json.dumps({"body": "x" * 120, "id": 7})},
                      {"role": "user", "content": "forward it"}],
         "target": {"content": None, "tool_calls": [{"name": "send_message", "arguments": {"message": "x" * 120}}]}},
    ]


def write_prompt_goldens(out: Path) -> Path:
    """Renders every case, trains a small tokenizer on them and writes both."""
    from .dataset import Example

    cases = golden_cases()
    examples = [Example(c["name"], c["messages"], c["target"], tools=c.get("request_tools")) for c in cases]
    names = sorted({t["name"] for t in CASE_TOOLS})
    tokenizer = train_tokenizer(rendered_texts(examples, 64, lambda e: e.tools), vocab_size=420, min_frequency=2,
                                max_slots=64, tool_names=names)
    out.mkdir(parents=True, exist_ok=True)
    tokenizer.backend_tokenizer.save(str(out / "tokenizer.json"))
    path = out / f"prompt_format_v{PROMPT_FORMAT_VERSION}.jsonl"
    with path.open("w", encoding="utf-8") as handle:
        for case in cases:
            prompt = render_prompt(case["messages"], 64, case.get("request_tools"))
            target_text = render_target(case["target"], prompt)
            handle.write(json.dumps({
                "name": case["name"], "prompt_format": PROMPT_FORMAT_VERSION, "messages": case["messages"],
                "target": case["target"], "tools": case.get("request_tools") or CASE_TOOLS,
                "request_tools": case.get("request_tools"), "prompt_text": prompt.text, "prompt_head": prompt.head,
                "slots": prompt.slots.to_json(), "target_text": target_text,
                "prompt_ids": encode(tokenizer, prompt.text), "target_ids": encode(tokenizer, target_text + END),
            }, ensure_ascii=False) + "\n")
    return path


@torch.no_grad()
def logits_for(specialist: Path, examples, count: int) -> list[dict]:
    """Input ids, last-position logits and greedy answer ids for `count` examples."""
    from transformers import AutoModelForCausalLM, PreTrainedTokenizerFast

    from . import pointer
    from .evaluate import banned_ids, greedy
    from .spans import FEATURE as QUESTION_SPANS

    info = json.loads((specialist / "specialist.json").read_text())
    model = AutoModelForCausalLM.from_pretrained(str(specialist), dtype=torch.float32).eval()
    head = pointer.load(model, specialist)
    spans = QUESTION_SPANS in (info.get("prompt_features") or [])
    tokenizer = PreTrainedTokenizerFast.from_pretrained(str(specialist))
    end_id = tokenizer.convert_tokens_to_ids(END)
    max_slots = info["slots"]["max_slots"]
    rows = []
    for example in examples[:count]:
        tools = (example.tools or info.get("tools")) if info.get("request_tools") else None
        prompt = render_prompt(example.messages, max_slots, tools, spans)
        kept = len(encode(tokenizer, prompt.head)) if tools else 1
        ids = truncate_prompt(encode(tokenizer, prompt.text), info["max_prompt_tokens"], kept)
        units = len(prompt.slots.units.units) if prompt.slots.units is not None else 0
        banned = banned_ids(tokenizer, len(prompt.slots.slots), max_slots, units)
        row = {"id": example.id, "prompt_text": prompt.text, "input_ids": ids}
        if head is None:
            logits = model(input_ids=torch.tensor([ids])).logits[0, -1].float()
            answer = greedy(model, ids, end_id, banned, 64)
        else:
            # Model option pointer_head: also the logits of the first answer tokens fed after the
            # prompt (the cached path, where the answer's latest pointer moves the pointer logits).
            target = encode(tokenizer, render_target(example.target, prompt))
            sequence = torch.tensor([ids + target])
            answer_mask = torch.arange(sequence.shape[1]).unsqueeze(0) >= len(ids)
            every = pointer.full_logits(model, sequence, None, answer=answer_mask)[0].float()
            logits = every[len(ids) - 1]
            # The rows after the answer's pointers (file size: a few rows, not all).
            is_pointer = [head.first_id <= t < head.first_id + head.count for t in target]
            kept_rows = [i for i in range(len(target)) if is_pointer[i]][:ANSWER_STEPS]
            row["answer_ids"] = target
            row["answer_rows"] = kept_rows
            row["answer_logits"] = [[round(float(x), 5) for x in every[len(ids) + i]] for i in kept_rows]
            answer = pointer.greedy(model, ids, end_id, banned, 64)
        rows.append({**row, "last_logits": [round(float(x), 6) for x in logits], "greedy_ids": answer,
                     "greedy_text": tokenizer.backend_tokenizer.decode(answer, skip_special_tokens=False)})
    return rows


def write_logits(specialist: Path, run_dir: Path, count: int, out: Path | None) -> Path:
    from .dataset import load_cluster

    info = json.loads((specialist / "specialist.json").read_text())
    cluster = load_cluster(run_dir, info["cluster"])
    examples = cluster.splits["test"] or cluster.splits["val"] or cluster.splits["train"]
    path = out or specialist / "golden_logits.json"
    path.write_text(json.dumps({"specialist": str(specialist), "tolerance": 1e-3,
                                "cases": logits_for(specialist, examples, count)}) + "\n")
    return path


def write_tiny_specialist(out: Path, overrides: dict | None = None) -> Path:
    """Trains a deliberately tiny scratch specialist on the synthetic booking agent (tests);
    `overrides`: more recipe keys (the pointer-head specialist: question_spans + pointer_head)."""
    import tempfile

    from accelerate import Accelerator

    from .dataset import load_cluster
    from .run import Options, train_cluster
    from .tests.trainer_fixtures import booking_examples, write_cluster

    with tempfile.TemporaryDirectory() as tmp:
        run_dir = Path(tmp)
        write_cluster(run_dir, "tiny", booking_examples(120, seed=3))
        options = Options(recipe="scratch", max_steps=30, output=out.parent, skip_eval=True,
                          recipe_overrides={"model": {"hidden_size": 16, "intermediate_size": 32,
                                                      "num_hidden_layers": 2, "num_attention_heads": 2,
                                                      "num_key_value_heads": 1, "max_position_embeddings": 256,
                                                      "rope_theta": 10000.0, "rms_norm_eps": 1e-5},
                                            "tokenizer": {"vocab_size": 380, "min_frequency": 2},
                                            **(overrides or {})})
        entry = train_cluster(run_dir, "tiny", options, Accelerator(cpu=True), lambda event: None)
        produced = Path(entry["specialist"])
        if produced != out:
            produced.rename(out)
        examples = load_cluster(run_dir, "tiny").splits["test"]
        (out / "golden_logits.json").write_text(json.dumps(
            {"specialist": out.name, "tolerance": 1e-3, "cases": logits_for(out, examples, 3)}) + "\n")
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    prompts = sub.add_parser("prompts")
    prompts.add_argument("--out", type=Path, default=Path(__file__).parent / "tests" / "golden")
    logits = sub.add_parser("logits")
    logits.add_argument("--specialist", type=Path, required=True)
    logits.add_argument("--run-dir", type=Path, required=True)
    logits.add_argument("--count", type=int, default=4)
    logits.add_argument("--out", type=Path)
    tiny = sub.add_parser("tiny")
    tiny.add_argument("--out", type=Path, default=Path(__file__).parent / "tests" / "golden" / "tiny-specialist")
    tiny_pointer = sub.add_parser("tiny-pointer")
    tiny_pointer.add_argument("--out", type=Path,
                              default=Path(__file__).parent / "tests" / "golden" / "tiny-pointer-specialist")
    args = parser.parse_args()
    if args.command == "prompts":
        print(write_prompt_goldens(args.out))
    elif args.command == "logits":
        print(write_logits(args.specialist, args.run_dir, args.count, args.out))
    elif args.command == "tiny-pointer":
        print(write_tiny_specialist(args.out, {"question_spans": "all", "pointer_head": True, "retrieval_hint": 0,
                                               "recent_slots": False, "hint_tools": False}))
    else:
        print(write_tiny_specialist(args.out))


if __name__ == "__main__":
    main()
