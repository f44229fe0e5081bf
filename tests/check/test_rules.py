"""Each rule: a Space that breaks it (expected code and line) and Spaces that obey it."""

from collections.abc import Callable
from dataclasses import dataclass

import pytest
from space_fixtures import APP, good_files, make_space

from zgscaffold.check import RULES, check_paths
from zgscaffold.facts import Facts

Files = dict[str, str]


@dataclass
class Case:
    code: str
    change: Callable[[Files, Facts], Files]  # returns the changed files
    path: str  # the file the finding is in
    needle: str | int  # text on the expected line, or the line number
    select: tuple[str, ...] = ()


def sub(name: str, old: str, new: str) -> Callable[[Files, Facts], Files]:
    def change(files: Files, facts: Facts) -> Files:
        assert old in files[name], old
        return {name: files[name].replace(old, new, 1)}

    return change


def add(name: str, text: str) -> Callable[[Files, Facts], Files]:
    return lambda files, facts: {name: files[name] + text.format(**_vars(facts))}


def app(text: str) -> Callable[[Files, Facts], Files]:
    return lambda files, facts: {"app.py": text}


def _vars(facts: Facts) -> dict[str, str]:
    torch = facts.supported_torch[-1]
    python = facts.data["python"]["default"]
    return {
        "torch": torch,
        "torch_mm": ".".join(torch.split(".")[:2]),
        "cp": "cp" + python.replace(".", ""),
        "other_cp": "cp" + next(p for p in facts.supported_python if p != python).replace(".", ""),
        "cell": "pt"
        + torch.rsplit(".", 1)[0].replace(".", "")
        + "-cu130-cp"
        + python.replace(".", ""),
        "old_cell": "pt"
        + facts.supported_torch[0].rsplit(".", 1)[0].replace(".", "")
        + "-cu128-cp"
        + python.replace(".", ""),
    }


def _unquoted_python(files: Files, facts: Facts) -> Files:
    """A supported python_version that YAML reads as another number when unquoted (3.10)."""
    version = next(v for v in facts.supported_python if str(float(v)) != v)
    readme = files["README.md"]
    start = readme.index("python_version:")
    end = readme.index("\n", start)
    return {"README.md": readme[:start] + f"python_version: {version}" + readme[end:]}


HEAD = """\
import gradio as gr
import spaces
import torch
from transformers import AutoModelForCausalLM

device = torch.device("cuda" if torch.cuda.is_available() else "cpu")
model = AutoModelForCausalLM.from_pretrained("org/model").to(device)
"""

WHEEL = "flash_attn @ https://example.org/w/flash_attn-2.8.3+cu12torch{torch_mm}cxx11abiTRUE-{cp}-{cp}-linux_x86_64.whl\n"

# A mirror laid out in cells (pt<torch>-cu<cuda>-cp<py>/): the torch release is in the path.
MIRROR = "flash_attn @ https://mirror.example.org/wheels/{cell}/flash_attn-2.8.3-{cp}-{cp}-linux_x86_64.whl\n"

