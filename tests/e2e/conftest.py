"""Session-scoped renders and one running app at a time, reused by that task's tests.

`tiny_model` (tests/conftest.py) builds each task's model once and keeps it on disk.
tests/conftest.py orders the tests that use `running_app` by task and puts each
task's in one pytest-xdist group, so each app starts once and stops as soon as the
next task's tests begin: an idle Gradio app still polls its queue, and 17 of them
left running would take a core.
"""

from pathlib import Path

import pytest

from zgscaffold.facts import load_facts

from .spaces_under_test import REPO, App, render
from .tasks import has_module, model_env

ALL_TASKS = list(load_facts(REPO / "facts" / "zerogpu.yml").tasks)
TASKS = [task for task in ALL_TASKS if has_module(task)]


@pytest.fixture(scope="session")
def space(tmp_path_factory):
    """task -> folder with that task's Space rendered with the defaults."""
    rendered: dict[str, Path] = {}

    def get(task: str) -> Path:
        if task not in rendered:
            rendered[task] = render(task, tmp_path_factory.mktemp("spaces") / task)
        return rendered[task]

    return get


@pytest.fixture(scope="session")
def running_app(space, tiny_model):
    """task -> its app.py running on CPU with lazy example caching; asking for
    another task stops the app that was running."""
    current: dict[str, App] = {}

    def get(task: str) -> App:
        if task not in current:
            for app in current.values():
                app.stop()
            current.clear()
            app = App(
                space(task),
                tiny_model(task),
                {
                    "GRADIO_CACHE_EXAMPLES": "true",
                    "GRADIO_CACHE_MODE": "lazy",
                    **model_env(task, tiny_model(task)),
                },
            )
            current[task] = app
            app.wait_ready()
            app.calls_at_ready = app.gpu_calls()
        return current[task]

    yield get
    for app in current.values():
        app.stop()
