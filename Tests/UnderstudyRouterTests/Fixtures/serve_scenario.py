"""End-to-end scenario for `understudy serve`, driven by the official openai and anthropic SDKs.

Builds a one-cluster run (a weather agent), starts a fake OpenAI-compatible specialist server
whose behaviour is chosen by the user's text (valid answer, garbage, unknown tool, schema
violation, too slow, low confidence, HTTP 500), `understudy mock-upstream` as the big model and
`understudy serve` in front, then runs agents through it. Prints one JSON summary line; exits 1
with the reason when a client saw an error or got a wrong answer.

    .venv/bin/python serve_scenario.py --binary .build/debug/understudy --work /tmp/x
"""
import argparse, http.server, json, os, socket, subprocess, sys, threading, time, urllib.request

SYSTEM = "You are a weather agent. Answer with the get_weather tool."
TOOLS = [{"type": "function", "function": {
    "name": "get_weather", "description": "Current weather of a city",
    "parameters": {"type": "object", "properties": {"city": {"type": "string"}, "unit": {"type": "string", "enum": ["c", "f"]}},
                   "required": ["city"]}}}]
# user text -> (specialist behaviour, route header prefix expected)
CASES = [
    ("weather in Paris", "valid", "specialist:c001"),
    ("weather in Rome GARBAGE", "garbage", "upstream:fallback:"),
    ("weather in Oslo UNKNOWN", "unknown_tool", "upstream:fallback:invalid"),
    ("weather in Bern SCHEMA", "schema", "upstream:fallback:invalid"),
    ("weather in Lima SLOW", "slow", "upstream:fallback:timeout"),
    ("weather in Kyiv LOWCONF", "lowconf", "upstream:fallback:low_confidence"),
    ("weather in Lagos CRASH", "crash", "upstream:fallback:"),
]


def city(text):
    return text.split(" in ", 1)[1].split(" ")[0]


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Specialist(http.server.BaseHTTPRequestHandler):
    calls = []

    def log_message(self, *args):
        pass

    def do_POST(self):
        body = json.loads(self.rfile.read(int(self.headers.get("content-length", 0))))
        text = [m for m in body["messages"] if m["role"] == "user"][-1]["content"]
        Specialist.calls.append(text)
        behaviour = next((b for t, b, _ in CASES if t == text), "valid")
        if behaviour == "slow":
            time.sleep(3)
        if behaviour == "crash":
            self.send_response(500)
            self.end_headers()
            self.wfile.write(b"boom")
            return
        if behaviour == "garbage":
            payload = b"\x00not json at all{{"
        else:
            name = "launch_rocket" if behaviour == "unknown_tool" else "get_weather"
            args = {"town": 3} if behaviour == "schema" else {"city": city(text)}
            logprob = -5.0 if behaviour == "lowconf" else -0.01
            payload = json.dumps({
                "id": "x", "object": "chat.completion", "model": body["model"],
                "choices": [{"index": 0, "finish_reason": "tool_calls",
                             "message": {"role": "assistant", "content": None, "tool_calls": [
                                 {"id": "call_1", "type": "function",
                                  "function": {"name": name, "arguments": json.dumps(args)}}]},
                             "logprobs": {"content": [{"token": "a", "logprob": logprob}, {"token": "b", "logprob": -0.02}]}}],
                "usage": {"prompt_tokens": 10, "completion_tokens": 5}}).encode()
        self.send_response(200)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)


def write_run(root):
    run = os.path.join(root, "run")
    os.makedirs(os.path.join(run, "clusters", "c001"), exist_ok=True)
    os.makedirs(os.path.join(run, "replay"), exist_ok=True)
    centroid = [1.0] + [0.0] * 1023
    clusters = {"format": 1, "embedder": "hashing-1024", "algorithm": "test", "clusters": [
        {"format": 1, "id": "c001", "label": "weather", "size": 7, "count": 7, "traffic_share": 1.0, "cost_share": 1.0,
         "cost": 0.01, "top_terms": [], "tool_names": ["get_weather"], "radius": 2.0, "prefix_hash": "",
         "centroid": centroid}], "noise": {"size": 0, "count": 0, "traffic_share": 0}}
    tools = [t["function"] for t in TOOLS]
    json.dump(clusters, open(os.path.join(run, "clusters.json"), "w"))
    json.dump({"format": 1, "id": "c001", "label": "weather", "prefix_hash": "", "system": SYSTEM, "tools": tools},
              open(os.path.join(run, "clusters", "c001", "cluster.json"), "w"))
    with open(os.path.join(run, "clusters", "c001", "train.jsonl"), "w") as f:
        for text, _, _ in CASES:
            f.write(json.dumps({"format": 1, "id": text, "conversation": text, "weight": 1,
                                "messages": [{"role": "user", "content": text}],
                                "target": {"content": None, "tool_calls": [{"name": "get_weather", "arguments": {"city": city(text)}}]}}) + "\n")
    json.dump({"format": 1, "run": "run", "clusters": [{"cluster": "c001", "specialist": True, "threshold": 0.5}]},
              open(os.path.join(run, "replay", "thresholds.json"), "w"))
    return run


