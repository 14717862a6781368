"""Builds trainer datasets straight from the BFCL data in .venv, for development and tests.

One cluster per agent, as in the BFCL agent-fleet workload: each multi-turn API suite is an
agent (named after the first involved class), sending one request per user turn with the
conversation so far (earlier calls and their executed results included); the single-turn
categories form one generic tool-calling agent. Target = the ground-truth calls of the turn.

    python -m distill.trainer.devdata --out distill/runs/bfcl-dev [--per-agent 40]
    python -m distill.trainer.devdata --out distill/runs/bfcl --from-requests out/bfcl/requests.jsonl

The second form reads the workload generator's requests.jsonl (tools/workloads/bfcl: OpenAI
request bodies + expected canonical answers + agent labels) instead of BFCL directly.

This stands in for `understudy distill` on the workload's recordings: the real runs come from
tools/workloads/bfcl through the recorder and the distiller.
"""

from __future__ import annotations

import argparse
import ast
import hashlib
import json
from pathlib import Path

import bfcl_eval

DATA = Path(bfcl_eval.__file__).parent / "data"
FUNC_DOCS = {
    "GorillaFileSystem": "gorilla_file_system.json", "MathAPI": "math_api.json",
    "MessageAPI": "message_api.json", "TwitterAPI": "posting_api.json", "TicketAPI": "ticket_api.json",
    "TradingBot": "trading_bot.json", "TravelAPI": "travel_booking.json",
    "VehicleControlAPI": "vehicle_control.json",
}
SINGLE_TURN = ("simple_python", "multiple", "parallel", "parallel_multiple", "irrelevance")
NO_TOOL_ANSWER = "None of the available tools can do this."


def _rows(name: str, answers: bool = False) -> list[dict]:
    path = DATA / ("possible_answer/" if answers else "") / f"BFCL_v4_{name}.json"
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


def _tool_docs(class_name: str) -> list[dict]:
    path = DATA / "multi_turn_func_doc" / FUNC_DOCS[class_name]
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


def _spec(doc: dict) -> dict:
    return {"name": doc["name"], "description": doc.get("description"), "parameters": doc.get("parameters", {})}


def parse_call(text: str, schemas: dict[str, dict]) -> dict:
    """`mv(source='a', destination='b')` → {"name": "mv", "arguments": {...}}; positional
    arguments take the names of the schema's properties in order."""
    node = ast.parse(text.strip(), mode="eval").body
    if not isinstance(node, ast.Call):
        raise ValueError(f"not a call: {text}")
    name = ast.unparse(node.func)
    props = list((schemas.get(name) or {}).get("properties", {}))
    arguments = {}
    for index, arg in enumerate(node.args):
        arguments[props[index] if index < len(props) else f"arg{index}"] = ast.literal_eval(arg)
    for keyword in node.keywords:
        arguments[keyword.arg] = ast.literal_eval(keyword.value)
    return {"name": name, "arguments": arguments}


def _split_of(conversation: str) -> str:
    # Keyed by the entry number only: the multi-turn categories share their conversations, and
    # one conversation must never be both trained on and tested.
    key = conversation.rsplit("_", 1)[-1] if conversation.startswith("multi_turn") else conversation
    bucket = int(hashlib.sha256(key.encode()).hexdigest(), 16) % 10
    return "test" if bucket < 2 else "val" if bucket == 2 else "train"


def multi_turn(categories: list[str]) -> dict[str, list[dict]]:
    """Agent name → dataset rows (with a "split" key) for the multi-turn suites."""
    from bfcl_eval.eval_checker.multi_turn_eval.multi_turn_utils import execute_multi_turn_func_call

    agents: dict[str, list[dict]] = {}
    for category in categories:
        answers = {a["id"]: a["ground_truth"] for a in _rows(category, answers=True)}
        for entry in _rows(category):
            classes = entry["involved_classes"]
            schemas = {d["name"]: d.get("parameters", {}) for c in classes for d in _tool_docs(c)}
            history: list[dict] = []
            split = _split_of(entry["id"])
            for turn, (questions, truth) in enumerate(zip(entry["question"], answers.get(entry["id"], []))):
                history += [{"role": "user", "content": q["content"]} for q in questions if q.get("role") == "user"]
                if not truth:
                    continue
                calls = [parse_call(c, schemas) for c in truth]
                agents.setdefault(classes[0], []).append({
                    "format": 1, "id": f"{entry['id']}-t{turn}", "conversation": entry["id"], "weight": 1,
                    "messages": list(history), "target": {"content": None, "tool_calls": calls}, "split": split,
                })
                results, _ = execute_multi_turn_func_call(
                    truth, entry["initial_config"], classes, "understudy_devdata", entry["id"],
                    long_context="long_context" in category)
                history.append({"role": "assistant", "content": None, "tool_calls": calls})
                history += [{"role": "tool", "content": str(r), "tool_call_id": f"call_{i}"}
                            for i, r in enumerate(results)]
    return agents


def single_turn() -> tuple[list[dict], list[dict]]:
    """The generic agent's rows and the union of its tools."""
    rows, tools = [], {}
    for category in SINGLE_TURN:
        answers = {a["id"]: a["ground_truth"] for a in _rows(category, answers=True)}
        for entry in _rows(category):
            for doc in entry.get("function", []):
                tools.setdefault(doc["name"], _spec(doc))
            calls = []
            for call in answers.get(entry["id"], []):
                for name, args in call.items():
                    arguments = {k: v[0] for k, v in args.items() if v and v[0] != ""}
                    calls.append({"name": name, "arguments": arguments})
            target = {"content": None, "tool_calls": calls} if calls else {"content": NO_TOOL_ANSWER, "tool_calls": []}
            messages = [{"role": m["role"], "content": m["content"]} for m in entry["question"][0]]
            rows.append({"format": 1, "id": entry["id"], "conversation": entry["id"], "weight": 1,
                         "messages": messages, "target": target, "split": _split_of(entry["id"])})
    return rows, list(tools.values())


