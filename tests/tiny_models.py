"""Tiny random models for the tests that run the generated apps, cached on disk.

`build(task, dest)` saves a model (and its tokenizer or processor) under `dest` and
returns the environment variables that point the generated app.py at it
(`MODEL_ID`, and `ADAPTER_ID` for chat-lora). Each task's e2e module
(tests/e2e/tasks/) holds the one builder, `build_model(dest, "tiny")`: weights are
random, a few hundred thousand parameters at most, so a CPU builds and runs them in
seconds; the apps' outputs are checked for type and shape, never for meaning.

`cached(task, root)` builds each model once and keeps it under `root` (the pytest
cache, `.pytest_cache/d/tiny-models/`), in a folder named by a hash of everything
that decides its bytes: the task's builder module, the shared helpers it may use
(tests/e2e/tasks/_*.py and __init__.py), this file (the seed) and the versions of
the libraries that make and save the weights and tokenizers. A
changed builder or library gets a new folder; pytest-xdist workers that race for
one build the model each in a scratch folder and the first rename wins.
"""

import hashlib
import shutil
import tempfile
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from e2e.tasks import load, model_env, module_name

TASKS_DIR = Path(__file__).resolve().parent / "e2e" / "tasks"
LIBRARIES = (
    *("torch", "transformers", "diffusers", "peft"),
    *("tokenizers", "safetensors", "huggingface_hub"),
)

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
    import torch

    dest.mkdir(parents=True, exist_ok=True)
    torch.manual_seed(0)  # the same random weights whoever builds it first
    load(task).build_model(dest, "tiny")
    return model_env(task, dest)


def cache_key(task: str) -> str:
    digest = hashlib.sha256()
    sources = [TASKS_DIR / f"{module_name(task)}.py", *sorted(TASKS_DIR.glob("_*.py"))]
    for source in [*sources, Path(__file__)]:
        digest.update(source.name.encode() + b"\0" + source.read_bytes())
    for library in LIBRARIES:
        try:
            digest.update(f"{library}=={version(library)}".encode())
        except PackageNotFoundError:
            digest.update(f"{library} absent".encode())
    return digest.hexdigest()[:16]


def cached(task: str, root: Path) -> Path:
    """The folder holding `task`'s tiny model under `root`, built on first use."""
    folder = root / f"{task}-{cache_key(task)}"
    if not folder.is_dir():
        root.mkdir(parents=True, exist_ok=True)
        scratch = Path(tempfile.mkdtemp(prefix=f".{task}-", dir=root))
        build(task, scratch)
        try:
            scratch.rename(folder)
        except OSError:  # another worker renamed its build first: use that one
            shutil.rmtree(scratch)
    return folder
