"""The generated workload: valid requests, an unambiguous mock script, labels that join."""

import hashlib
import json
from collections import Counter, defaultdict

import pytest
from bfcl_workload_fixture import generate

from bfcl_fleet.agents import AGENTS, GENERIC
from bfcl_fleet.script import Resolver, WireRequest, resolve
from bfcl_fleet.wire import WireCapture


def compact(body):
    return json.dumps(body, ensure_ascii=False, separators=(",", ":"))


def check_chat_request(body):
    """The OpenAI Chat Completions request rules the workload relies on."""
    assert isinstance(body["model"], str) and body["model"]
    messages = body["messages"]
    assert messages[0]["role"] == "system" and isinstance(messages[0]["content"], str)
    tool_names = {t["function"]["name"] for t in body.get("tools", [])}
    for tool in body.get("tools", []):
        assert tool["type"] == "function" and tool["function"]["parameters"]["type"] == "object"
    open_calls = []
    for message in messages[1:]:
        role = message["role"]
        assert role in {"user", "assistant", "tool"}
        if role == "user":
            assert not open_calls, "a user message before every tool call got its result"
            assert isinstance(message["content"], str) and message["content"]
        elif role == "assistant":
            assert not open_calls
            calls = message.get("tool_calls") or []
            assert calls or isinstance(message["content"], str)
            for call in calls:
                assert call["type"] == "function" and call["function"]["name"] in tool_names
                assert isinstance(json.loads(call["function"]["arguments"]), dict)
                open_calls.append(call["id"])
        else:
            assert message["tool_call_id"] == open_calls.pop(0) and isinstance(message["content"], str)
    assert not open_calls and messages[-1]["role"] == "user"
    if body.get("stream"):
        assert body["stream"] is True and body["stream_options"] == {"include_usage": True}
    else:
        assert "stream" not in body and "stream_options" not in body


def check_messages_request(body):
    """The Anthropic Messages request rules: system field, alternating roles, paired tool results."""
    assert isinstance(body["model"], str) and body["max_tokens"] > 0 and isinstance(body["system"], str)
    tool_names = {t["name"] for t in body.get("tools", [])}
    for tool in body.get("tools", []):
        assert set(tool) == {"name", "description", "input_schema"} and tool["input_schema"]["type"] == "object"
    roles = [m["role"] for m in body["messages"]]
    assert roles[0] == "user" and roles[-1] == "user"
    assert all(a != b for a, b in zip(roles, roles[1:])), "roles must alternate"
    pending = []
    for message in body["messages"]:
        content = message["content"]
        if isinstance(content, str):
            assert content and not pending
            continue
        for block in content:
            if block["type"] == "tool_use":
                assert message["role"] == "assistant" and block["name"] in tool_names
                assert isinstance(block["input"], dict)
                pending.append(block["id"])
            elif block["type"] == "tool_result":
                assert message["role"] == "user" and block["tool_use_id"] == pending.pop(0)
            else:
                assert block["type"] == "text" and block["text"] and not pending
    assert not pending
    assert body.get("stream", True) is True and "stream_options" not in body


def test_every_request_is_a_valid_chat_request(quick):
    for request in quick["requests"]:
        check_chat_request(request["body"])
        assert request["api"] == "chat.completions" and request["path"] == "/v1/chat/completions"
        names = {t["function"]["name"] for t in request["body"].get("tools", [])}
        assert all(call["name"] in names for call in request["expected"]["tool_calls"])
        assert bool(request["expected"]["tool_calls"]) != bool(request["expected"]["content"])


def test_quick_workload_is_a_few_hundred_requests_from_every_agent(quick):
    assert 150 <= len(quick["requests"]) <= 600
    assert {r["agent"] for r in quick["requests"]} == set(AGENTS)
    assert quick["summary"]["requests"] == len(quick["requests"]) == len(quick["labels"])
    per_agent = Counter(r["agent"] for r in quick["requests"])
    assert {a: s["requests"] for a, s in quick["summary"]["agents"].items()} == dict(per_agent)


def test_about_thirty_percent_stream(quick):
    share = sum(r["stream"] for r in quick["requests"]) / len(quick["requests"])
    assert 0.2 <= share <= 0.4


def test_system_prompt_and_tools_are_constant_per_agent(quick):
    prompts, tools = defaultdict(set), defaultdict(set)
    for request in quick["requests"]:
        prompts[request["agent"]].add(request["body"]["messages"][0]["content"])
        tools[request["agent"]].add(compact(request["body"].get("tools", [])))
    for agent, seen in prompts.items():
        assert len(seen) == 1, agent
        assert 1000 <= len(next(iter(seen)).encode()) <= 4096, agent
    assert len({next(iter(s)) for s in prompts.values()}) == len(prompts)
    for agent, seen in tools.items():
        if agent != GENERIC:
            assert seen == {compact(AGENTS[agent].tools)}, agent
    assert len(tools[GENERIC]) > 1  # the generic agent's tools come with each BFCL entry


