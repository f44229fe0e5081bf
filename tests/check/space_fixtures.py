"""Fixture Spaces for the checker tests: a Space that obeys every rule, and edits of it."""

import importlib.util
import textwrap
from pathlib import Path
from typing import Any

from zgscaffold.facts import Facts


def good_files(facts: Facts) -> dict[str, str]:
    python = facts.data["python"]["default"]
    torch = facts.supported_torch[-1]
    sdk = facts.sdk_version
    return {
        "README.md": textwrap.dedent(
            f"""\
            ---
            title: Demo
            sdk: gradio
            sdk_version: "{sdk}"
            python_version: "{python}"
            app_file: app.py
            suggested_hardware: zero-a10g
            ---

            # Demo
            """
        ),
        "requirements.txt": f"torch=={torch}\ntransformers>=5.0\n",
        "pyproject.toml": textwrap.dedent(
            f"""\
            [project]
            name = "demo"
            version = "0.1.0"
            requires-python = "=={python}.*"
            dependencies = [
                "spaces",
                "gradio=={sdk}",
                "torch=={torch}",
            ]

            [tool.uv]
            package = false

            [tool.zgscaffold]
            duration-cap = {facts.duration_cap}
            """
        ),
        "app.py": APP,
    }


APP = '''\
"""A Space that obeys every rule."""

import tempfile

import gradio as gr
import spaces
import torch
from transformers import AutoModelForCausalLM, AutoTokenizer

device = torch.device("cuda" if torch.cuda.is_available() else "cpu")
dtype = torch.bfloat16 if device.type == "cuda" else torch.float32
tokenizer = AutoTokenizer.from_pretrained("org/model")
model = AutoModelForCausalLM.from_pretrained("org/model", dtype=dtype).to(device)


def estimate(prompt: str, tokens: int) -> int:
    return min(60, 5 + tokens // 10)


@spaces.GPU(duration=estimate)
def generate(prompt: str, tokens: int) -> str:
    inputs = tokenizer(prompt, return_tensors="pt").to(device)
    output = model.generate(**inputs, max_new_tokens=int(tokens))
    return tokenizer.decode(output[0].cpu(), skip_special_tokens=True)


@spaces.GPU(duration=30)
def stream(prompt: str, history: list):
    text = ""
    for step in range(3):
        text += str(step)
        history = history + [text]
        yield text, history


def save(text: str) -> str:
    with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as handle:
        handle.write(text)
    return handle.name


with gr.Blocks() as demo:
    prompt = gr.Textbox()
    tokens = gr.Slider(1, 100)
    history = gr.State([])
    out = gr.Textbox()
    gr.Button().click(generate, [prompt, tokens], out)
    gr.Button().click(stream, [prompt, history], [out, history])
    gr.Button().click(save, prompt, gr.File())
    gr.Examples([["hi", 5]], [prompt, tokens], out, fn=generate, cache_examples=True,
                cache_mode="lazy")

if __name__ == "__main__":
    demo.launch()
'''


def write_space(root: Path, files: dict[str, str | bytes]) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    for name, content in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    return root


def root_conftest():
    """tests/conftest.py by path: `from conftest import` may find tests/update/conftest.py."""
    path = Path(__file__).resolve().parents[1] / "conftest.py"
    spec = importlib.util.spec_from_file_location("zgscaffold_tests_conftest", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def make_space(tmp_path: Path, changes: dict[str, Any] | None = None, name: str = "space") -> Path:
    """A copy of the obeying Space under tmp_path with some files replaced (None deletes)."""
    from zgscaffold.facts import load_facts

    files: dict[str, str | bytes] = dict(good_files(load_facts()))
    for key, value in (changes or {}).items():
        if value is None:
            files.pop(key, None)
        else:
            files[key] = value
    return write_space(tmp_path / name, files)
