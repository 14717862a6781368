"""Prompt feature `tool_choice`: the tools an answer calls, chosen by a classifier learnt per cluster.

With `hint_tools` an answer keeps to the tools of the nearest training answer (and, with
`clause_hint_tools`, the tools the question's clauses pick); on the BFCL multi-turn suites most
in-request misses still name the wrong tools, because one neighbour reads like the request but
asks for another tool, and the clauses' picks widen the allowed set to 2-5 tools among which the
scratch model often picks wrong. A classifier learnt on all of the cluster's training answers
reads the request better than its one nearest neighbour: on the seven suites' in-request
validation answers the tools it chooses are exactly the answer's for 65 of 86 (the nearest hint's
tools for 45, the hint's joined by the clauses' picks for 25; distill/MEASUREMENTS.md).

The rule (PROMPT_FORMAT.md, "Prompt features"): one logistic regression per cluster tool over
the features of a request, which are the L2-normalised all-MiniLM-L6-v2 embedding of the last user
message (as `retrieval_hint` embeds it) followed by, per cluster tool, `CALLED_VALUE` if the
conversation called that tool before (any earlier assistant turn) else 0. A tool's score is
`bias + weights . features` in double precision; the chosen tools are those scoring >= 0
(probability >= 0.5), or the single highest-scoring one (ties: the first in tool order) when none
does. When the nearest hint calls a tool (`hint_tools` restricts), every call of the answer names
a chosen tool instead of the hint's (and the clauses' picks are not used); when the nearest
neighbour answered in text nothing is restricted, as with `hint_tools`. Nothing is added to the
prompt: the feature changes decoding only. The weights are fitted after training (a few CPU
seconds) and saved with the specialist as `tool_choice.json`.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from .hint_tools import FEATURE as HINT_TOOLS
from .retrieval import FEATURE as RETRIEVAL_HINT, query_text

FEATURE = "tool_choice"
FILE = "tool_choice.json"
# The feature value of a tool the conversation called before, beside the unit-length sentence
# embedding (the seven suites' in-request validation answers, C 100: 0 -> 61, 0.5 -> 65, 1 -> 61
# of 86 exactly right tool sets; MEASUREMENTS.md).
CALLED_VALUE = 0.5
# Inverse regularisation strength of the logistic regressions (scikit-learn's C): 50-270 answers
# and ~400 features per cluster, and weak regularisation separates them (validation, as above:
# C 10 -> 64, 100 -> 65, 1000 -> 65).
INVERSE_REGULARISATION = 100.0
# The score of a tool that every training answer calls, or none: no regression to fit.
CONSTANT_SCORE = 100.0


def called_tools(messages: list[dict]) -> set[str]:
    """The tool names the conversation's assistant turns called before the request."""
    return {str(call.get("name")) for m in messages if m.get("role") == "assistant"
            for call in m.get("tool_calls") or []}


class ToolChoice:
    """Per cluster tool: `bias` and `weights` (embedding dimension + one per tool)."""

    def __init__(self, tools: list[str], bias: list[float], weights: list[list[float]],
                 called_value: float = CALLED_VALUE, source: Path | str = FILE):
        if len(bias) != len(tools) or len(weights) != len(tools):
            raise ValueError(f"tool_choice: {len(tools)} tools but {len(bias)} biases and {len(weights)} weight rows")
        self.tools, self.called_value, self.source = tools, called_value, source
        self.bias = np.asarray(bias, dtype=np.float64)
        self.weights = np.asarray(weights, dtype=np.float64).reshape(len(tools), -1)

    def features(self, query: np.ndarray, messages: list[dict]) -> np.ndarray:
        called = called_tools(messages)
        flags = [self.called_value if name in called else 0.0 for name in self.tools]
        return np.concatenate([np.asarray(query, dtype=np.float64), np.asarray(flags, dtype=np.float64)])

    def scores(self, query: np.ndarray, messages: list[dict]) -> list[float]:
        x = self.features(query, messages)
        if self.weights.shape[1] != len(x):
            # zip would drop the features past a short row (the Swift engine refuses such a file)
            raise ToolChoiceFileError(Path(self.source), "weights", f"rows hold {self.weights.shape[1]} weights, "
                                      f"not {len(x) - len(self.tools)} embedding weights plus one per tool")
        scores = []
        for t in range(len(self.tools)):
            # from the bias, summed in feature order in double precision (as the Swift engine sums)
            score = float(self.bias[t])
            for w, v in zip(self.weights[t], x):
                score += float(w) * float(v)
            scores.append(score)
        return scores

    def chosen(self, query: np.ndarray, messages: list[dict]) -> list[str]:
        """The tools (in tool order) an answer to this request may call."""
        scores = self.scores(query, messages)
        picked = [name for name, s in zip(self.tools, scores) if s >= 0]
        if picked or not scores:
            return picked
        return [self.tools[max(range(len(scores)), key=lambda t: (scores[t], -t))]]

    @classmethod
    def fit(cls, examples, tool_names: list[str], queries: np.ndarray) -> "ToolChoice":
        """Fits one regression per tool on the training `examples` (their `queries`: the
        embeddings of their last user messages, one row each)."""
        from sklearn.linear_model import LogisticRegression

        probe = cls(tool_names, [0.0] * len(tool_names), [[0.0] * (queries.shape[1] + len(tool_names))] * len(tool_names))
        x = np.stack([probe.features(q, e.messages) for e, q in zip(examples, queries)]) if len(examples) else \
            np.zeros((0, queries.shape[1] + len(tool_names)))
        bias, weights = [], []
        for name in tool_names:
            y = np.asarray([any(c.get("name") == name for c in e.target.get("tool_calls") or []) for e in examples])
            if y.all() or not y.any():
                bias.append(CONSTANT_SCORE if len(y) and y.all() else -CONSTANT_SCORE)
                weights.append([0.0] * x.shape[1])
                continue
            model = LogisticRegression(C=INVERSE_REGULARISATION, max_iter=5000).fit(x, y)
            bias.append(float(model.intercept_[0]))
            weights.append([float(w) for w in model.coef_[0]])
        return cls(tool_names, bias, weights)

    def save(self, directory: Path) -> dict:
        (directory / FILE).write_text(json.dumps(
            {"format": 1, "model": "all-MiniLM-L6-v2", "query": "last_user_message", "tools": self.tools,
             "called_value": self.called_value, "bias": self.bias.tolist(), "weights": self.weights.tolist()}) + "\n")
        return {"file": FILE, "tools": len(self.tools)}

    @classmethod
    def load(cls, directory: Path) -> "ToolChoice":
        """Reads `tool_choice.json`, refusing (ValueError naming the file and field, as the Swift
        engine does) a file whose fields would otherwise be misread: `zip` would silently drop the
        features past a short weight row."""
        path = directory / FILE
        try:
            info = json.loads(path.read_text())
        except json.JSONDecodeError as error:
            raise ToolChoiceFileError(path, "(file)", f"is not JSON: {error}") from None
        if not isinstance(info, dict):
            raise ToolChoiceFileError(path, "(file)", "is not a JSON object")
        tools = info.get("tools")
        if not isinstance(tools, list) or not all(isinstance(name, str) for name in tools):
            raise ToolChoiceFileError(path, "tools", "is missing or holds an entry that is not a tool name")
        if not tools:
            raise ToolChoiceFileError(path, "tools", "is empty: there is no tool to choose")
        bias = _numbers(info.get("bias"), path, "bias")
        rows = info.get("weights")
        if not isinstance(rows, list):
            raise ToolChoiceFileError(path, "weights", "is missing or not a list of rows")
        weights = [_numbers(row, path, "weights") for row in rows]
        called_value = _numbers([info.get("called_value")], path, "called_value")[0]
        if len(bias) != len(tools) or len(weights) != len(tools) or len({len(row) for row in weights}) != 1:
            raise ToolChoiceFileError(path, "weights", "does not hold one bias and one equal-length row per tool")
        if len(weights[0]) <= len(tools):
            raise ToolChoiceFileError(path, "weights", f"rows of {len(weights[0])} hold no embedding weights "
                                      f"before the {len(tools)} per tool")
        return cls(tools, bias, weights, called_value, source=path)


