#!/usr/bin/env python3
"""Turn a BFCL workload (tools/workloads/bfcl/generate.py output) into archive schema v1
Exchange records, as `understudy record` would have captured them against a mock that answers
with the ground truth. Lets the distiller benchmarks run without a proxy in the loop.

Writes EXCHANGES.jsonl (for `understudy archive import`) and LABELS.jsonl mapping each exchange
id to its ground-truth agent and task.

    python tools/bench/lib/workload_exchanges.py out/bfcl/requests.jsonl out/ex.jsonl out/ex-labels.jsonl
"""
import json
import sys

CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
START_MS = 1_790_000_000_000  # 2026-09-21, fixed so runs are reproducible


def ulid(ms: int, n: int) -> str:
    """A ULID-shaped id: 10 chars of time, 16 of a counter (sortable, deterministic)."""
    out = []
    for _ in range(10):
        out.append(CROCKFORD[ms & 31])
        ms >>= 5
    time_part = "".join(reversed(out))
    counter = []
    for _ in range(16):
        counter.append(CROCKFORD[n & 31])
        n >>= 5
    return time_part + "".join(reversed(counter))


def chat_completion(model: str, expected: dict, n: int) -> dict:
    message = {"role": "assistant", "content": expected.get("content")}
    calls = expected.get("tool_calls") or []
    if calls:
        message["tool_calls"] = [
            {"id": f"call_{n}_{i}", "type": "function",
             "function": {"name": c["name"], "arguments": json.dumps(c["arguments"], separators=(",", ":"))}}
            for i, c in enumerate(calls)
        ]
    return {
        "id": f"chatcmpl-{n}", "object": "chat.completion", "created": START_MS // 1000, "model": model,
        "choices": [{"index": 0, "message": message, "finish_reason": "tool_calls" if calls else "stop"}],
        "usage": {"prompt_tokens": 900, "completion_tokens": 40, "total_tokens": 940},
    }


def main(requests_path: str, exchanges_path: str, labels_path: str) -> None:
    with open(requests_path) as src, open(exchanges_path, "w") as out, open(labels_path, "w") as labels:
        for n, line in enumerate(src):
            request = json.loads(line)
            body = dict(request["body"])
            body.pop("stream", None)
            body.pop("stream_options", None)
            model = body.get("model", "gpt-4o-mini")
            response = chat_completion(model, request["expected"], n)
            start_ms = START_MS + n * 250
            exchange_id = ulid(start_ms, n)
            micros = start_ms * 1000
            seconds, fraction = divmod(micros, 1_000_000)
            import datetime
            start = datetime.datetime.fromtimestamp(seconds, datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S")
            record = {
                "v": 1, "id": exchange_id,
                "capture": {"mode": "imported", "listener": None, "client": "127.0.0.1:50000",
                            "upstream": "http://127.0.0.1:9000"},
                "t": {"start": f"{start}.{fraction:06d}Z", "first_byte_ms": 800.0, "end_ms": 2100.0},
                "request": {"method": "POST", "target": "/v1/chat/completions",
                            "headers": [["content-type", "application/json"]],
                            "body": body, "body_b64": None, "truncated": False},
                "response": {"status": 200, "headers": [["content-type", "application/json"]],
                             "body": response, "body_b64": None, "truncated": False, "sse": None},
                "llm": {"provider": "openai", "api": "chat.completions", "model": model, "stream": False,
                        "assembled": response, "usage": {"input_tokens": 900, "output_tokens": 40}},
                "outcome": "ok", "error": None, "route": None,
            }
            out.write(json.dumps(record, ensure_ascii=False, separators=(",", ":")) + "\n")
            labels.write(json.dumps({"id": exchange_id, "agent": request["agent"], "task": request["task"],
                                     "conversation": request["conversation"]}) + "\n")


if __name__ == "__main__":
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    main(*sys.argv[1:])
