"""Session-scoped renders, tiny models and one running app per task, reused by every test."""

from pathlib import Path

import pytest

from zgscaffold.facts import load_facts

from .spaces_under_test import REPO, App, render
from .tasks import has_module, load, model_env

ALL_TASKS = list(load_facts(REPO / "facts" / "zerogpu.yml").tasks)
TASKS = [task for task in ALL_TASKS if has_module(task)]


@pytest.fixture(scope="session")
def tiny_model(tmp_path_factory):
    """task -> folder holding its tiny model, built once per session."""
    built: dict[str, Path] = {}

    def get(task: str) -> Path:
        if task not in built:
            folder = tmp_path_factory.mktemp(f"model-{task}")
            load(task).build_model(folder, "tiny")
            built[task] = folder
        return built[task]

    return get


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
    """task -> its app.py running on CPU, started once with lazy example caching."""
    apps: dict[str, App] = {}

    def get(task: str) -> App:
        if task not in apps:
            app = App(
                space(task),
                tiny_model(task),
                {
                    "GRADIO_CACHE_EXAMPLES": "true",
                    "GRADIO_CACHE_MODE": "lazy",
                    **model_env(task, tiny_model(task)),
                },
            )
            apps[task] = app
            app.wait_ready()
            app.calls_at_ready = app.gpu_calls()
        return apps[task]

    yield get
    for app in apps.values():
        app.stop()
