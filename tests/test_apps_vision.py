"""Each vision task's app.py, rendered from the template and run on a tiny random model.

The models are built from a config and saved to a temp dir (no Hub access); the
app runs in its own interpreter with MODEL_ID pointing at that dir, calls its
handler and estimator once and prints a JSON summary that the test checks.
"""

import json
import os
import subprocess
import sys

import copier
import pytest
from conftest import REPO

pytestmark = pytest.mark.models

# One interpreter imports every rendered app in turn (gradio and torch load once),
# each with its own MODEL_ID, and records a summary or the traceback per task.
DRIVER = """
import importlib.util
import json
import os
import string
import sys
import traceback

import gradio as gr
import numpy as np
from PIL import Image

image = Image.fromarray(np.random.default_rng(0).integers(0, 256, (48, 64, 3), dtype=np.uint8))
summaries = {}
for job in json.load(sys.stdin):
    os.environ["MODEL_ID"] = job["model"]
    name = "app_" + job["task"].replace("-", "_")
    summary = summaries[job["task"]] = {}
    try:
        spec = importlib.util.spec_from_file_location(name, job["app"])
        app = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(app)
        exec(job["call"], {"app": app, "gr": gr, "np": np, "image": image, "summary": summary})
    except Exception:
        summary["error"] = traceback.format_exc()
print("SUMMARIES " + json.dumps(summaries))
"""


CLASSIFY = """
result = app.classify(image)
summary["type"] = type(result).__name__
summary["labels"] = list(result)
summary["scores"] = list(result.values())
summary["seconds"] = app.estimate_duration(image)
try:
    app.classify(None)
except gr.Error as error:
    summary["no_image"] = error.message
"""


def check_classify(summary: dict) -> None:
    assert summary["type"] == "dict"
    assert len(summary["labels"]) == 5
    assert set(summary["labels"]) <= {f"class_{i}" for i in range(7)}
    scores = summary["scores"]
    assert all(0.0 <= score <= 1.0 for score in scores)
    assert scores == sorted(scores, reverse=True)
    assert summary["no_image"] == "Upload an image first."


ZERO_SHOT = """
result = app.classify(image, "a cat, a dog,, a car, a cat ")
summary["type"] = type(result).__name__
summary["labels"] = list(result)
summary["scores"] = list(result.values())
summary["seconds"] = app.estimate_duration(image, "a cat, a dog,, a car, a cat ")
try:
    app.classify(image, "only one")
except gr.Error as error:
    summary["one_label"] = error.message
"""


def check_zero_shot(summary: dict) -> None:
    assert summary["type"] == "dict"
    assert sorted(summary["labels"]) == ["a car", "a cat", "a dog"]
    assert sum(summary["scores"]) == pytest.approx(1.0, abs=1e-3)
    assert summary["one_label"].startswith("Candidate labels:")


DETECT = """
annotated, boxes = app.detect(image, 0.0)
summary["image"] = [type(annotated).__name__, *annotated.size]
summary["boxes"] = boxes
summary["above_099"] = len(app.detect(image, 0.99)[1])
summary["seconds"] = app.estimate_duration(image, 0.0)
"""


def check_detect(summary: dict) -> None:
    assert summary["image"] == ["Image", 64, 48]
    assert len(summary["boxes"]) == 5  # one per detection token, all above 0.0
    for corners, label in summary["boxes"]:
        assert len(corners) == 4 and all(isinstance(value, int) for value in corners)
        x1, y1, x2, y2 = corners
        assert 0 <= x1 <= x2 <= 64 and 0 <= y1 <= y2 <= 48
        assert label in {f"thing_{i}" for i in range(4)}
    assert summary["above_099"] == 0


SEGMENT = """
annotated, masks = app.segment(image)
summary["image"] = [type(annotated).__name__, *annotated.size]
summary["masks"] = [
    [type(mask).__name__, list(mask.shape), float(mask.min()), float(mask.max()), label]
    for mask, label in masks
]
covered = sum(mask for mask, _ in masks)
summary["covered"] = [float(covered.min()), float(covered.max())]
summary["seconds"] = app.estimate_duration(image)
"""


def check_segment(summary: dict) -> None:
    assert summary["image"] == ["Image", 64, 48]
    assert summary["masks"]
    labels = [label for *_, label in summary["masks"]]
    assert len(set(labels)) == len(labels)
    assert set(labels) <= {f"region_{i}" for i in range(4)}
    for kind, shape, low, high, _ in summary["masks"]:
        assert kind == "ndarray" and shape == [48, 64]
        assert 0.0 <= low <= high <= 1.0
    assert summary["covered"] == [1.0, 1.0]  # semantic masks: every pixel in exactly one


DEPTH = """
depth = app.estimate_depth(image)
pixels = np.asarray(depth)
summary["depth"] = [type(depth).__name__, depth.mode, *depth.size]
summary["range"] = [int(pixels.min()), int(pixels.max())]
summary["seconds"] = app.estimate_duration(image)
"""


def check_depth(summary: dict) -> None:
    assert summary["depth"] == ["Image", "L", 64, 48]
    assert summary["range"][1] > summary["range"][0]  # a map, not a flat image


ANSWER = """
text = app.answer(image, "what is this?", 6)
summary["answer"] = [type(text).__name__, len(text.split())]
summary["seconds"] = app.estimate_duration(image, "what is this?", 6)
summary["seconds_long"] = app.estimate_duration(image, "what is this?", app.MAX_NEW_TOKENS)
try:
    app.answer(image, "  ", 6)
except gr.Error as error:
    summary["no_question"] = error.message
"""


def check_answer(summary: dict) -> None:
    kind, words = summary["answer"]
    assert kind == "str"
    assert 1 <= words <= 6  # random weights still write tokens, at most max_new_tokens
    # More tokens never declare less (both may sit on the floor: BLIP answers fast).
    assert summary["seconds_long"] >= summary["seconds"]
    assert summary["no_question"] == "Type a question first."


CASES = {
    "image-classification": (CLASSIFY, check_classify),
    "zero-shot-image-classification": (ZERO_SHOT, check_zero_shot),
    "object-detection": (DETECT, check_detect),
    "image-segmentation": (SEGMENT, check_segment),
    "depth-estimation": (DEPTH, check_depth),
    "image-to-text": (ANSWER, check_answer),
}


@pytest.fixture(scope="module")
def summaries(tmp_path_factory, tiny_model) -> dict[str, dict]:
    root = tmp_path_factory.mktemp("vision-apps")
    jobs = []
    for task, (call, _) in CASES.items():
        copier.run_copy(
            str(REPO),
            root / task / "space",
            data={"task": task, "duration_strategy": "dynamic"},
            defaults=True,
            quiet=True,
            vcs_ref="HEAD",
        )
        app = root / task / "space" / "app.py"
        jobs.append({"task": task, "model": str(tiny_model(task)), "app": str(app), "call": call})
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "GRADIO_ANALYTICS_ENABLED": "False"}
    done = subprocess.run(
        [sys.executable, "-c", DRIVER],
        input=json.dumps(jobs),
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    line = next(line for line in done.stdout.splitlines() if line.startswith("SUMMARIES "))
    return json.loads(line.removeprefix("SUMMARIES "))


@pytest.mark.parametrize("task", list(CASES))
def test_app_runs_its_handler_on_a_tiny_model(task, summaries):
    summary = summaries[task]
    assert "error" not in summary, summary["error"]
    CASES[task][1](summary)
    assert isinstance(summary["seconds"], int)
    assert 1 <= summary["seconds"] <= 120
