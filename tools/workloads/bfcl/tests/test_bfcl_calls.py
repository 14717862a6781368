"""Ground-truth conversion: BFCL call strings and possible answers → canonical tool calls."""

import pytest

from bfcl_fleet.calls import CallParseError, parse_call, single_turn_answer
from bfcl_fleet.schema import tool_name


def test_keyword_arguments_become_an_arguments_object():
    assert parse_call("cd(folder='document')") == {"name": "cd", "arguments": {"folder": "document"}}


def test_literals_keep_their_json_types():
    call = parse_call("f(n=3, x=-2.5, y=+4, big=-10, ok=True, off=False, none=None, e=1e-3)")
    assert call["arguments"] == {"n": 3, "x": -2.5, "y": 4, "big": -10, "ok": True, "off": False, "none": None,
                                 "e": 0.001}
    assert isinstance(call["arguments"]["n"], int) and isinstance(call["arguments"]["x"], float)


def test_nested_lists_dicts_and_tuples():
    call = parse_call("post(tags=['#a', '#b'], grid=[[1, 2], [3, -4.5]], meta={'k': [1, {'z': 'w'}], 2: 'two'},"
                      " pair=(1, 'x'))")
    assert call["arguments"] == {"tags": ["#a", "#b"], "grid": [[1, 2], [3, -4.5]],
                                 "meta": {"k": [1, {"z": "w"}], "2": "two"}, "pair": [1, "x"]}


def test_strings_with_quotes_and_escapes():
    call = parse_call('echo(content="It\'s \\"done\\"\\n", file_name=\'a,b(c).txt\')')
    assert call["arguments"] == {"content": 'It\'s "done"\n', "file_name": "a,b(c).txt"}


def test_positional_arguments_are_named_from_the_signature():
    names = {"sort": ["file_name"], "mv": ["source", "destination"]}
    assert parse_call("sort('final_report.pdf')", names.get) == {"name": "sort",
                                                                 "arguments": {"file_name": "final_report.pdf"}}
    assert parse_call("mv('a.txt', destination='b')", names.get)["arguments"] == {"source": "a.txt",
                                                                                  "destination": "b"}


def test_too_many_positional_arguments_is_an_error():
    with pytest.raises(CallParseError, match="positional"):
        parse_call("sort('a', 'b')", {"sort": ["file_name"]}.get)


@pytest.mark.parametrize("source", ["cd(folder=os.getcwd())", "cd(folder=x)", "not a call(", "cd(**kw)", "42"])
def test_non_literal_calls_are_rejected(source):
    with pytest.raises(CallParseError):
        parse_call(source)


def test_dotted_names_become_valid_openai_tool_names():
    assert parse_call("math.factorial(number=5)")["name"] == "math_factorial"
    assert tool_name("spotify.play") == "spotify_play"
    assert tool_name("a" * 80) == "a" * 64


def test_single_turn_answer_picks_first_values_and_omits_optional_params():
    truth = [{"calculate_triangle_area": {"base": [10], "height": [5, 5.0], "unit": ["units", ""]}},
             {"math.sum": {"numbers": [[3, 5]], "mode": ["", "fast"], "negative": [-1.5]}}]
    assert single_turn_answer(truth) == [
        {"name": "calculate_triangle_area", "arguments": {"base": 10, "height": 5}},
        {"name": "math_sum", "arguments": {"numbers": [3, 5], "negative": -1.5}},
    ]


def test_single_turn_answer_resolves_nested_acceptable_values():
    truth = [{"book": {"options": [{"seat": ["window", "aisle"], "meal": ["", "veg"]}]}}]
    assert single_turn_answer(truth) == [{"name": "book", "arguments": {"options": {"seat": "window"}}}]
