"""One module per task type, found by the task's name (`text-to-image` -> text_to_image.py).

See tests/e2e/README.md for what a module provides.
"""

import importlib
import importlib.util
from pathlib import Path
from types import ModuleType

REQUIRED = (
    "HANDLER",
    "build_model",
    "check_endpoints",
    "concurrent_call",
    "browse",
    "bench_calls",
    "estimate",
)


def module_name(task: str) -> str:
    return task.replace("-", "_")


def has_module(task: str) -> bool:
    return importlib.util.find_spec(f"{__name__}.{module_name(task)}") is not None


def load(task: str) -> ModuleType:
    try:
        module = importlib.import_module(f"{__name__}.{module_name(task)}")
    except ModuleNotFoundError as error:
        raise LookupError(
            f"no e2e module for task {task!r}: add tests/e2e/tasks/{module_name(task)}.py "
            "(see tests/e2e/README.md)"
        ) from error
    missing = [name for name in REQUIRED if not hasattr(module, name)]
    if missing:
        raise LookupError(f"tests/e2e/tasks/{module_name(task)}.py lacks {', '.join(missing)}")
    return module


def model_env(task: str, model_dir: Path) -> dict[str, str]:
    """The environment that points the task's app.py at a model built by its module:
    MODEL_ID, plus whatever the module's optional `app_env(model_dir)` adds."""
    extra = getattr(load(task), "app_env", None)
    return {"MODEL_ID": str(model_dir), **(extra(model_dir) if extra else {})}