VIOLATIONS = [
    Case("ZG101", sub("README.md", 'python_version: "', 'xx: "'), "README.md", 8),
    Case(
        "ZG102",
        sub("README.md", 'python_version: "', 'python_version: "3.9'),
        "README.md",
        "python_version",
    ),
    Case("ZG102", lambda files, facts: _unquoted_python(files, facts), "README.md", "python_"),
    Case(
        "ZG108",
        add(
            "requirements.txt",
            "xformers @ https://example.org/xformers-1.0-cp399-abi3-linux_x86_64.whl\n",
        ),
        "requirements.txt",
        "xformers",
    ),
    Case("ZG103", add("requirements.txt", "spaces\n"), "requirements.txt", "spaces"),
    Case("ZG104", add("requirements.txt", "gradio>=4\n"), "requirements.txt", "gradio"),
    Case("ZG104", sub("pyproject.toml", '"gradio==', '"gradio>=4,!='), "pyproject.toml", "gradio"),
    Case("ZG105", sub("README.md", "sdk: gradio", "sdk: docker"), "README.md", "sdk: docker"),
    Case(
        "ZG106",
        sub("requirements.txt", "torch==", "torch==1.13.1 ; python_version<'3'\n#"),
        "requirements.txt",
        "torch==1.13.1",
    ),
    Case(
        "ZG106",
        sub("pyproject.toml", '"torch==', '"torch<2,>=1.0",\n#'),
        "pyproject.toml",
        "torch<2",
    ),
    Case("ZG107", add("requirements.txt", "flash-attn>=2\n"), "requirements.txt", "flash-attn"),
    Case(
        "ZG108",
        add("requirements.txt", WHEEL.replace("{cp}", "{other_cp}")),
        "requirements.txt",
        "flash_attn",
    ),
    Case(
        "ZG109",
        add("requirements.txt", WHEEL.replace("torch{torch_mm}", "torch1.0")),
        "requirements.txt",
        "flash_attn",
    ),
    Case(
        "ZG109",
        add("requirements.txt", MIRROR.replace("{cell}", "{old_cell}")),
        "requirements.txt",
        "flash_attn",
    ),
    Case("ZG110", add("requirements.txt", "torchvision\n"), "requirements.txt", "torchvision"),
    Case("ZG110", add("requirements.txt", "torchaudio==0.0.1\n"), "requirements.txt", "torchaudio"),
    Case("ZG111", sub("pyproject.toml", '    "spaces",\n', ""), "pyproject.toml", "dependencies"),
    Case("ZG112", sub("README.md", "sdk_version:", "sdkversion:"), "README.md", "sdk: gradio"),
    Case(
        "ZG113",
        add("requirements.txt", "huggingface_hub>=1.0\n"),
        "requirements.txt",
        "huggingface_hub",
        ("ALL",),
    ),
    Case(
        "ZG201",
        sub(
            "app.py",
            "import spaces\n",
            "try:  # expect\n    import spaces\nexcept ImportError:\n"
            "    class spaces:\n        GPU = staticmethod(lambda f=None, **k: f)\n",
        ),
        "app.py",
        "# expect",
    ),
    Case("ZG202", add("app.py", "model = torch.compile(model)  # expect\n"), "app.py", "# expect"),
    Case(
        "ZG202",
        app(HEAD + "\n@torch.compile  # expect\ndef f(x):\n    return x\n"),
        "app.py",
        "# expect",
    ),
    Case(
        "ZG203",
        app(
            HEAD
            + """
@spaces.GPU(duration=10)
def run(text):
    pipe = AutoModelForCausalLM.from_pretrained("org/other")  # expect
    return str(pipe)
"""
        ),
        "app.py",
        "# expect",
    ),
    Case(
        "ZG203",
        app(
            HEAD
            + """
from functools import lru_cache

@lru_cache(maxsize=1)
def load():
    return AutoModelForCausalLM.from_pretrained("org/other")  # expect
"""
        ),
        "app.py",
        "# expect",
    ),
    Case(
        "ZG203",
        app(
            HEAD
            + """
other = None

def get():
    global other
    if other is None:
        other = AutoModelForCausalLM.from_pretrained("org/other")  # expect
    return other
"""
        ),
        "app.py",
        "# expect",
    ),
    Case(
        "ZG204",
        app(
            HEAD
            + """
@spaces.GPU(duration=10)
def run(text):
    model.to(device)  # expect
    return text
"""
        ),
        "app.py",
        "# expect",
    ),
    Case(
        "ZG204",
        app(
            HEAD
            + """
@spaces.GPU(duration=10)
def run(text):
    model.model.to(device)  # expect
    return text
"""
        ),
        "app.py",
        "# expect",
    ),
    Case(
        "ZG204",
        app(
            HEAD
            + """
class Handler:
    def __init__(self):
        self.model = model

    @spaces.GPU(duration=10)
    def __call__(self, text):
        self.model.to(device)  # expect
        return text


gr.Interface(Handler(), "text", "text")
"""
        ),
        "app.py",
        "# expect",
    ),
    Case(
        "ZG205",
        sub(
            "app.py",
            'device = torch.device("cuda" if torch.cuda.is_available() else "cpu")',
            'device = torch.device("cuda")  # expect',
        ),
        "app.py",
        "# expect",
    ),
    Case("ZG205", add("app.py", "x = torch.zeros(3).cuda()  # expect\n"), "app.py", "# expect"),
    Case(
        "ZG206",
        add("app.py", "if torch.cuda.is_available():  # expect\n    model.half()\n"),
        "app.py",
        "# expect",
    ),
    Case("ZG207", add("app.py", 'generate("warm up", 4)  # expect\n'), "app.py", "# expect"),
    Case(
        "ZG207",
        add("app.py", "with torch.no_grad():\n    model.generate(max_new_tokens=1)  # expect\n"),
        "app.py",
        "# expect",
    ),
    Case("ZG207", add("app.py", "torch.cuda.synchronize()  # expect\n"), "app.py", "# expect"),
    Case(
        "ZG208",
        app("""import gradio as gr
import torch

model = torch.nn.Linear(2, 2).to("cuda")  # expect


def run(x):
    return str(model(torch.ones(2, device="cuda")).cpu())


gr.Interface(run, "text", "text").launch()
"""),
        "app.py",
        "# expect",
        ("ZG208",),
    ),
    Case(
        "ZG301",
        sub("app.py", "@spaces.GPU(duration=30)", "@spaces.GPU  # expect"),
        "app.py",
        "# expect",
    ),
    Case(
        "ZG301",
        app("""from spaces import GPU as gpu

@gpu()  # expect
def run(x):
    return x
"""),
        "app.py",
        "# expect",
    ),
    Case(
        "ZG302",
        sub(
            "app.py",
            "@spaces.GPU(duration=30)",
            "@spaces.GPU(duration=100)  # expect: 150 s requested on large",
        ),
        "app.py",
        "# expect",
    ),
    Case(
        "ZG302",
        app("""import spaces as sp

LIMIT = 60 * 5

@sp.GPU(duration=LIMIT)  # expect
def run(x):
    return x
"""),
        "app.py",
        "# expect",
    ),
    Case(
        "ZG303",
        sub(
            "app.py",
            "@spaces.GPU(duration=30)",
            "@spaces.GPU(duration=30, size='xlarge')  # expect",
        ),
        "app.py",
        "# expect",
        ("ZG303",),
    ),
    Case(
        "ZG304",
        sub("app.py", "def estimate(prompt: str, tokens: int)", "def estimate(prompt: str)"),
        "app.py",
        "@spaces.GPU(duration=estimate)",
    ),
    Case(
        "ZG304",
        app("""import spaces

class Chat:
    def budget(self, message, history, extra):
        return 30

    @spaces.GPU(duration=budget)  # expect
    def reply(self, message, history):
        return message
"""),
        "app.py",
        "# expect",
    ),
    Case(
        "ZG401",
        sub(
            "app.py",
            "    return tokenizer.decode(output[0].cpu(), skip_special_tokens=True)",
            "    return output  # expect",
        ),
        "app.py",
        "# expect",
    ),
    Case(
        "ZG401",
        app(
            HEAD
            + """
@spaces.GPU(duration=10)
def embed(text):
    hidden = torch.ones(3, device=device)
    yield hidden.float()  # expect
"""
        ),
        "app.py",
        "# expect",
    ),
    Case(
        "ZG401",
        app(
            HEAD
            + """
@spaces.GPU(duration=10)
def embed(text):
    return model(text).last_hidden_state.mean(dim=1)  # expect
"""
        ),
        "app.py",
        "# expect",
    ),
    Case(
        "ZG402",
        app(
            HEAD
            + """
@spaces.GPU(duration=10)
async def run(text):  # expect
    return text
"""
        ),
        "app.py",
        "# expect",
    ),
    Case(
        "ZG403",
        app(
            HEAD
            + """
@spaces.GPU(duration=10)
def run(text):
    return lambda: text  # expect
"""
        ),
        "app.py",
        "# expect",
    ),
    Case(
        "ZG403",
        app(
            HEAD
            + """
@spaces.GPU(duration=10)
def run(fn):
    return str(fn())

print(run(lambda: 1))  # expect
"""
        ),
        "app.py",
        "# expect",
    ),
    Case(
        "ZG404",
        lambda files, facts: {
            "app.py": files["app.py"]
            .replace("        history = history + [text]", "        history.append(text)  # expect")
            .replace("yield text, history", "yield text")
        },
        "app.py",
        "# expect",
    ),
    Case(
        "ZG501",
        app(
            HEAD
            + """
CACHE = {}

@spaces.GPU(duration=10)
def run(text):
    CACHE[text] = 1  # expect
    return text
"""
        ),
        "app.py",
        "# expect",
    ),
    Case(
        "ZG501",
        app(
            HEAD
            + """
calls = 0

def count(text):
    global calls
    calls += 1  # expect
    return str(calls)

gr.Interface(count, "text", "text")
"""
        ),
        "app.py",
        "# expect",
    ),
    Case(
        "ZG502",
        app(
            HEAD
            + """
from PIL import Image

@spaces.GPU(duration=10)
def draw(text):
    image = Image.new("RGB", (8, 8))
    image.save("output.png")  # expect
    return "output.png"
"""
        ),
        "app.py",
        "# expect",
    ),
    Case(
        "ZG502",
        app(
            HEAD
            + """
def log(text):
    with open("log.txt", "a") as handle:  # expect
        handle.write(text)
    return text

with gr.Blocks() as demo:
    box = gr.Textbox()
    box.submit(log, box, box)
"""
        ),
        "app.py",
        "# expect",
    ),
    Case(
        "ZG601",
        app(
            HEAD
            + """
@spaces.GPU(duration=10)
def step(x):
    return str(x)

def run_all(items):
    return [step(item) for item in items]  # expect
"""
        ),
        "app.py",
        "# expect",
    ),
    Case(
        "ZG601",
        app(
            HEAD
            + """
class Runner:
    @spaces.GPU(duration=10)
    def step(self, x):
        return str(x)

    def many(self, items):
        out = []
        for item in items:
            out.append(self.step(item))  # expect
        return out
"""
        ),
        "app.py",
        "# expect",
    ),
    Case(
        "ZG701",
        sub("app.py", "cache_examples=True,", "run_on_click=True,  # expect"),
        "app.py",
        "# expect",
    ),
    Case(
        "ZG702",
        sub("app.py", 'cache_mode="lazy")', 'cache_mode="eager")  # expect'),
        "app.py",
        "# expect",
    ),
    Case(
        "ZG702",
        app("""import gradio
import spaces

@spaces.GPU(duration=10)
def run(x):
    return x

demo = gradio.ChatInterface(run, examples=["a"], cache_examples=True,
                            cache_mode="eager")  # expect
"""),
        "app.py",
        "# expect",
    ),
    Case(
        "ZG209",
        sub(
            "app.py",
            '"org/model", dtype=dtype)',
            '"org/model", dtype=dtype,\n    attn_implementation="flash_attention_3")  # expect',
        ),
        "app.py",
        "# expect",
    ),
    Case(
        "ZG209",
        app("""import spaces
from kernels import get_kernel

attention = get_kernel("kernels-community/flash-attn3")  # expect
"""),
        "app.py",
        "# expect",
    ),
    Case(
        "ZG210",
        sub("app.py", "import spaces\nimport torch\n", "import torch\nimport spaces  # expect\n"),
        "app.py",
        "# expect",
    ),
    Case(
        "ZG305",
        sub("app.py", "@spaces.GPU(duration=30)", "@spaces.GPU(duration=-5)  # expect"),
        "app.py",
        "# expect",
    ),
    Case(
        "ZG305",
        sub("app.py", "@spaces.GPU(duration=30)", "@spaces.GPU(24 * 60 * 60)  # expect"),
        "app.py",
        "# expect",
    ),
    Case(
        "ZG402",
        app("""import spaces

@spaces.GPU(duration=10)
async def stream(x):  # expect
    yield x
"""),
        "app.py",
        "# expect",
    ),
    Case(
        "ZG602",
        sub(
            "app.py",
            "    gr.Button().click(generate, [prompt, tokens], out)\n",
            "    gr.Button().click(generate, [prompt, tokens], out)\n"
            "    prompt.change(generate, [prompt, tokens], out)  # expect\n",
        ),
        "app.py",
        "# expect",
    ),
    Case(
        "ZG703",
        sub("app.py", "    demo.launch()", "    demo.launch(show_api=False)  # expect"),
        "app.py",
        "# expect",
    ),
    Case(
        "ZG703",
        sub("app.py", "cache_examples=True,", 'cache_examples="lazy",  # expect'),
        "app.py",
        "# expect",
    ),
    Case(
        "ZG902",
        lambda files, facts: {
            "app.py": files["app.py"].replace(
                "import tempfile\n", "import tempfile\n\nfrom lib.missing import run  # expect\n"
            ),
            "lib/__init__.py": "",
        },
        "app.py",
        "# expect",
    ),
    Case(
        "ZG901",
        sub(
            "app.py",
            "import tempfile\n",
            "<<<<<<< before updating\nimport tempfile\n=======\nimport os\n"
            ">>>>>>> after updating\n",
        ),
        "app.py",
        "<<<<<<<",
    ),
    Case(
        "ZG901",
        add("README.md", "<<<<<<< ours\nA\n=======\nB\n>>>>>>> theirs\n"),
        "README.md",
        "<<<<<<<",
    ),
]