def write_script(root):
    path = os.path.join(root, "script.jsonl")
    with open(path, "w") as f:
        for text, _, _ in CASES + [("weather in Quito SHADOW", "", ""), ("hello from another agent", "", "")]:
            answer = ({"content": "Hi there!", "tool_calls": []} if text.startswith("hello") else
                      {"content": None, "tool_calls": [{"name": "get_weather", "arguments": {"city": city(text)}}]})
            f.write(json.dumps({"match": {"last_user": text}, "response": answer}) + "\n")
    return path


def wait_port(port, timeout=30):
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), 0.2).close()
            return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"nothing listens on {port}")


def admin(port, method, path, token=None, body=None):
    req = urllib.request.Request(f"http://127.0.0.1:{port}{path}", method=method,
                                 data=json.dumps(body).encode() if body is not None else None)
    if token:
        req.add_header("authorization", f"Bearer {token}")
    try:
        with urllib.request.urlopen(req) as r:
            return r.status, json.loads(r.read())
    except urllib.error.HTTPError as e:
        return e.code, None


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--binary", required=True)
    ap.add_argument("--work", required=True)
    a = ap.parse_args()
    import anthropic, openai
    os.makedirs(a.work, exist_ok=True)
    run, script = write_run(a.work), write_script(a.work)
    spec_port, mock_port, proxy_port, admin_port = free_port(), free_port(), free_port(), free_port()
    server = http.server.ThreadingHTTPServer(("127.0.0.1", spec_port), Specialist)
    server.handle_error = lambda request, address: None  # a stalled answer's reader gave up: expected
    threading.Thread(target=server.serve_forever, daemon=True).start()
    token = "s3cret-token"
    logs = open(os.path.join(a.work, "processes.log"), "w")
    mock = subprocess.Popen([a.binary, "mock-upstream", "--listen", f"127.0.0.1:{mock_port}", "--script", script],
                            stdout=logs, stderr=logs)
    archive = os.path.join(a.work, "captures")
    serve = subprocess.Popen([a.binary, "serve", "--run", run, "--target", f"http://127.0.0.1:{spec_port}/v1",
                              "--policy", "on", "--budget-ms", "1000", "--listen", f"127.0.0.1:{proxy_port}",
                              "--upstream", f"openai=http://127.0.0.1:{mock_port}",
                              "--upstream", f"anthropic=http://127.0.0.1:{mock_port}",
                              "--admin", f"127.0.0.1:{admin_port}", "--out", archive, "--json"],
                             stdout=subprocess.PIPE, stderr=logs, env={**os.environ, "UNDERSTUDY_ADMIN_TOKEN": token})
    failures, routes = [], []
    try:
        wait_port(mock_port), wait_port(proxy_port), wait_port(admin_port)
        oa = openai.OpenAI(base_url=f"http://127.0.0.1:{proxy_port}/v1", api_key="sk-test", max_retries=0)
        an = anthropic.Anthropic(base_url=f"http://127.0.0.1:{proxy_port}", api_key="sk-ant-test", max_retries=0)

        def check(text, calls, route, expected_route):
            routes.append({"text": text, "route": route})
            want = city(text) if " in " in text else None
            got = [(c[0], c[1]) for c in calls]
            if want and got != [("get_weather", {"city": want})]:
                failures.append(f"{text}: got {got}")
            if expected_route and not (route or "").startswith(expected_route):
                failures.append(f"{text}: route {route}, expected {expected_route}")

        for stream in (False, True):
            for text, _, expected in CASES:
                msgs = [{"role": "system", "content": SYSTEM}, {"role": "user", "content": text}]
                if stream:
                    raw = oa.chat.completions.with_raw_response.create(model="gpt-4o", messages=msgs, tools=TOOLS, stream=True)
                    calls = {}
                    for chunk in raw.parse():
                        for d in (chunk.choices[0].delta.tool_calls or []) if chunk.choices else []:
                            c = calls.setdefault(d.index, ["", ""])
                            c[0] += d.function.name or ""
                            c[1] += d.function.arguments or ""
                    check(text, [(n, json.loads(x)) for n, x in calls.values()], raw.headers.get("x-understudy-route"), expected)
                else:
                    raw = oa.chat.completions.with_raw_response.create(model="gpt-4o", messages=msgs, tools=TOOLS)
                    m = raw.parse().choices[0].message
                    check(text, [(c.function.name, json.loads(c.function.arguments)) for c in m.tool_calls or []],
                          raw.headers.get("x-understudy-route"), expected)
        anth_tools = [{"name": t["function"]["name"], "description": t["function"]["description"],
                       "input_schema": t["function"]["parameters"]} for t in TOOLS]
        for stream in (False, True):
            for text, _, expected in CASES[:3]:
                kw = dict(model="claude-test", max_tokens=256, system=SYSTEM, tools=anth_tools,
                          messages=[{"role": "user", "content": text}])
                if stream:
                    with an.messages.stream(**kw) as s:
                        final = s.get_final_message()
                        route = s.response.headers.get("x-understudy-route")
                else:
                    raw = an.messages.with_raw_response.create(**kw)
                    final, route = raw.parse(), raw.headers.get("x-understudy-route")
                check(text, [(b.name, b.input) for b in final.content if b.type == "tool_use"], route, expected)
        # Another agent (no cluster): upstream, answered by the mock.
        raw = oa.chat.completions.with_raw_response.create(model="gpt-4o", messages=[{"role": "user", "content": "hello from another agent"}])
        if raw.parse().choices[0].message.content != "Hi there!":
            failures.append("unmatched agent got a wrong answer")
        routes.append({"text": "other agent", "route": raw.headers.get("x-understudy-route")})
        # Admin API: auth, then switch the cluster to shadow at run time.
        unauth = admin(admin_port, "PUT", "/admin/policies/c001", body={"policy": "shadow"})[0]
        wrong = admin(admin_port, "PUT", "/admin/policies/c001", token="nope", body={"policy": "shadow"})[0]
        status, entry = admin(admin_port, "PUT", "/admin/policies/c001", token=token, body={"policy": "shadow"})
        if (unauth, wrong, status) != (401, 401, 200) or entry["policy"] != "shadow":
            failures.append(f"admin API: unauthenticated {unauth}, wrong token {wrong}, with token {status} {entry}")
        msgs = [{"role": "system", "content": SYSTEM}, {"role": "user", "content": "weather in Quito SHADOW"}]
        raw = oa.chat.completions.with_raw_response.create(model="gpt-4o", messages=msgs, tools=TOOLS)
        check("weather in Quito SHADOW", [(c.function.name, json.loads(c.function.arguments)) for c in raw.parse().choices[0].message.tool_calls],
              raw.headers.get("x-understudy-route"), "upstream")
        stats = admin(admin_port, "GET", "/admin/stats", token=token)[1]
    except Exception as e:  # a client-visible error is exactly what must not happen
        failures.append(f"client error: {type(e).__name__}: {e}")
        stats = None
    finally:
        serve.terminate()
        out, _ = serve.communicate(timeout=30)
        mock.terminate()
        mock.wait(timeout=10)
        server.shutdown()
    records = subprocess.run([a.binary, "archive", "cat", archive], capture_output=True, text=True).stdout.splitlines()
    route_records = [json.loads(r).get("route") for r in records]
    shadow = [r for r in route_records if r and r.get("policy") == "shadow"]
    summary = {"failures": failures, "routes": routes, "stats": stats, "records": len(records),
               "records_with_route": sum(1 for r in route_records if r),
               "served_records": sum(1 for r in route_records if r and r.get("by") == "specialist"),
               "shadow_verdicts": [r.get("verdict") for r in shadow],
               "specialist_calls": len(Specialist.calls), "serve_summary": out.decode(errors="replace").strip().splitlines()[-1:]}
    print(json.dumps(summary))
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
