"""An OpenAI-compatible Chat Completions server over a run's trained specialists, for
tools/bench/route (replay and serve with --target URL): the model name is the cluster id.

Uses distill/trainer's own prompt rendering, slots and greedy decoding, so answers are exactly
what the trainer's held-out evaluation measures; token log-probabilities come back as `logprobs`
(the router's confidence). An answer that does not parse is a 422, so the router falls back.

    .venv/bin/python tools/bench/lib/route_specialists.py --run distill/runs/r1 --port 8000
"""
from __future__ import annotations

import argparse
import http.server
import json
import sys
import threading
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).resolve().parents[3]))
from distill.trainer.dataset import Example  # noqa: E402
from distill.trainer.evaluate import banned_ids  # noqa: E402
from distill.trainer.features import build_features  # noqa: E402
from distill.trainer.hint_tools import FEATURE as HINT_TOOLS, banned_heads  # noqa: E402
from distill.trainer.optional import omit_optional  # noqa: E402
from distill.trainer.prompt import END, parse_response  # noqa: E402
from distill.trainer.retrieval import FEATURE as RETRIEVAL_HINT, Embedder, RetrievalIndex, query_text  # noqa: E402
from distill.trainer.recipe import settings_of  # noqa: E402
from distill.trainer.slot_order import FEATURE as RECENT_SLOTS  # noqa: E402
from distill.trainer.slots import restore_response  # noqa: E402
from distill.trainer.spans import FEATURE as QUESTION_SPANS  # noqa: E402

KNOWN_FEATURES = {RETRIEVAL_HINT, RECENT_SLOTS, QUESTION_SPANS, HINT_TOOLS}


class Specialist:
    """One trained specialist, prompted and decoded as the trainer's held-out evaluation does,
    prompt features included (specialist.json `prompt_features`; an unknown one is refused)."""

    def __init__(self, directory: Path):
        from transformers import LlamaForCausalLM, PreTrainedTokenizerFast
        self.tokenizer = PreTrainedTokenizerFast.from_pretrained(str(directory))
        self.model = LlamaForCausalLM.from_pretrained(str(directory)).eval()
        info = json.loads((directory / "specialist.json").read_text())
        self.recipe = settings_of(info)
        self.max_slots = int((info.get("slots") or {}).get("max_slots") or self.recipe["max_slots"])
        # The prompt budget serving uses: specialist.json's own key, as the Swift engine reads it.
        self.max_prompt_tokens = int(info.get("max_prompt_tokens") or self.recipe["max_prompt_tokens"])
        self.request_tools = bool(info.get("request_tools"))
        self.cluster_tools = info.get("tools") or []
        self.omit = info.get("optional_arguments") == "omit"
        self.features = list(info.get("prompt_features") or [])
        unknown = set(self.features) - KNOWN_FEATURES
        if unknown:
            raise ValueError(f"{directory / 'specialist.json'}: prompt_features {sorted(unknown)} are not served here")
        self.retrieval = RetrievalIndex.load(directory) if RETRIEVAL_HINT in self.features else None
        self.embedder = Embedder() if self.retrieval is not None else None
        # Call heads are added tokens of a scratch tokenizer: the ones hint_tools may ban.
        self.head_names = [t[len('{"name":"'):-len('","arguments":')] for t in self.tokenizer.get_vocab()
                           if t.startswith('{"name":"') and t.endswith('","arguments":')]
        self.end_id = self.tokenizer.convert_tokens_to_ids(END)
        self.max_new = int(self.model.generation_config.max_new_tokens or 256)

    def feature(self, messages: list[dict], tools: list[dict]):
        example = Example("live", messages, {"content": None, "tool_calls": []})
        hint = self.retrieval.hint(self.embedder.embed([query_text(messages)])[0]) if self.retrieval else None
        return build_features([example], self.tokenizer, self.max_prompt_tokens,
                              self.recipe["max_target_tokens"], self.max_slots,
                              tools_of=lambda _: tools if self.request_tools else None,
                              hint_of=(lambda _: hint) if hint is not None else None,
                              recent_slots=RECENT_SLOTS in self.features,
                              question_spans=QUESTION_SPANS in self.features)[0], hint

    @torch.no_grad()
    def answer(self, messages: list[dict], tools: list[dict]):
        feature, hint = self.feature(messages, tools)
        units = len(feature.slots.units.units) if feature.slots.units is not None else 0
        banned = banned_ids(self.tokenizer, len(feature.slots.slots), self.max_slots, units)
        if HINT_TOOLS in self.features and hint is not None:
            banned += banned_heads(self.tokenizer, hint, [t.get("name") for t in self.cluster_tools], self.head_names)
        ban = torch.tensor(banned, dtype=torch.long)
        out = self.model(input_ids=torch.tensor([feature.prompt_ids]), use_cache=True)
        new_api = hasattr(out, "cache")
        past, logits = (out.cache if new_api else out.past_key_values), out.logits[0, -1].float()
        ids, logprobs = [], []
        for _ in range(self.max_new):
            logits[ban] = -torch.inf
            lp = torch.log_softmax(logits, dim=-1)
            token = int(torch.argmax(lp))
            logprobs.append(float(lp[token]))
            if token == self.end_id:
                break
            ids.append(token)
            step = torch.tensor([[token]])
            out = self.model(input_ids=step, cache=past, use_cache=True) if new_api else \
                self.model(input_ids=step, past_key_values=past, use_cache=True)
            past = out.cache if new_api else out.past_key_values
            logits = out.logits[0, -1].float()
        text = self.tokenizer.backend_tokenizer.decode(ids, skip_special_tokens=False)
        served_tools = tools if self.request_tools else (self.cluster_tools or tools)
        response = restore_response(parse_response(text), feature.slots, served_tools)
        if self.omit:
            response = omit_optional(response, served_tools)
        return response, logprobs, len(feature.prompt_ids)