def _line(text: str, needle: str | int) -> int:
    if isinstance(needle, int):
        return needle
    for number, line in enumerate(text.splitlines(), start=1):
        if needle in line:
            return number
    raise AssertionError(f"{needle!r} not in the fixture")


def test_every_rule_has_a_violating_case() -> None:
    covered = {case.code for case in VIOLATIONS}
    assert covered == {rule.code for rule in RULES}


@pytest.mark.parametrize(
    "case", VIOLATIONS, ids=[f"{c.code}-{i}" for i, c in enumerate(VIOLATIONS)]
)
def test_violation_is_found_on_its_line(case: Case, tmp_path, facts: Facts) -> None:
    files = good_files(facts)
    changes = case.change(files, facts)
    space = make_space(tmp_path, changes)
    findings = check_paths([space], select=case.select or None, facts=facts)
    text = {**files, **changes}[case.path]
    expected = _line(text, case.needle)
    hits = [(f.path.rsplit("/", 1)[-1], f.line) for f in findings if f.code == case.code]
    assert (case.path, expected) in hits, findings


def test_obeying_space_has_no_findings(tmp_path, facts: Facts) -> None:
    assert check_paths([make_space(tmp_path)], select=["ALL"], facts=facts) == []


OBEYING = {
    "class-based handler, spaces alias, method duration": """\
import gradio as gr
import spaces as sp
import torch
from transformers import pipeline

device = torch.device("cuda" if torch.cuda.is_available() else "cpu")
asr = pipeline("automatic-speech-recognition", model="org/whisper", device=device)


class Transcriber:
    def budget(self, audio: str, language: str) -> int:
        return 30

    @sp.GPU(duration=budget)
    def __call__(self, audio: str, language: str) -> str:
        return asr(audio, generate_kwargs={"language": language})["text"]


transcriber = Transcriber()
gr.Interface(transcriber, [gr.Audio(type="filepath"), "text"], "text").launch()
""",
    "Interface app, from spaces import GPU, wrapped function, device via if-statement": """\
import tempfile

import gradio as gr
from spaces import GPU  # before torch (ZG210)

import torch
from diffusers import DiffusionPipeline

if torch.cuda.is_available():
    device = "cuda"
else:
    device = "cpu"
pipe = DiffusionPipeline.from_pretrained("org/sd").to(device)


def paint(prompt: str, steps: int) -> str:
    image = pipe(prompt, num_inference_steps=steps).images[0]
    path = tempfile.NamedTemporaryFile(suffix=".png", delete=False).name
    image.save(path)
    return path


paint_on_gpu = GPU(duration=lambda prompt, steps: 10 + steps)(paint)
demo = gr.Interface(paint_on_gpu, ["text", gr.Slider(1, 50)], gr.Image(type="filepath"),
                    examples=[["a cat", 4]], cache_examples=True, cache_mode="lazy")
""",
    "module-scope tokenizer call, pipeline moved to the device, unique output paths": """\
import os
import tempfile
import uuid

import gradio as gr
import spaces
import torch
from diffusers import DiffusionPipeline
from transformers import AutoTokenizer

device = "cuda" if torch.cuda.is_available() else "cpu"
tokenizer = AutoTokenizer.from_pretrained("org/clip")
MAX_TOKENS = tokenizer("a", return_tensors="pt").input_ids.shape[1] * 77
pipe = DiffusionPipeline.from_pretrained("org/sd")
pipe.to(device)


@spaces.GPU(duration=30)
def paint(prompt: str, count: int) -> list[str]:
    images = pipe(prompt, num_images_per_prompt=int(count)).images
    folder = tempfile.mkdtemp()
    paths = []
    for index, image in enumerate(images):
        path = os.path.join(folder, f"{index}.png")
        image.save(path)
        paths.append(path)
    images[0].save(f"{uuid.uuid4()}.png")
    return paths


gr.Interface(paint, ["text", gr.Slider(1, 4)], gr.Gallery()).launch()
""",
    "library models whose methods return text and numpy, device index, custom decorator": """\
import spaces
import gradio as gr
import torch
import whisper
from sentence_transformers import SentenceTransformer

device = 0 if torch.cuda.is_available() else -1
speech = whisper.load_model("base").to("cuda" if torch.cuda.is_available() else "cpu")
encoder = SentenceTransformer("org/minilm", device="cuda" if torch.cuda.is_available() else "cpu")
gpu = spaces.GPU(duration=30)


@gpu
def transcribe(audio: str) -> str:
    return speech.transcribe(audio)["text"]


@gpu
def embed(text: str):
    return encoder.encode([text])[0]


with gr.Blocks() as demo:
    audio = gr.Audio(type="filepath")
    text = gr.Textbox()
    gr.Button("Transcribe").click(transcribe, audio, text)
    gr.Button("Embed").click(embed, text, gr.JSON())
""",
    "another library's model, placed under is_available(), returns numpy via a helper": """\
import spaces
import gradio as gr
import torch
from denoiser import Denoiser

device = torch.device("cuda" if torch.cuda.is_available() else "cpu")
model = Denoiser.from_pretrained("org/denoiser")
if torch.cuda.is_available():
    model.cuda()


def clean(path: str, seconds: int):
    wave, rate = model(path, segment=seconds * 16_000)
    return (rate, wave), "done"


@spaces.GPU(duration=40)
def run(path: str, seconds: int):
    return clean(path, seconds)


gr.Interface(run, [gr.Audio(type="filepath"), gr.Slider(1, 10)], [gr.Audio(), "text"]).launch()
""",
    "ChatInterface streaming generator that yields its state": """\
from threading import Thread

import gradio as gr
import spaces
import torch
from transformers import AutoModelForCausalLM, AutoTokenizer, TextIteratorStreamer

device = torch.device("cuda" if torch.cuda.is_available() else "cpu")
tokenizer = AutoTokenizer.from_pretrained("org/chat")
model = AutoModelForCausalLM.from_pretrained("org/chat").to(device)


@spaces.GPU(duration=60)
def chat(message: str, history: list[dict], notes: list[str]):
    inputs = tokenizer(message, return_tensors="pt").to(device)
    streamer = TextIteratorStreamer(tokenizer, skip_prompt=True)
    Thread(target=model.generate, kwargs=dict(**inputs, streamer=streamer)).start()
    reply = ""
    notes.append(message)
    for piece in streamer:
        reply += piece
        yield reply, notes


demo = gr.ChatInterface(chat, additional_inputs=[gr.State([])],
                        additional_outputs=[gr.State()])
""",
}


