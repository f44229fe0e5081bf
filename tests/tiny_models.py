"""Tiny random models for the task types that tests/test_tasks_apps.py runs in-process.

`build(task, dest)` saves a model (and its tokenizer or processor) under `dest` and
returns the environment variables that point the generated app.py at it
(`MODEL_ID`, and `ADAPTER_ID` for chat-lora). Each task's e2e module
(tests/e2e/tasks/) holds the one builder, `build_model(dest, "tiny")`: weights are
random, a few hundred thousand parameters at most, so a CPU builds and runs them in
seconds; the apps' outputs are checked for type and shape, never for meaning.
"""

from pathlib import Path

from e2e.tasks import load, model_env

# The task types added after the first four, whose apps test_tasks_apps.py runs.
TASKS = (
    "image-to-image",
    "text-to-speech",
    "audio-classification",
    "text-to-video",
    "feature-extraction",
    "chat-lora",
    "zero-shot-classification",
)


def build(task: str, dest: Path) -> dict[str, str]:
    """Save a tiny model for `task` under `dest`; return the app's environment overrides."""
    dest.mkdir(parents=True, exist_ok=True)
    load(task).build_model(dest, "tiny")
    return model_env(task, dest)
