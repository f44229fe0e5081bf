"""The apps of the audio, video, text and diffusers task types, on CPU with tiny models.

(tests/test_apps_vision.py covers the vision task types the same way.)

The app is rendered (dynamic durations), imported in a fresh process with MODEL_ID
pointing at a model built by tests/tiny_models.py (the `tiny_model` fixture), and
its one `@spaces.GPU` handler is called with inputs like the UI's. The results come
back pickled (as they would cross ZeroGPU's process boundary) and must have the type
and shape the Gradio output component expects; the duration estimator must accept
the same arguments.
"""

import ast
import itertools
import os
import pickle
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest
from e2e.tasks import model_env
from PIL import Image
from tiny_models import TASKS

# One process imports gradio, torch and transformers once, then each app under its own
# module name with its own MODEL_ID: a process per app would spend minutes on imports.
DRIVER = textwrap.dedent(
    """
    import importlib.util, inspect, os, pickle, sys, traceback
    jobs = pickle.loads(open(sys.argv[1], "rb").read())
    report = {}
    for task, (app_path, handler_name, env, calls) in jobs.items():
        os.environ.update(env)
        try:
            spec = importlib.util.spec_from_file_location(f"app_{len(report)}", app_path)
            app = importlib.util.module_from_spec(spec)
            spec.loader.exec_module(app)
            handler = getattr(app, handler_name)
            results = []
            for args in calls:
                output = handler(*args)
                if inspect.isgenerator(output):
                    output = list(output)
                seconds = app.estimate_duration(*args)
                results.append((output, seconds, app.MIN_SECONDS, app.MAX_SECONDS))
            report[task] = pickle.dumps(results)  # fails here if an output cannot cross
        except Exception:
            report[task] = traceback.format_exc()
        for name in env:
            os.environ.pop(name, None)
    open(sys.argv[2], "wb").write(pickle.dumps(report))
    """
)


def photo(width: int = 80, height: int = 60) -> Image.Image:
    pixels = np.random.default_rng(0).integers(0, 255, (height, width, 3), dtype=np.uint8)
    return Image.fromarray(pixels)


def tone(rate: int = 22_050, seconds: float = 1.5) -> tuple[int, np.ndarray]:
    """What gr.Audio(type="numpy") hands a handler: (rate, int16 samples), stereo here."""
    t = np.arange(int(rate * seconds)) / rate
    wave = (np.sin(2 * np.pi * 440 * t) * 0.3 * np.iinfo(np.int16).max).astype(np.int16)
    return rate, np.stack([wave, wave], axis=1)


HISTORY = [
    {"role": "user", "content": [{"type": "text", "text": "hi"}]},
    {"role": "assistant", "content": "hello"},
]
# Two calls per task: the second proves a handler keeps no state between calls
# and, for file outputs, writes to a new path.
CALLS = {
    "image-to-image": [
        (photo(64, 64), "a fox", 0.5, 4, 0.0, 1),
        (photo(200, 100), "a cat", 1.0, 2, 0.0, 2),
    ],
    "text-to-speech": [("zero gpu lends this space a gpu.",), ("hello there",)],
    # 25 s: three windows (10 + 10 + 5 s) averaged into one set of scores.
    "audio-classification": [(tone(),), (tone(16_000, 25.0),)],
    "text-to-video": [("a fox in the snow", 8, 2, 1), ("a robot", 8, 2, 1)],
    "feature-extraction": [("a cat\n\nthe dog is\ngpu", True), ("only one text", False)],
    "chat-lora": [("what is a gpu", [], 8, 0.0), ("and a cat", HISTORY, 8, 1.0)],
    "zero-shot-classification": [
        ("the match went to penalties", "sports, politics, science", False),
        ("a telescope", "space, cat", True),
    ],
}


def handler_name(app: Path) -> str:
    tree = ast.parse(app.read_text())
    for node in tree.body:
        if isinstance(node, ast.FunctionDef) and any(
            "spaces.GPU" in ast.unparse(deco) for deco in node.decorator_list
        ):
            return node.name
    raise AssertionError(f"no @spaces.GPU handler in {app}")


