"""drive.py against an in-process fake OpenAI server: streams and not, agreement, errors, order."""

import copy
import hashlib
import json
import time
from collections import defaultdict

from bfcl_workload_fixture import drive
from bfcl_fake_upstream import FakeUpstream

from bfcl_fleet.compare import agrees, same_calls
from bfcl_fleet.driver import DriveConfiguration
from bfcl_fleet.driver import drive as run


def test_replays_the_workload_with_full_agreement(quick, tmp_path, capsys):
    report_path = tmp_path / "report.json"
    with FakeUpstream(quick["script"], route="specialist:c001") as upstream:
        code = drive.main(["--base-url", upstream.base_url, "--requests", str(quick["dir"] / "requests.jsonl"),
                           "--concurrency", "8", "--report", str(report_path), "--strict"])
        received = list(upstream.bodies)
    assert code == 0
    report = json.loads(report_path.read_text())
    summary = report["summary"]
    total = len(quick["requests"])
    assert summary["requests"] == total and summary["errors"] == 0 and summary["agree"] == total
    assert 0 < summary["streamed"] < total
    assert summary["routes"] == {"specialist:c001": total}
    assert summary["body_sha256_mismatches"] == 0
    assert summary["latency_ms"]["p50"] <= summary["latency_ms"]["p99"]
    assert summary["first_chunk_ms"]["p50"] is not None
    assert set(report["agents"]) == {r["agent"] for r in quick["requests"]}
    # What reached the server is byte for byte what the labels are keyed by.
    assert sorted(hashlib.sha256(b).hexdigest() for b in received) == sorted(r["body_sha256"]
                                                                             for r in quick["requests"])
    printed = capsys.readouterr().out
    assert f"requests {total}" in printed and "agreement 100.0%" in printed


def test_replays_openai_and_anthropic_agents_through_their_sdks(mixed, tmp_path):
    with FakeUpstream(mixed["script"], route="upstream") as upstream:
        results = run(mixed["requests"], DriveConfiguration(base_url=upstream.base_url, concurrency=6))
    assert [r["error"] for r in results if r["error"]] == []
    assert all(r["agree"] and r["body_sha256_ok"] and r["route"] == "upstream" for r in results)
    apis = {(mixed["requests"][r["index"]]["api"], r["stream"]) for r in results}
    assert apis == {("messages", True), ("messages", False), ("chat.completions", True),
                    ("chat.completions", False)}


def test_turns_of_a_conversation_arrive_in_order(quick):
    # Two conversations can share a byte-identical turn (BFCL's base and miss_param variants open the
    # same way); such a body cannot say which conversation it came from, so only unique bodies count.
    places = defaultdict(set)
    for r in quick["requests"]:
        places[r["body_sha256"]].add((r["conversation"], r["turn"]))
    turn_of = {sha: next(iter(where)) for sha, where in places.items() if len(where) == 1}
    with FakeUpstream(quick["script"]) as upstream:
        run(quick["requests"], DriveConfiguration(base_url=upstream.base_url, concurrency=16))
        received = list(upstream.bodies)
    seen = defaultdict(list)
    for body in received:
        place = turn_of.get(hashlib.sha256(body).hexdigest())
        if place is None:
            continue
        conversation, turn = place
        seen[conversation].append(turn)
    assert all(turns == sorted(turns) for turns in seen.values())
    assert any(len(turns) > 2 for turns in seen.values())


def test_wrong_answers_and_server_errors_are_reported(quick, tmp_path):
    requests = quick["requests"][:60]
    script = copy.deepcopy(quick["script"])
    altered = 0
    for entry in script:
        calls = entry["response"]["tool_calls"]
        if calls and calls[0]["arguments"]:
            key = next(iter(calls[0]["arguments"]))
            calls[0]["arguments"][key] = "something else"
            altered += 1
    assert altered
    (tmp_path / "requests.jsonl").write_text("".join(json.dumps(r) + "\n" for r in requests))
    with FakeUpstream(script, fail_every=7) as upstream:
        strict = drive.main(["--base-url", upstream.base_url + "/v1", "--requests", str(tmp_path / "requests.jsonl"),
                             "--report", str(tmp_path / "r.json"), "--strict", "--concurrency", "4"])
    assert strict == 1
    results = json.loads((tmp_path / "r.json").read_text())["results"]
    failed = [r for r in results if r["error"]]
    assert len(failed) == len(requests) // 7 and all(r["status"] == 500 and "HTTP 500" in r["error"] for r in failed)
    wrong = [r for r in results if not r["error"] and not r["agree"]]
    assert wrong and all("answer" in r for r in wrong)
    # Text answers were not altered, so the ones that got through still agree.
    assert any(r["agree"] for r in results)


def test_limit_rate_and_progress(quick, tmp_path, capsys):
    with FakeUpstream(quick["script"]) as upstream:
        start = time.perf_counter()
        code = drive.main(["--base-url", upstream.base_url, "--requests", str(quick["dir"] / "requests.jsonl"),
                           "--report", str(tmp_path / "r.json"), "--limit", "12", "--rate", "40",
                           "--progress", "0.1"])
        elapsed = time.perf_counter() - start
    assert code == 0
    assert json.loads((tmp_path / "r.json").read_text())["summary"]["requests"] == 12
    assert elapsed >= 11 / 40
    assert "/12 answered, 0 errors" in capsys.readouterr().err


def test_unreachable_server_is_an_error_not_a_crash(quick, tmp_path):
    with FakeUpstream(quick["script"]) as upstream:
        url = upstream.base_url
    results = run(quick["requests"][:3], DriveConfiguration(base_url=url, concurrency=2, timeout=5))
    assert len(results) == 3 and all(r["error"] and "Connection" in r["error"] for r in results)


def test_comparison_rules():
    a = {"name": "cd", "arguments": {"folder": "x"}}
    b = {"name": "ls", "arguments": {"a": True}}
    assert same_calls([b, a], [a, b])
    assert not same_calls([a], [a, b])
    assert not same_calls([{"name": "cd", "arguments": {"folder": "y"}}], [a])
    assert agrees({"content": None, "tool_calls": [{"name": "f", "arguments": {"x": 1.0}}]},
                  {"content": None, "tool_calls": [{"name": "f", "arguments": {"x": 1}}]})
    assert agrees({"content": " No. ", "tool_calls": []}, {"content": "No.", "tool_calls": []})
    assert not agrees({"content": "No.", "tool_calls": [a]}, {"content": "No.", "tool_calls": []})
