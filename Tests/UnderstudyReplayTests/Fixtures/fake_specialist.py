"""A fake specialist behind an OpenAI-compatible Chat Completions endpoint, for the replay tests.

It answers like a well-trained order-lookup specialist: `lookup_order(order_id=<last word of the
last user message>)`, with token log-probabilities. Markers in the last user message make it
misbehave the way real endpoints do:

    [wrong]          a well-formed but wrong tool call, less sure (confidence ~0.37): a mismatch
    [http-error]     HTTP 500 with an error body
    [garbage]        HTTP 200 with a body that is not JSON
    [bad-arguments]  a tool call whose arguments are not JSON
    [slow]           answers only after 20 s (replay's timeout must fire first)
    [unsure]         a right answer with a low token log-probability (confidence ~0.05)

Usage: fake_specialist.py PORT   (listens on 127.0.0.1:PORT until killed)
"""
import json
import sys
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


def last_user_text(request):
    users = [m for m in request.get("messages", []) if m.get("role") == "user"]
    content = users[-1].get("content") if users else ""
    return content if isinstance(content, str) else json.dumps(content)


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def reply(self, status, body, content_type="application/json"):
        data = body.encode() if isinstance(body, str) else body
        self.send_response(status)
        self.send_header("content-type", content_type)
        self.send_header("content-length", str(len(data)))
        self.end_headers()
        try:
            self.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up (timeouts): nothing to do

    def do_POST(self):
        request = json.loads(self.rfile.read(int(self.headers.get("content-length", 0))) or b"{}")
        text = last_user_text(request)
        if "[http-error]" in text:
            return self.reply(500, json.dumps({"error": {"message": "model crashed", "type": "server_error"}}))
        if "[garbage]" in text:
            return self.reply(200, "<html><body>502 Bad Gateway</body></html>", "text/html")
        if "[slow]" in text:
            time.sleep(20)
        order = text.split()[-1] if text.split() else ""
        arguments = json.dumps({"order_id": "WRONG-0" if "[wrong]" in text else order})
        if "[bad-arguments]" in text:
            arguments = "{order_id: " + order
        logprob = -3.0 if "[unsure]" in text else -1.0 if "[wrong]" in text else -0.01
        body = {
            "id": "chatcmpl-fake", "object": "chat.completion", "model": request.get("model"),
            "choices": [{
                "index": 0, "finish_reason": "tool_calls",
                "message": {"role": "assistant", "content": None, "tool_calls": [
                    {"id": "call_1", "type": "function", "function": {"name": "lookup_order", "arguments": arguments}}]},
                "logprobs": {"content": [{"token": "a", "logprob": -0.001}, {"token": "b", "logprob": logprob}]},
            }],
            "usage": {"prompt_tokens": 30, "completion_tokens": 9},
        }
        self.reply(200, json.dumps(body))


if __name__ == "__main__":
    server = ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), Handler)
    server.daemon_threads = True
    server.serve_forever()