@pytest.fixture(scope="module")
def reports(copie_session, tmp_path_factory, tiny_model) -> dict[str, bytes | str]:
    """Render every task's Space, build its tiny model, call its handler in one process."""
    work = tmp_path_factory.mktemp("task-apps")
    jobs = {}
    for task, calls in CALLS.items():
        result = copie_session.copy(
            extra_answers={"task": task, "duration_strategy": "dynamic", "space_name": "app"}
        )
        assert result.exit_code == 0, result.exception
        app = result.project_dir / "app.py"
        jobs[task] = (str(app), handler_name(app), model_env(task, tiny_model(task)), calls)
    (work / "jobs.pkl").write_bytes(pickle.dumps(jobs))
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "GRADIO_ANALYTICS_ENABLED": "False"}
    env.pop("SPACES_ZERO_GPU", None)  # off ZeroGPU, @spaces.GPU returns the function as is
    run = subprocess.run(
        [sys.executable, "-c", DRIVER, str(work / "jobs.pkl"), str(work / "report.pkl")],
        env=env,
        cwd=work,
        capture_output=True,
        text=True,
        timeout=1200,
    )
    assert run.returncode == 0, run.stderr[-4000:]
    return pickle.loads((work / "report.pkl").read_bytes())


@pytest.fixture(params=sorted(CALLS))
def task_run(request, reports):
    task = request.param
    report = reports[task]
    assert isinstance(report, bytes), f"{task} app failed:\n{report}"
    return task, CALLS[task], pickle.loads(report)


def test_every_new_task_has_calls_and_a_builder(facts):
    assert set(CALLS) == set(TASKS)
    assert set(CALLS) <= set(facts.tasks)


def test_estimator_takes_the_handlers_arguments(task_run):
    _, _, results = task_run
    for _, seconds, low, high in results:
        assert isinstance(seconds, int)
        assert low <= seconds <= high


def assert_scores(scores, labels: set[str]) -> None:
    assert isinstance(scores, dict) and scores
    assert set(scores) <= labels
    assert all(isinstance(v, float) and 0.0 <= v <= 1.0 for v in scores.values())


def test_handler_output_fits_its_component(task_run):
    task, calls, results = task_run
    outputs = [output for output, *_ in results]
    for args, output in zip(calls, outputs, strict=True):
        check = CHECKS[task]
        check(args, output)
    if task == "text-to-video":
        first, second = outputs
        assert first != second, "two calls wrote the same file"
        assert Path(first).parent != Path(second).parent


def check_image_to_image(args, output):
    image = args[0]
    assert isinstance(output, Image.Image)
    scale = min(1.0, 768 / max(image.size))
    assert output.size == tuple(max(64, int(side * scale) // 64 * 64) for side in image.size)


def check_text_to_speech(args, output):
    rate, samples = output
    assert rate == 16_000
    assert isinstance(samples, np.ndarray) and samples.dtype == np.int16
    assert samples.ndim == 1 and samples.size > 0


def check_audio_classification(args, output):
    assert_scores(output, {"speech", "music", "dog"})


def check_text_to_video(args, output):
    path = Path(output)
    assert path.suffix == ".mp4" and path.stat().st_size > 0
    assert path.read_bytes()[4:8] == b"ftyp"  # an MP4 container


def check_feature_extraction(args, output):
    texts = [line.strip() for line in args[0].splitlines() if line.strip()]
    assert output["dimensions"] == 32
    assert [item["text"] for item in output["embeddings"]] == texts
    for item in output["embeddings"]:
        vector = np.asarray(item["vector"])
        assert vector.shape == (32,)
        assert all(isinstance(v, float) for v in item["vector"])
        if args[1]:
            assert np.linalg.norm(vector) == pytest.approx(1.0, abs=1e-4)


def check_chat_lora(args, output):
    assert isinstance(output, list) and output, "the handler streams at least one reply"
    assert all(isinstance(piece, str) for piece in output)
    assert output[-1].strip()
    assert all(later.startswith(earlier) for earlier, later in itertools.pairwise(output))


def check_zero_shot_text(args, output):
    labels = {label.strip() for label in args[1].split(",")}
    assert set(output) == labels
    assert_scores(output, labels)


CHECKS = {
    "image-to-image": check_image_to_image,
    "text-to-speech": check_text_to_speech,
    "audio-classification": check_audio_classification,
    "text-to-video": check_text_to_video,
    "feature-extraction": check_feature_extraction,
    "chat-lora": check_chat_lora,
    "zero-shot-classification": check_zero_shot_text,
}
