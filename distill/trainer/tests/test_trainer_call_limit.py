"""Prompt feature call_limit: an answer keeps at most the calls its question asks for (clauses
plus list separators); the Swift engine cuts the same golden file alike (CallLimitTests). Listed
only for clusters whose requests bring their own tools."""

import json
from pathlib import Path

from accelerate import Accelerator

from distill.trainer.call_limit import FEATURE, cut, limit, over_limit
from distill.trainer.dataset import Example
from distill.trainer.golden_features import call_limit_cases
from distill.trainer.run import Options, train_cluster
from distill.trainer.tests.test_trainer_run import TINY
from distill.trainer.tests.trainer_fixtures import write_cluster

GOLDEN = Path(__file__).parent / "golden" / "call_limit.jsonl"
HEAD = '{"content":null,"tool_calls":['
CALL = '{"name":<S2>,"arguments":{"<S3>":<S%d>}}'


def test_cuts_match_the_golden_file():
    lines = [json.loads(line) for line in GOLDEN.read_text(encoding="utf-8").splitlines()]
    assert lines == call_limit_cases()
    by_name = {line["name"]: line for line in lines}
    assert by_name["one_part_question_keeps_one_call"]["cut"] == HEAD + CALL % 0 + "]}"
    assert by_name["cut_at_max_tokens_past_the_limit"]["cut"] == HEAD + CALL % 0 + "]}"
    assert [by_name[n]["limit"] for n in ("a_list_asks_for_more", "or_counts", "clauses_count")] == [3, 2, 2]
    assert all(line["cut"] == line["text"] for line in lines if line["name"].endswith("_stays"))


def test_the_limit_counts_clauses_and_separators():
    assert limit("Find the fastest route from San Francisco to Los Angeles.") == 1
    assert limit("Check seasons 2017, 2018 and 2019.") == 3
    assert limit("What is the weather in Berlin? Also convert 5 USD to EUR.") == 2
    assert limit("") is None
    three = HEAD + ",".join(CALL % k for k in range(3)) + "]}"
    assert cut(three, "Check seasons 2017 and 2018.") == HEAD + CALL % 0 + "," + CALL % 1 + "]}"
    assert cut(three, "") == three


def test_over_limit_counts_training_answers_with_more_calls_than_asked():
    def example(question, calls):
        target = {"content": None, "tool_calls": [{"name": "f", "arguments": {"x": k}} for k in range(calls)]}
        return Example(question, [{"role": "user", "content": question}], target)

    examples = [example("Find the band of Oregon.", 1), example("Find the band of Oregon.", 2),
                example("Get x and y please.", 2)]
    assert over_limit(examples) == 1


def listed_features(tmp_path: Path, rows: list[dict], tools: list[dict], feature: str = FEATURE) -> list[str]:
    """The prompt features a tiny specialist trained on these rows with `feature` on lists."""
    write_cluster(tmp_path, "c001", rows, tools)
    options = Options(recipe="scratch", max_steps=6, recipe_overrides={**TINY, feature: True}, eval_examples=2)
    out = Path(train_cluster(tmp_path, "c001", options, Accelerator(cpu=True), lambda event: None)["specialist"])
    return json.loads((out / "specialist.json").read_text())["prompt_features"]


def test_the_feature_is_listed_only_for_requests_that_bring_their_tools(tmp_path):
    tool = {"name": "get_weather", "parameters": {"type": "object", "properties": {"city": {"type": "string"}},
                                                  "required": ["city"]}}
    rows = [{"id": f"ex{i}", "messages": [{"role": "user", "content": f"Weather in City{i} today?"}],
             "target": {"content": None, "tool_calls": [{"name": "get_weather", "arguments": {"city": f"City{i}"}}]}}
            for i in range(30)]
    assert FEATURE not in listed_features(tmp_path / "constant", rows, [tool])
    assert FEATURE in listed_features(tmp_path / "request", [{**row, "tools": [tool]} for row in rows], [tool])
