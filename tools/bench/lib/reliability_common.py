"""Shared pieces of tools/bench/reliability: processes (mock-upstream, record), ports, RSS,
and a blocking HTTP client that tags each request with a marker and logs when it finished."""
import http.client
import json
import os
import socket
import subprocess
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
ANSWER = "The mock upstream answers with enough words to make a stream of several events for the reliability runs."
SCRIPT = json.dumps({"response": {"content": ANSWER, "tool_calls": []}}) + "\n"


def binary():
    """The understudy binary: $UNDERSTUDY_BIN, else release, else debug."""
    if os.environ.get("UNDERSTUDY_BIN"):
        return os.environ["UNDERSTUDY_BIN"]
    for configuration in ("release", "debug"):
        path = ROOT / ".build" / configuration / "understudy"
        if path.exists():
            return str(path)
    raise SystemExit("no understudy binary: run `swift build --product understudy`")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_port(port, timeout=30.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"port {port} never opened")


def rss_kb(pid):
    try:
        with open(f"/proc/{pid}/status") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


class Processes:
    """mock-upstream and record (or serve) on free loopback ports, logs under `work`."""

    def __init__(self, work: Path, mock_args=(), threads=1):
        self.work = work
        self.work.mkdir(parents=True, exist_ok=True)
        self.threads = threads
        script = work / "script.jsonl"
        script.write_text(SCRIPT)
        self.mock_port = free_port()
        self.mock = subprocess.Popen(
            [binary(), "mock-upstream", "--listen", f"127.0.0.1:{self.mock_port}", "--script", str(script),
             "--threads", str(threads), *mock_args],
            stdout=subprocess.DEVNULL, stderr=open(work / "mock.log", "ab"))
        wait_port(self.mock_port)
        self.recorder = None
        self.port = None
        self.admin_port = None

    def start_recorder(self, out: Path, extra=(), command=("record",), env=None):
        self.port = free_port()
        self.admin_port = free_port()
        self.recorder = subprocess.Popen(
            [binary(), *command, "--listen", f"127.0.0.1:{self.port}",
             "--upstream", f"openai=http://127.0.0.1:{self.mock_port}",
             "--upstream", f"anthropic=http://127.0.0.1:{self.mock_port}",
             "--out", str(out), "--admin", f"127.0.0.1:{self.admin_port}", "--threads", str(self.threads), *extra],
            stdout=subprocess.DEVNULL, stderr=open(self.work / "record.log", "ab"),
            env={**os.environ, "XDG_CONFIG_HOME": str(self.work / "config"), **(env or {})})
        wait_port(self.port)
        return self.recorder

    def kill_recorder(self, signal_number=9):
        if self.recorder and self.recorder.poll() is None:
            os.kill(self.recorder.pid, signal_number)
            self.recorder.wait(timeout=30)

    def metrics(self):
        connection = http.client.HTTPConnection("127.0.0.1", self.admin_port, timeout=5)
        connection.request("GET", "/metrics")
        text = connection.getresponse().read().decode()
        connection.close()
        values = {}
        for line in text.splitlines():
            if line and not line.startswith("#"):
                name, _, value = line.rpartition(" ")
                try:
                    values[name] = float(value)
                except ValueError:
                    pass
        return values

    def close(self):
        self.kill_recorder(15)
        if self.mock.poll() is None:
            self.mock.terminate()
            self.mock.wait(timeout=30)


def chat_request(port, marker, stream, timeout=10.0):
    """One chat completion through 127.0.0.1:port with `marker` in the user message. Returns
    (status or exception name, bytes received, finished-at monotonic time)."""
    body = json.dumps({"model": "gpt-4o-mini", "stream": stream,
                       "messages": [{"role": "user", "content": f"[{marker}] say something"}]})
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        connection.request("POST", "/v1/chat/completions", body=body, headers={
            "content-type": "application/json", "authorization": "Bearer sk-reliability-0123456789"})
        response = connection.getresponse()
        data = response.read()
        return response.status, data, time.monotonic()
    except Exception as error:  # a failure is a result here
        return type(error).__name__, b"", time.monotonic()
    finally:
        connection.close()


def archive_texts(out: Path):
    """The request bodies of every readable record (`understudy archive cat`)."""
    run = subprocess.run([binary(), "archive", "cat", str(out)], capture_output=True, text=True, timeout=300)
    return run.stdout


def percentile(values, p):
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]