def canonical(messages: list[dict]) -> list[dict]:
    out = []
    for m in messages:
        if m.get("role") == "system":
            continue
        item = {"role": m["role"], "content": m.get("content")}
        if m.get("tool_calls"):
            item["tool_calls"] = [{"name": c["function"]["name"], "arguments": json.loads(c["function"]["arguments"] or "{}")}
                                  for c in m["tool_calls"]]
        if m.get("tool_call_id"):
            item["tool_call_id"] = m["tool_call_id"]
        out.append(item)
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--run", required=True, type=Path)
    ap.add_argument("--port", type=int, default=8000)
    ap.add_argument("--threads", type=int, default=1)
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    specialists = {d.name: Specialist(d) for d in sorted((a.run / "specialists").glob("*"))
                   if (d / "specialist.json").exists() and (d / "model.safetensors").exists()}
    lock = threading.Lock()

    class Handler(http.server.BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def reply(self, status, payload):
            data = json.dumps(payload).encode()
            self.send_response(status)
            self.send_header("content-type", "application/json")
            self.send_header("content-length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_POST(self):
            body = json.loads(self.rfile.read(int(self.headers.get("content-length", 0))))
            specialist = specialists.get(body.get("model"))
            if specialist is None:
                return self.reply(404, {"error": {"message": f"no specialist {body.get('model')}"}})
            tools = [t["function"] for t in body.get("tools") or []]
            try:
                with lock:
                    response, logprobs, prompt = specialist.answer(canonical(body["messages"]), tools)
            except Exception as e:  # noqa: BLE001 - an unusable answer, reported as such
                return self.reply(422, {"error": {"message": f"unparsable answer: {e}"}})
            calls = [{"id": f"call_{i}", "type": "function",
                      "function": {"name": c["name"], "arguments": json.dumps(c.get("arguments") or {})}}
                     for i, c in enumerate(response.get("tool_calls") or [])]
            message = {"role": "assistant", "content": response.get("content")}
            if calls:
                message["tool_calls"] = calls
            self.reply(200, {"id": "chatcmpl-specialist", "object": "chat.completion", "model": body.get("model"),
                             "choices": [{"index": 0, "message": message, "finish_reason": "tool_calls" if calls else "stop",
                                          "logprobs": {"content": [{"token": "", "logprob": lp} for lp in logprobs]}}],
                             "usage": {"prompt_tokens": prompt, "completion_tokens": len(logprobs)}})

    server = http.server.ThreadingHTTPServer(("127.0.0.1", a.port), Handler)
    print(f"specialists {sorted(specialists)} on 127.0.0.1:{a.port}", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
