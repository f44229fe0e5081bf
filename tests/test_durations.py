"""The durations in the facts file against the committed GPU measurements.

benchmarks/gpu_durations.py timed every task's handler on a GPU with a model of
the default model's size (benchmarks/results/gpu_durations.json); these tests
check that the rendered apps' own estimate_duration (the template: the one copy
of each formula, tests/e2e/tasks.app_estimator) and the facts' fixed durations
still declare enough for every measured input, and that no UI lets a visitor ask
for more than the cap holds.
"""

import ast
import functools
import importlib.util
import json
import math

import pytest
from conftest import REPO
from e2e.tasks import app_estimator, load

RESULTS = json.loads((REPO / "benchmarks" / "results" / "gpu_durations.json").read_text())
# Task types without GPU timings, and why: each must say so in facts/zerogpu.yml.
UNMEASURED: dict[str, str] = {}
# Measurements whose run did not get to the Space's own pickle-boundary test on the
# GPU, and why (none: the 2026-12-03 timings' run ran out before 14 of them, and a
# `--boundary-only` call ran those on the same GPU stack after it).
BOUNDARY_NOT_RUN: dict[str, str] = {}


def benchmark_module():
    spec = importlib.util.spec_from_file_location(
        "gpu_durations", REPO / "benchmarks" / "gpu_durations.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def name(result: dict) -> str:
    """The measured Space: its task, and the preset's model where it is not the default."""
    return f"{result['task']} ({result['model']})" if "model" in result else result["task"]


def rows():
    for result in RESULTS:
        for row in result["rows"]:
            yield pytest.param(result, row, id=f"{name(result)}-{row['label']}")


def durations(result: dict, facts) -> dict:
    """The facts' durations for the measured Space: the task's, or its preset's."""
    task = facts.tasks[result["task"]]
    return task["presets"][result["model"]]["duration"] if "model" in result else task["duration"]


def test_every_task_is_measured_or_says_why(facts):
    measured = {result["task"] for result in RESULTS if "model" not in result}
    assert measured | set(UNMEASURED) == set(facts.tasks)
    assert not measured & set(UNMEASURED)
    text = (REPO / "facts" / "zerogpu.yml").read_text()
    for task in UNMEASURED:
        preset_block = text.split(f"\n  {task}:\n", 1)[1].split("\n    tags:", 1)[0]
        assert "Not timed on a GPU" in preset_block, f"facts/zerogpu.yml: say why {task} is not"


def test_every_larger_preset_is_measured(facts):
    presets = {(t, m) for t, entry in facts.tasks.items() for m in entry.get("presets", {})}
    assert presets, "text-to-image has a larger preset (issue 16)"
    assert {(r["task"], r["model"]) for r in RESULTS if "model" in r} == presets


def test_every_measurement_crossed_the_pickle_boundary():
    for result in RESULTS:
        task = result["task"]
        assert result["cuda_tensor_refused"], f"{task}: a CUDA tensor got through"
        if result["boundary_passed"] is None:
            assert task in BOUNDARY_NOT_RUN, f"{task}: its boundary test did not run: say why"
        else:
            assert result["boundary_passed"], f"{task}: the Space's own test failed"
            assert task not in BOUNDARY_NOT_RUN


def test_every_measurement_ran_in_the_workers_thread():
    """ZeroGPU runs each call in a fresh thread; timings on the main thread hid a 3x
    penalty once (docs/durations.md), so every committed timing is taken its way."""
    for result in RESULTS:
        assert "ThreadPoolExecutor" in result["where"], result["task"]


def scaled_p95(row: dict, facts) -> float:
    """Wall seconds on a `large` slice: the H200's p95 x the facts' benchmark factor."""
    return benchmark_module().scale_to_large(facts, row["p95"])


def cell(task: str, strategy: str, model: str | None = None) -> dict:
    """The answer-matrix cell of `task` on `large` (tests/conftest.py renders it once),
    or of its larger preset `model`."""
    if model:
        return {"task": task, "duration_strategy": strategy, "image_model": model}
    return {
        "task": task,
        "gpu_size": "large",
        "duration_strategy": strategy,
        "python_version": "3.12",
    }


def declared_by_the_app(result: dict, row: dict, matrix_render) -> int:
    """What the rendered app's own estimate_duration declares for the row's input."""
    answers = cell(result["task"], "dynamic", result.get("model"))
    estimator = app_estimator(matrix_render(answers).project_dir / "app.py")
    return estimator(*bench_arguments(result["task"], result.get("model"))[row["label"]])


@functools.cache  # a task's inputs (megapixel images, long audio) are built once
def bench_arguments(task: str, model: str | None = None) -> dict[str, tuple]:
    module = load(task)
    calls = module.preset_bench_calls(model) if model else module.bench_calls()
    return {label: arguments for label, arguments, _ in calls}


@pytest.mark.parametrize(("result", "row"), list(rows()))
def test_dynamic_duration_covers_the_measured_time(result, row, facts, matrix_render):
    task = name(result)
    declared = declared_by_the_app(result, row, matrix_render)
    wall = declared * facts.wall_factor("large")  # what the call is given on `large`
    scaled = scaled_p95(row, facts)
    assert wall >= 1.1 * scaled, (
        f"{task} {row['label']}: declares {declared} s ({wall:.1f} s of wall time) "
        f"for {scaled:.1f} s measured (scaled)"
    )
    assert declared * facts.request_factor("large") <= facts.duration_cap
    if facts.data["duration"]["floor_seconds"] < declared < facts.max_declared("large"):
        assert wall <= 2 * scaled, f"{task} {row['label']}: {declared} s is loose"


def is_chat(facts, task: str) -> bool:
    return "max_new_tokens" in facts.tasks[task].get("limits", {})


def covered_rows(result: dict, facts, matrix_render) -> list[dict]:
    """The measured inputs the fixed strategy's UI allows (chat: up to its slider's maximum)."""
    task = result["task"]
    limit = fixed_max_new_tokens(task, matrix_render) if is_chat(facts, task) else None
    return [
        row
        for row in result["rows"]
        if limit is None or row["inputs"].get("max_new_tokens", 0) <= limit
    ]


def fixed_max_new_tokens(task: str, matrix_render) -> int:
    """The chat slider's maximum with the fixed strategy, as the rendered app sets it."""
    tree = ast.parse((matrix_render(cell(task, "fixed")).project_dir / "app.py").read_text())
    (value,) = [
        node.value
        for node in tree.body
        if isinstance(node, ast.Assign) and ast.unparse(node.targets[0]) == "MAX_NEW_TOKENS"
    ]
    return ast.literal_eval(value)


MEASURED = [pytest.param(result, id=name(result)) for result in RESULTS]


@pytest.mark.parametrize("result", MEASURED)
def test_fixed_duration_covers_every_measured_input_the_ui_allows(result, facts, matrix_render):
    task = name(result)
    fixed = durations(result, facts)["fixed"]
    assert facts.data["duration"]["floor_seconds"] <= fixed <= facts.max_declared("large")
    wall = fixed * facts.wall_factor("large")
    rows_covered = covered_rows(result, facts, matrix_render)
    assert rows_covered, f"{task}: the fixed duration covers no measured input"
    for row in rows_covered:
        scaled = scaled_p95(row, facts)
        assert wall >= 1.1 * scaled, (
            f"{task} {row['label']}: fixed {fixed} s gives {wall:.1f} s for {scaled:.1f} s"
        )


@pytest.mark.parametrize("result", MEASURED)
def test_fixed_duration_follows_the_stated_rule(result, facts, matrix_render):
    """docs/durations.md: max(floor, ceil(p95 x to_large x margin / wall factor)) of the
    largest measured input the fixed strategy's UI allows; chat at least that, its slider
    sized to it."""
    task, fixed = result["task"], durations(result, facts)["fixed"]
    rows_covered = covered_rows(result, facts, matrix_render)
    largest = max(scaled_p95(row, facts) for row in rows_covered)
    margin = facts.data["duration"]["safety_margin"]
    rule = max(
        facts.data["duration"]["floor_seconds"],
        math.ceil(round(largest * margin / facts.wall_factor("large"), 6)),
    )
    if is_chat(facts, task):
        assert fixed >= rule
    else:
        assert fixed == rule


@pytest.mark.parametrize("task", ["text-generation", "chat-lora"])
def test_the_longest_reply_fits_under_the_cap(task, facts, matrix_render):
    """The slider's longest reply: its dynamic estimate is not cut down to the cap, and
    the fixed strategy's slider stops at what its duration covers."""
    estimator = app_estimator(matrix_render(cell(task, "dynamic")).project_dir / "app.py")
    longest = facts.tasks[task]["limits"]["max_new_tokens"]
    assert estimator("hi", [], longest, 0.7) < facts.max_declared("large")
    covered = fixed_max_new_tokens(task, matrix_render)
    assert covered >= 256  # the slider's default value
    assert estimator("hi", [], covered, 0.7) <= facts.tasks[task]["duration"]["fixed"]


def test_the_request_factor_keeps_every_default_under_the_cap(facts):
    for size in facts.data["hardware"]["sizes"]:
        limit = facts.max_declared(size)
        assert limit * facts.request_factor(size) <= facts.duration_cap
        assert (limit + 1) * facts.request_factor(size) > facts.duration_cap
    assert facts.max_declared("large") == 80  # 120 s / 1.5 on today's Blackwell
