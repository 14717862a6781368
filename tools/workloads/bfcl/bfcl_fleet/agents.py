"""The fleet: one agent per BFCL multi-turn API suite plus one generic tool-calling agent."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import bfcl_eval

from .schema import openai_tool

DATA_DIR = Path(bfcl_eval.__file__).resolve().parent / "data"
PROMPT_DIR = Path(__file__).resolve().parent / "prompts"


@dataclass(frozen=True)
class Agent:
    """One agent of the fleet: a constant system prompt, constant tools, constant sampling settings."""

    name: str
    bfcl_class: str | None  # the BFCL backend class; None for the generic agent
    func_doc: str | None  # file under data/multi_turn_func_doc
    temperature: float

    @property
    def system_prompt(self) -> str:
        return (PROMPT_DIR / f"{self.name}.md").read_text(encoding="utf-8").strip()

    @property
    def tools(self) -> list[dict]:
        """The agent's OpenAI tools (empty for the generic agent: its tools come with each request)."""
        return suite_tools(self.func_doc) if self.func_doc else []


GENERIC = "generic"

AGENTS: dict[str, Agent] = {
    agent.name: agent
    for agent in (
        Agent("file_system", "GorillaFileSystem", "gorilla_file_system.json", 0.0),
        Agent("math", "MathAPI", "math_api.json", 0.0),
        Agent("message", "MessageAPI", "message_api.json", 0.2),
        Agent("posting", "TwitterAPI", "posting_api.json", 0.7),
        Agent("ticket", "TicketAPI", "ticket_api.json", 0.2),
        Agent("trading", "TradingBot", "trading_bot.json", 0.0),
        Agent("travel", "TravelAPI", "travel_booking.json", 0.3),
        Agent("vehicle", "VehicleControlAPI", "vehicle_control.json", 0.0),
        Agent(GENERIC, None, None, 0.0),
    )
}

AGENT_BY_CLASS = {agent.bfcl_class: agent.name for agent in AGENTS.values() if agent.bfcl_class}

# The BFCL categories this workload uses, and nothing else.
MULTI_TURN_VARIANTS = ("multi_turn_base", "multi_turn_miss_param", "multi_turn_long_context")
SINGLE_TURN_CATEGORIES = ("simple_python", "multiple", "parallel", "parallel_multiple", "irrelevance")


@lru_cache(maxsize=None)
def suite_tools(func_doc: str) -> list[dict]:
    path = DATA_DIR / "multi_turn_func_doc" / func_doc
    return [openai_tool(json.loads(line)) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def load_category(category: str) -> list[dict]:
    """BFCL entries of a category joined with their possible answers (`ground_truth`, if any)."""
    questions = _jsonl(DATA_DIR / f"BFCL_v4_{category}.json")
    answers_path = DATA_DIR / "possible_answer" / f"BFCL_v4_{category}.json"
    if answers_path.exists():
        answers = {row["id"]: row["ground_truth"] for row in _jsonl(answers_path)}
        for entry in questions:
            entry["ground_truth"] = answers[entry["id"]]
    return questions


def _jsonl(path: Path) -> list[dict]:
    if not path.exists():
        raise FileNotFoundError(f"BFCL data file missing: {path} (is bfcl-eval installed in .venv?)")
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
