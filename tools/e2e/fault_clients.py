#!/usr/bin/env python3
"""Drives `understudy record` in front of `understudy mock-upstream --fault …` and prints what
clients saw, as JSON, for the Swift hardening tests (Tests/UnderstudyRecorderTests/Hardening*).

  fault_clients.py sdk BASE_URL
      One JSON line per scenario: the official openai and anthropic SDKs against injected faults
      (x-understudy-mock-fault header): the exception type and status they raised, retry-after
      they saw, how long they took, the text they assembled.
  fault_clients.py load BASE_URL PID REQUESTS CONCURRENCY
      REQUESTS raw HTTP/1.1 requests (half streamed) through the recorder, CONCURRENCY at a time,
      each with a 2 s timeout; samples the RSS of process PID after a fifth of them (warm-up) and
      at the end. Prints one JSON object: rss_kb [start, warm, end], outcomes by kind, seconds.
"""
import concurrent.futures
import http.client
import json
import sys
import time
import urllib.parse

import anthropic
import openai

FAULT = "x-understudy-mock-fault"
MESSAGES = [{"role": "user", "content": "say something"}]


def scenario(name, fn):
    started = time.monotonic()
    line = {"name": name}
    try:
        line.update(fn() or {})
    except Exception as error:  # the point: which error a real client raises
        line["error"] = type(error).__name__
        line["status"] = getattr(error, "status_code", None)
        response = getattr(error, "response", None)
        if response is not None:
            line["retry_after"] = response.headers.get("retry-after")
    line["seconds"] = round(time.monotonic() - started, 3)
    print(json.dumps(line), flush=True)


def openai_client(base, fault, retries=0, timeout=10.0):
    return openai.OpenAI(base_url=base + "/v1", api_key="sk-test-fault-0123456789", max_retries=retries,
                         timeout=timeout, default_headers={FAULT: fault} if fault else None)


def stream_text(client):
    stream = client.chat.completions.create(model="gpt-4o-mini", messages=MESSAGES, stream=True)
    parts = [chunk.choices[0].delta.content or "" for chunk in stream if chunk.choices]
    return {"text": "".join(parts)}


def sdk(base):
    scenario("plain_stream", lambda: stream_text(openai_client(base, None)))
    scenario("openai_429", lambda: openai_client(base, "status:429").chat.completions.create(
        model="gpt-4o-mini", messages=MESSAGES))
    scenario("openai_429_retried", lambda: openai_client(base, "status:429", retries=1).chat.completions.create(
        model="gpt-4o-mini", messages=MESSAGES))
    scenario("openai_500", lambda: openai_client(base, "status:500").chat.completions.create(
        model="gpt-4o-mini", messages=MESSAGES))
    anthropic_client = anthropic.Anthropic(base_url=base, api_key="sk-ant-test-fault-0123456789", max_retries=0,
                                           timeout=10.0, default_headers={FAULT: "status:529"})
    scenario("anthropic_529", lambda: anthropic_client.messages.create(
        model="claude-3-5-haiku-latest", max_tokens=64, messages=MESSAGES))
    scenario("openai_reset_stream", lambda: stream_text(openai_client(base, "reset-mid-stream")))
    scenario("openai_stall_stream", lambda: stream_text(openai_client(base, "stall", timeout=1.5)))
    scenario("openai_malformed_stream", lambda: stream_text(openai_client(base, "malformed-sse")))
    scenario("openai_trickle_stream", lambda: stream_text(openai_client(base, "trickle")))


def rss_kb(pid):
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def one_request(url, index):
    body = json.dumps({"model": "gpt-4o-mini", "stream": index % 2 == 0, "messages": MESSAGES})
    connection = http.client.HTTPConnection(url.hostname, url.port, timeout=2)
    try:
        connection.request("POST", "/v1/chat/completions", body=body,
                           headers={"content-type": "application/json", "authorization": "Bearer sk-test-load"})
        response = connection.getresponse()
        response.read()
        return f"status {response.status}"
    except Exception as error:
        return type(error).__name__
    finally:
        connection.close()


def load(base, pid, requests, concurrency):
    url = urllib.parse.urlparse(base)
    samples = [rss_kb(pid)]
    outcomes = {}
    started = time.monotonic()
    warm = max(1, requests // 5)
    with concurrent.futures.ThreadPoolExecutor(concurrency) as pool:
        for batch_start, batch_end in ((0, warm), (warm, requests)):
            for outcome in pool.map(lambda i: one_request(url, i), range(batch_start, batch_end)):
                outcomes[outcome] = outcomes.get(outcome, 0) + 1
            time.sleep(0.5)  # let the recorder finish the records of the batch
            samples.append(rss_kb(pid))
    print(json.dumps({"rss_kb": samples, "outcomes": outcomes, "seconds": round(time.monotonic() - started, 2)}))


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "sdk":
        sdk(sys.argv[2])
    elif len(sys.argv) == 6 and sys.argv[1] == "load":
        load(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5]))
    else:
        sys.exit(__doc__)