@pytest.mark.parametrize("source", OBEYING.values(), ids=list(OBEYING))
def test_realistic_obeying_apps(source: str, tmp_path, facts: Facts) -> None:
    space = make_space(tmp_path, {"app.py": source})
    assert check_paths([space], facts=facts) == []


def test_config_shapes_that_obey(tmp_path, facts: Facts) -> None:
    torch = facts.supported_torch[0]
    sidecars = facts.sidecars[torch]
    python = facts.data["python"]["default"]
    cp = "cp" + python.replace(".", "")
    requirements = (
        f"torch=={torch}\n"
        f"torchvision=={sidecars['torchvision']}\n"
        "huggingface-hub==1.0.0\n    # via\n    #   transformers\n"
        f"xformers @ https://example.org/xformers-0.0.34-cp39-abi3-linux_x86_64.whl\n"
        f"flash_attn @ https://example.org/flash_attn-2.8.3+cu12torch"
        f"{'.'.join(torch.split('.')[:2])}cxx11abiTRUE-{cp}-{cp}-linux_x86_64.whl\n"
    )
    pyproject = good_files(facts)["pyproject.toml"].replace(facts.supported_torch[-1], torch)
    space = make_space(tmp_path, {"requirements.txt": requirements, "pyproject.toml": pyproject})
    assert check_paths([space], select=["ALL"], facts=facts) == []


