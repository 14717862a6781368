"""Tool-order copies (recipe `tool_orders`): the same request with its tool list shuffled."""

from distill.trainer.augment import tool_orders
from distill.trainer.dataset import Example
from distill.trainer.prompt import parse_response, render_prompt, render_target
from distill.trainer.slots import restore_response

TOOLS = [{"name": name, "parameters": {"type": "object", "properties": {"city": {"type": "string"}}}}
         for name in ("get_weather", "get_time", "find_hotel")]


def test_tool_order_copies_list_the_tools_in_other_orders_and_keep_the_answer():
    example = Example("e1", [{"role": "user", "content": "Hotels in Oslo"}],
                      {"content": None, "tool_calls": [{"name": "find_hotel", "arguments": {"city": "Oslo"}}]})
    copies = tool_orders(example, TOOLS, 2, seed=0)
    assert len(copies) == 2
    orders = {tuple(t["name"] for t in c.tools) for c in copies}
    assert len(orders) == 2 and ("get_weather", "get_time", "find_hotel") not in orders
    targets = set()
    for copy in copies:
        prompt = render_prompt(copy.messages, tools=copy.tools)
        text = render_target(copy.target, prompt)
        targets.add(text)
        # The answer still reads back to the recorded call, whatever slot the tool got.
        assert restore_response(parse_response(text), prompt.slots, copy.tools) == example.target
    assert len(targets) == 2  # the tool moved, so its slot number did
    assert tool_orders(example, TOOLS[:1], 2, seed=0) == []  # one tool: nothing to shuffle