class ToolChoiceFileError(ValueError):
    """A `tool_choice.json` the engines cannot use; names the file and the field."""

    def __init__(self, path: Path, field: str, reason: str):
        super().__init__(f"{path}: field `{field}` {reason}")


def _numbers(value, path: Path, field: str) -> list[float]:
    """`value` as a list of numbers (JSON booleans are not numbers here, as in the Swift engine)."""
    if not isinstance(value, list):
        raise ToolChoiceFileError(path, field, "is missing or not a list of numbers")
    for item in value:
        if isinstance(item, bool) or not isinstance(item, (int, float)):
            raise ToolChoiceFileError(path, field, f"holds {json.dumps(item)}, not a number")
    return [float(item) for item in value]


def chosen_for(choice: ToolChoice, examples, embed) -> dict[int, list[str]]:
    """The chosen tools per example (keyed by id()); `embed(texts)`: L2-normalised rows."""
    queries = embed([query_text(e.messages) for e in examples])
    return {id(e): choice.chosen(q, e.messages) for e, q in zip(examples, queries)}


def add_to_specialist(run_dir: Path, cluster_id: str, specialist_dir: Path) -> dict:
    """Fits the classifier on the cluster's training answers and adds the feature to a trained
    specialist (decoding only, so the model stays as it is): writes `tool_choice.json` and lists
    `tool_choice` in specialist.json."""
    from .dataset import load_cluster
    from .retrieval import Embedder

    spec_path = specialist_dir / "specialist.json"
    spec = json.loads(spec_path.read_text())
    # PROMPT_FORMAT.md: the chosen tools take the place of hint_tools' nearest-hint tools, and the
    # query is retrieval_hint's embedding; without them an engine has nothing to restrict.
    missing = [f for f in (HINT_TOOLS, RETRIEVAL_HINT) if f not in spec.get("prompt_features", [])]
    if missing:
        raise ValueError(f"{spec_path}: tool_choice needs prompt features {', '.join(missing)}, "
                         f"which the specialist was not trained with")
    cluster = load_cluster(run_dir, cluster_id)
    if len(cluster.tools) < 2:
        raise ValueError(f"{run_dir}/{cluster_id}: tool_choice needs a cluster of at least 2 tools, "
                         f"this one has {len(cluster.tools)}")
    train = cluster.splits["train"]
    choice = ToolChoice.fit(train, [t.get("name") for t in cluster.tools],
                            Embedder().embed([query_text(e.messages) for e in train]))
    spec["tool_choice"] = choice.save(specialist_dir)
    if FEATURE not in spec["prompt_features"]:
        spec["prompt_features"].append(FEATURE)
    spec_path.write_text(json.dumps(spec, indent=1, ensure_ascii=False) + "\n")
    return spec["tool_choice"]


if __name__ == "__main__":
    from .feature_cli import main

    main(FEATURE, add_to_specialist)