def write_cluster(run_dir: Path, cluster_id: str, label: str, tools: list[dict], rows: list[dict]) -> None:
    path = run_dir / "clusters" / cluster_id
    path.mkdir(parents=True, exist_ok=True)
    prefix_hash = hashlib.sha256(json.dumps({"system": None, "tools": tools}, sort_keys=True).encode()).hexdigest()
    info = {"format": 1, "id": cluster_id, "label": label, "prefix_hash": prefix_hash, "system": None,
            "tools": tools, "size": len(rows), "traffic_share": 0.0, "cost_share": 0.0}
    (path / "cluster.json").write_text(json.dumps(info, indent=1) + "\n")
    for split in ("train", "val", "test"):
        with (path / f"{split}.jsonl").open("w") as handle:
            for row in rows:
                if row["split"] == split:
                    handle.write(json.dumps({k: v for k, v in row.items() if k != "split"}) + "\n")


def build(run_dir: Path, categories: list[str], per_agent: int | None = None, generic: bool = True) -> list[str]:
    ids = []
    for agent, rows in sorted(multi_turn(categories).items()):
        rows = rows[:per_agent] if per_agent else rows
        tools = [_spec(d) for d in _tool_docs(agent)]
        # Conversations touch a second suite too: give the cluster every tool its targets name.
        names = {call["name"] for row in rows for call in row["target"]["tool_calls"]}
        for other in FUNC_DOCS:
            if other != agent:
                tools += [_spec(d) for d in _tool_docs(other) if d["name"] in names and
                          d["name"] not in {t["name"] for t in tools}]
        cluster_id = agent.lower()
        write_cluster(run_dir, cluster_id, f"BFCL multi-turn {agent}", tools, rows)
        ids.append(cluster_id)
    if generic:
        rows, tools = single_turn()
        rows = rows[:per_agent] if per_agent else rows
        write_cluster(run_dir, "generic", "BFCL single-turn generic agent", tools, rows)
        ids.append("generic")
    return ids


def _canonical_messages(body: dict) -> tuple[str | None, list[dict], list[dict]]:
    """OpenAI Chat Completions body → (system, tools, varying messages) as in docs/formats.md."""
    system, varying = None, []
    for message in body.get("messages", []):
        content = message.get("content")
        if isinstance(content, list):
            content = "\n".join(part.get("text", "") for part in content if isinstance(part, dict))
        role = message.get("role")
        if role in ("system", "developer") and not varying:
            system = content
        elif role == "assistant":
            calls = [{"name": c["function"]["name"], "arguments": json.loads(c["function"].get("arguments") or "{}")}
                     for c in message.get("tool_calls") or []]
            varying.append({"role": "assistant", "content": content, "tool_calls": calls})
        elif role == "tool":
            varying.append({"role": "tool", "content": content, "tool_call_id": message.get("tool_call_id")})
        else:
            varying.append({"role": "user", "content": content})
    tools = [{"name": t["function"]["name"], "description": t["function"].get("description"),
              "parameters": t["function"].get("parameters", {})} for t in body.get("tools", [])]
    return system, tools, varying


def from_requests(requests: Path, run_dir: Path, per_agent: int | None = None) -> list[str]:
    """One cluster per agent from the workload's requests.jsonl (Chat Completions bodies only)."""
    agents: dict[str, tuple[dict, list[dict]]] = {}
    seen: set[str] = set()
    for line in requests.read_text().splitlines():
        request = json.loads(line)
        if request.get("api") != "chat.completions" or request["body_sha256"] in seen:
            continue
        seen.add(request["body_sha256"])  # identical requests (base and miss_param openings) once
        system, tools, varying = _canonical_messages(request["body"])
        tool_map, rows = agents.setdefault(request["agent"], ({}, []))
        for tool in tools:
            tool_map.setdefault(tool["name"], tool)
        bfcl_id = request["conversation"].split("/")[0]
        rows.append({"format": 1, "id": request["body_sha256"][:16], "conversation": request["conversation"],
                     "weight": 1, "messages": varying, "target": request["expected"], "split": _split_of(bfcl_id),
                     "tools": tools})
    ids = []
    for agent, (tool_map, rows) in sorted(agents.items()):
        # As the distiller writes them: a line's own tools only where they differ from the cluster's.
        for row in rows:
            if row["tools"] == list(tool_map.values()):
                del row["tools"]
        write_cluster(run_dir, agent, f"BFCL fleet agent {agent}", list(tool_map.values()),
                      rows[:per_agent] if per_agent else rows)
        ids.append(agent)
    return ids


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path, required=True, help="run directory, e.g. distill/runs/bfcl-dev")
    parser.add_argument("--categories", default="multi_turn_base", help="comma-separated multi-turn categories")
    parser.add_argument("--per-agent", type=int, default=None, help="keep at most this many rows per agent")
    parser.add_argument("--no-generic", action="store_true", help="leave out the single-turn generic agent")
    parser.add_argument("--from-requests", type=Path, help="the workload generator's requests.jsonl")
    args = parser.parse_args()
    if args.from_requests:
        ids = from_requests(args.from_requests, args.out, args.per_agent)
    else:
        ids = build(args.out, args.categories.split(","), args.per_agent, not args.no_generic)
    print(json.dumps({"run": str(args.out), "clusters": ids}))


if __name__ == "__main__":
    main()
