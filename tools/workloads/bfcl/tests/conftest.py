import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
for path in (HERE.parent, HERE):
    if str(path) not in sys.path:
        sys.path.insert(0, str(path))


import pytest  # noqa: E402


@pytest.fixture(scope="session")
def quick(tmp_path_factory):
    """The --quick workload, generated once: {"dir", "requests", "script", "labels", "summary"}."""
    from bfcl_workload_fixture import quick_workload

    return quick_workload(tmp_path_factory.mktemp("bfcl-quick"))


@pytest.fixture(scope="session")
def mixed(tmp_path_factory):
    """A small workload where the travel and generic agents use the Anthropic Messages API."""
    from bfcl_workload_fixture import workload

    return workload(tmp_path_factory.mktemp("bfcl-mixed"),
                    ["--conversations", "60", "--seed", "11", "--anthropic-agents", "travel,generic"])
