"""The e2e task modules (tests/e2e/tasks/) and the packages they run apps with:
cheap checks, kept out of tests/e2e/ so that the fast lane runs them."""

from importlib.metadata import version

import pytest
from conftest import REPO
from e2e.tasks import has_module, load

from zgscaffold.facts import load_facts

FACTS = load_facts(REPO / "facts" / "zerogpu.yml")
TASKS = [task for task in FACTS.tasks if has_module(task)]


def test_e2e_modules_cover_every_task():
    missing = [task for task in FACTS.tasks if not has_module(task)]
    assert not missing, (
        f"no e2e module for {missing}: add tests/e2e/tasks/<task>.py (see tests/e2e/README.md)"
    )


@pytest.mark.parametrize("task", TASKS)
def test_each_e2e_module_is_complete(task):
    load(task)  # raises naming what the module lacks


def test_e2e_dependencies_match_the_facts():
    import gradio
    import spaces  # noqa: F401 - importable, and the version below

    assert gradio.__version__ == FACTS.data["gradio"]["sdk_version"]
    assert version("spaces") == FACTS.data["spaces_package"]
