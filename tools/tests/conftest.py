"""Shared by the tools' tests: tools/bench scripts have no .py suffix, so they are loaded from their
files as modules."""

import importlib.machinery
import importlib.util
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def bench_tool():
    """`bench_tool("thread-cost")`: tools/bench/thread-cost as a module."""
    def load(name):
        module_name = name.replace("-", "_")
        loader = importlib.machinery.SourceFileLoader(module_name, str(ROOT / "tools" / "bench" / name))
        module = importlib.util.module_from_spec(importlib.util.spec_from_loader(module_name, loader))
        loader.exec_module(module)
        return module
    return load
