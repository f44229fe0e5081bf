"""The durations in the facts file against the committed GPU measurements.

benchmarks/gpu_durations.py timed every task's handler on a GPU with a model of
the default model's size (benchmarks/results/gpu_durations.json); these tests
check that the facts file's coefficients still declare enough for every
measured input, and that no UI lets a visitor ask for more than the cap holds.
"""

import importlib.util
import json
import math

import pytest
from conftest import REPO

RESULTS = json.loads((REPO / "benchmarks" / "results" / "gpu_durations.json").read_text())
# Task types without GPU timings, and why: each must say so in facts/zerogpu.yml.
UNMEASURED: dict[str, str] = {}
# Measurements whose run did not get to the Space's own pickle-boundary test on the
# GPU, and why. Every CPU test run still runs each task's test
# (tests/test_tasks_apps.py); a CUDA tensor was refused in every run.
BOUNDARY_NOT_RUN = {
    task: "the 2026-12-03 run's device time ended before the boundary tests"
    for task in [
        "text-generation",
        "chat-lora",
        "text-to-video",
        "speech-to-text",
        "image-segmentation",
        "image-to-image",
        "text-to-image",
        "image-to-text",
        "zero-shot-classification",
        "depth-estimation",
        "text-to-speech",
        "feature-extraction",
        "audio-classification",
        "object-detection",
    ]
}


def benchmark_module():
    spec = importlib.util.spec_from_file_location(
        "gpu_durations", REPO / "benchmarks" / "gpu_durations.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def rows():
    for result in RESULTS:
        for row in result["rows"]:
            yield pytest.param(result["task"], row, id=f"{result['task']}-{row['label']}")


def test_every_task_is_measured_or_says_why(facts):
    measured = {result["task"] for result in RESULTS}
    assert measured | set(UNMEASURED) == set(facts.tasks)
    assert not measured & set(UNMEASURED)
    text = (REPO / "facts" / "zerogpu.yml").read_text()
    for task in UNMEASURED:
        preset_block = text.split(f"\n  {task}:\n", 1)[1].split("\n    tags:", 1)[0]
        assert "Not timed on a GPU" in preset_block, f"facts/zerogpu.yml: say why {task} is not"


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


def declared_dynamic(facts, task: str, inputs: dict, module, size: str = "large") -> int:
    """The benchmark's reading of the rendered estimate_duration (one copy, its table's)."""
    return benchmark_module().declared_dynamic(facts, task, inputs, module, size)


def scaled_p95(row: dict, facts) -> float:
    """Wall seconds on a `large` slice: the H200's p95 x the facts' benchmark factor."""
    return benchmark_module().scale_to_large(facts, row["p95"])


@pytest.mark.parametrize(("task", "row"), list(rows()))
def test_dynamic_duration_covers_the_measured_time(task, row, facts):
    bench = benchmark_module()
    module = bench.importlib.import_module(f"tasks.{task.replace('-', '_')}")
    declared = declared_dynamic(facts, task, row["inputs"], module)
    wall = declared * facts.wall_factor("large")  # what the call is given on `large`
    scaled = scaled_p95(row, facts)
    assert wall >= 1.1 * scaled, (
        f"{task} {row['label']}: declares {declared} s ({wall:.1f} s of wall time) "
        f"for {scaled:.1f} s measured (scaled)"
    )
    assert declared * facts.request_factor("large") <= facts.duration_cap
    if facts.data["duration"]["floor_seconds"] < declared < facts.max_declared("large"):
        assert wall <= 2.5 * scaled, f"{task} {row['label']}: {declared} s is loose"


def is_chat(facts, task: str) -> bool:
    return "max_new_tokens" in facts.tasks[task].get("limits", {})


def covered_rows(task: str, facts) -> list[dict]:
    """The measured inputs the fixed strategy's UI allows (chat: up to its slider's maximum)."""
    result = next(r for r in RESULTS if r["task"] == task)
    limit = (
        fixed_max_new_tokens(facts, task) if "max_new_tokens" in str(facts.tasks[task]) else None
    )
    return [
        row
        for row in result["rows"]
        if limit is None or row["inputs"].get("max_new_tokens", 0) <= limit
    ]


def fixed_max_new_tokens(facts, task: str, size: str = "large") -> int:
    """The chat slider's maximum with the fixed strategy: the tokens the fixed duration covers."""
    preset = facts.tasks[task]
    coefficients = preset["duration"]["dynamic"]
    wall = (
        preset["duration"]["fixed"]
        * facts.wall_factor(size)
        / facts.data["duration"]["safety_margin"]
    )
    covered = math.floor((wall - coefficients["base"]) / coefficients["per_token"] / 16) * 16
    return min(max(covered, 16), preset["limits"]["max_new_tokens"])


@pytest.mark.parametrize("task", sorted({r["task"] for r in RESULTS}))
def test_fixed_duration_covers_every_measured_input_the_ui_allows(task, facts):
    fixed = facts.tasks[task]["duration"]["fixed"]
    assert facts.data["duration"]["floor_seconds"] <= fixed <= facts.max_declared("large")
    wall = fixed * facts.wall_factor("large")
    rows_covered = covered_rows(task, facts)
    assert rows_covered, f"{task}: the fixed duration covers no measured input"
    for row in rows_covered:
        scaled = scaled_p95(row, facts)
        assert wall >= 1.1 * scaled, (
            f"{task} {row['label']}: fixed {fixed} s gives {wall:.1f} s for {scaled:.1f} s"
        )


@pytest.mark.parametrize("task", sorted({r["task"] for r in RESULTS}))
def test_fixed_duration_follows_the_stated_rule(task, facts):
    """docs/durations.md: max(floor, ceil(p95 x 2 x margin / wall factor)) of the largest
    measured input the fixed strategy's UI allows; chat keeps its 60 s and sizes its slider."""
    rows_covered = covered_rows(task, facts)
    largest = max(scaled_p95(row, facts) for row in rows_covered)
    margin = facts.data["duration"]["safety_margin"]
    rule = max(
        facts.data["duration"]["floor_seconds"],
        math.ceil(round(largest * margin / facts.wall_factor("large"), 6)),
    )
    if is_chat(facts, task):
        assert facts.tasks[task]["duration"]["fixed"] >= rule
    else:
        assert facts.tasks[task]["duration"]["fixed"] == rule


@pytest.mark.parametrize("task", ["text-generation", "chat-lora"])
def test_the_longest_reply_fits_under_the_cap(task, facts):
    preset = facts.tasks[task]
    coefficients = preset["duration"]["dynamic"]
    longest = preset["limits"]["max_new_tokens"]
    wall_needed = coefficients["base"] + coefficients["per_token"] * longest
    wall_allowed = facts.max_declared("large") * facts.wall_factor("large")
    assert wall_allowed >= 1.1 * wall_needed
    # The fixed strategy's slider stops where its duration runs out.
    assert fixed_max_new_tokens(facts, task) >= 256  # the slider's default value
    covered = fixed_max_new_tokens(facts, task)
    fixed_wall = preset["duration"]["fixed"] * facts.wall_factor("large")
    assert fixed_wall >= 1.1 * (coefficients["base"] + coefficients["per_token"] * covered)


def test_the_request_factor_keeps_every_default_under_the_cap(facts):
    for size in facts.data["hardware"]["sizes"]:
        limit = facts.max_declared(size)
        assert limit * facts.request_factor(size) <= facts.duration_cap
        assert (limit + 1) * facts.request_factor(size) > facts.duration_cap
    assert facts.max_declared("large") == 80  # 120 s / 1.5 on today's Blackwell