def test_turns_carry_the_conversation_so_far(quick):
    by_conversation = defaultdict(list)
    for request in quick["requests"]:
        by_conversation[request["conversation"]].append(request)
    for turns in by_conversation.values():
        assert [r["turn"] for r in turns] == list(range(1, len(turns) + 1))
        assert len({r["agent"] for r in turns}) == 1
        for previous, current in zip(turns, turns[1:]):
            earlier = previous["body"]["messages"]
            later = current["body"]["messages"]
            assert later[:len(earlier)] == earlier
            answer = later[len(earlier)]
            assert answer["role"] == "assistant"
            calls = [{"name": c["function"]["name"], "arguments": json.loads(c["function"]["arguments"])}
                     for c in answer.get("tool_calls") or []]
            assert calls == previous["expected"]["tool_calls"]
            if not calls:
                assert answer["content"] == previous["expected"]["content"]
            users = [m for m in later if m["role"] == "user"]
            assert len(users) == current["turn"]


def test_mock_script_answers_every_request_with_its_own_answer(quick):
    matches = [compact(entry["match"]) for entry in quick["script"]]
    assert len(matches) == len(set(matches)), "two script entries with the same match"
    resolver = Resolver(quick["script"])
    for request in quick["requests"]:
        wire = WireRequest(path=request["path"], body=request["body"], raw=compact(request["body"]))
        assert resolve(quick["script"], wire) == request["expected"]
        assert resolver.resolve(wire) == request["expected"]
    for entry in quick["script"]:
        assert set(entry) == {"match", "response"}
        assert set(entry["match"]) <= {"path", "model", "first_user", "last_user", "user_turns", "contains"}
        assert set(entry["response"]) == {"content", "tool_calls"}


def test_labels_join_on_the_sha256_of_the_bytes_the_sdk_sends(quick):
    capture = WireCapture()
    key_to_label = {}
    for request, label in zip(quick["requests"], quick["labels"]):
        digest = hashlib.sha256(compact(request["body"]).encode()).hexdigest()
        assert digest == request["body_sha256"] == label["body_sha256"]
        assert (label["agent"], label["task"], label["conversation"], label["turn"]) == (
            request["agent"], request["task"], request["conversation"], request["turn"])
        assert key_to_label.setdefault(digest, (label["agent"], label["task"])) == (label["agent"], label["task"])
    for request in [next(r for r in quick["requests"] if r["stream"]),
                    next(r for r in quick["requests"] if not r["stream"])]:
        path, data = capture.sdk_bytes(request["body"])
        assert path == request["path"] and hashlib.sha256(data).hexdigest() == request["body_sha256"]


def test_task_labels(quick):
    for label in quick["labels"]:
        if label["agent"] == GENERIC:
            assert label["task"] == label["category"] and label["task"] in {
                "simple_python", "multiple", "parallel", "parallel_multiple", "irrelevance"}
        else:
            assert label["task"] == label["agent"] and label["category"].startswith("multi_turn_")
            assert label["conversation"] == f"{label['bfcl_id']}/{label['agent']}"


def test_same_seed_same_bytes_other_seed_other_sample(tmp_path):
    outputs = []
    for name, seed in (("a", 3), ("b", 3), ("c", 4)):
        assert generate.main(["--out", str(tmp_path / name), "--conversations", "30", "--seed", str(seed)]) == 0
        outputs.append({f: (tmp_path / name / f).read_bytes() for f in ("requests.jsonl", "script.jsonl",
                                                                        "labels.jsonl")})
    assert outputs[0] == outputs[1]
    assert outputs[0]["requests.jsonl"] != outputs[2]["requests.jsonl"]


@pytest.mark.parametrize("argv", [["--variants", "multi_turn_miss_func"], ["--conversations", "0"],
                                  ["--stream-share", "1.5"], ["--anthropic-agents", "travel,nobody"]])
def test_bad_usage_exits_2(tmp_path, argv):
    with pytest.raises(SystemExit) as exit_info:
        generate.main(["--out", str(tmp_path), *argv])
    assert exit_info.value.code == 2


def test_anthropic_agents_send_valid_messages_requests(mixed):
    apis = defaultdict(set)
    for request in mixed["requests"]:
        apis[request["agent"]].add(request["api"])
        if request["api"] == "messages":
            assert request["path"] == "/v1/messages"
            check_messages_request(request["body"])
        else:
            check_chat_request(request["body"])
    assert apis["travel"] == {"messages"} and apis["generic"] == {"messages"}
    assert apis["vehicle"] == {"chat.completions"}
    assert any(r["api"] == "messages" and r["turn"] >= 3 for r in mixed["requests"])
    assert any(r["api"] == "messages" and r["stream"] for r in mixed["requests"])


def test_anthropic_requests_join_and_resolve(mixed):
    capture = WireCapture()
    resolver = Resolver(mixed["script"])
    for request in mixed["requests"]:
        wire = WireRequest(path=request["path"], body=request["body"], raw=compact(request["body"]))
        assert resolver.resolve(wire) == request["expected"]
    for request in [r for r in mixed["requests"] if r["api"] == "messages"][:5]:
        path, data = capture.sdk_bytes(request["body"], "messages")
        assert path == "/v1/messages" and hashlib.sha256(data).hexdigest() == request["body_sha256"]