def test_wheel_from_a_mirror_cell_that_matches_the_torch_pin(tmp_path, facts: Facts) -> None:
    files = good_files(facts)
    wheel = MIRROR.format(**_vars(facts))
    space = make_space(tmp_path, {"requirements.txt": files["requirements.txt"] + wheel})
    assert check_paths([space], select=["ALL"], facts=facts) == []


def test_imported_modules_of_the_space_are_checked(tmp_path, facts: Facts) -> None:
    space = make_space(
        tmp_path,
        {
            "app.py": APP.replace(
                "import tempfile\n", "import tempfile\n\nfrom lib.gpu import run\n"
            ),
            "lib/__init__.py": "",
            "lib/gpu.py": "import spaces\n\n\n@spaces.GPU\ndef run(x):\n    return x\n",
            "unused.py": "import spaces\n\n\n@spaces.GPU\ndef other(x):\n    return x\n",
        },
    )
    found = [(f.code, f.path) for f in check_paths([space], facts=facts)]
    assert any(code == "ZG301" and path.endswith("lib/gpu.py") for code, path in found), found
    assert not any(path.endswith("unused.py") for _, path in found)


def test_gpu_function_imported_from_another_module_called_in_a_loop(tmp_path, facts) -> None:
    space = make_space(
        tmp_path,
        {
            "app.py": "import helpers\n\nfor i in range(3):\n    helpers.step(i)\n",
            "helpers.py": "import spaces\n\n\n@spaces.GPU(duration=5)\ndef step(x):\n"
            "    return str(x)\n",
        },
    )
    found = [(f.code, f.path.rsplit("/", 1)[-1], f.line) for f in check_paths([space], facts=facts)]
    assert ("ZG601", "app.py", 4) in found
