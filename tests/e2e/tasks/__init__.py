"""One module per task type, found by the task's name (`text-to-image` -> text_to_image.py).

See tests/e2e/README.md for what a module provides.
"""

import __future__

import ast
import importlib
import importlib.util
import math
from pathlib import Path
from types import ModuleType

REQUIRED = (
    "HANDLER",
    "build_model",
    "check_endpoints",
    "concurrent_call",
    "browse",
    "bench_calls",
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


def app_estimator(app_py: Path):
    """The rendered app's own `estimate_duration` (duration_strategy=dynamic), callable
    without loading its model: the function, the helpers it calls and the module's
    literal constants, run apart from the rest of app.py. The template is the one copy
    of each task's duration formula; the tests and the benchmark's table call it."""
    import numpy as np  # the apps' estimators may use it; imported only when asked

    tree = ast.parse(app_py.read_text())
    functions = {node.name: node for node in tree.body if isinstance(node, ast.FunctionDef)}
    needed, queue = set(), ["estimate_duration"]
    while queue:
        name = queue.pop()
        if name in needed or name not in functions:
            continue
        needed.add(name)
        queue += [n.id for n in ast.walk(functions[name]) if isinstance(n, ast.Name)]
    constants = [
        node
        for node in tree.body
        if isinstance(node, ast.Assign)
        and all(isinstance(t, ast.Name) and t.id.isupper() for t in node.targets)
        and _is_literal(node.value)
    ]
    module = ast.Module(body=[*constants, *(functions[n] for n in needed)], type_ignores=[])
    namespace: dict = {"math": math, "np": np}
    # Annotations stay unevaluated (gr, Image, ... are not imported here).
    flags = __future__.annotations.compiler_flag
    exec(compile(module, str(app_py), "exec", flags=flags), namespace)
    return namespace["estimate_duration"]


def _is_literal(node) -> bool:
    try:
        ast.literal_eval(node)
    except ValueError:
        return isinstance(node, ast.BinOp) and _is_literal(node.left) and _is_literal(node.right)
    return True
