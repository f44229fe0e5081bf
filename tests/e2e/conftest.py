"""Session-scoped renders and one running app at a time, reused by that task's tests.

`tiny_model` (tests/conftest.py) builds each task's model once and keeps it on disk.
tests/conftest.py orders the tests that use `running_app` by task and puts each
task's in one pytest-xdist group, so each app starts once and stops after that
task's last test: an idle Gradio app still polls its queue, and 17 of them left
running would take a core.
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


# The one app running now, by task (running_app), and stopping it.
SERVED: dict[str, App] = {}


def stop_served() -> None:
    for app in SERVED.values():
        app.stop()
    SERVED.clear()


def pytest_runtest_teardown(item: pytest.Item, nextitem: pytest.Item | None) -> None:
    """Stop the app after the last test that uses it (they run one after another)."""
    callspec = getattr(nextitem, "callspec", None)
    task = callspec.params.get("task") if callspec else None
    if SERVED and not (nextitem and "running_app" in nextitem.fixturenames and task in SERVED):
        stop_served()


@pytest.fixture(scope="session")
def running_app(space, tiny_model):
    """task -> its app.py running on CPU with lazy example caching; asking for
    another task stops the app that was running."""
    current = SERVED

    def get(task: str) -> App:
        if task not in current:
            stop_served()
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
    stop_served()
