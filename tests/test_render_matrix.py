"""Every valid answer combination renders a Space that meets RULES.md's acceptance list."""

import ast
import re
import subprocess
import sys
import tomllib

import pytest
import yaml
from conftest import REPO, answer_matrix, function_signature, matrix_id
from huggingface_hub import SpaceCard
from packaging.requirements import Requirement

from zgscaffold.facts import load_facts

FACTS = load_facts(REPO / "facts" / "zerogpu.yml")
# Every supported torch, each Python, with a task that pins a side-car
# (torchvision): the answer matrix renders the default (newest) torch only.
TORCH_CELLS = [
    {"task": "image-classification", "python_version": python, "torch_version": torch}
    for torch in FACTS.supported_torch
    for python in FACTS.supported_python
]
MATRIX = answer_matrix(FACTS) + TORCH_CELLS
WHEEL_TAGS = re.compile(r"-(?P<py>cp\d+)-(?P<abi>abi3|cp\d+|none)-[^-]+\.whl$")


# Function-scoped: the renders are shared (on disk, across pytest-xdist workers),
# so each test can run on either worker.
@pytest.fixture(params=MATRIX, ids=[matrix_id(a) for a in MATRIX])
def space(request, matrix_render):
    """The cell's render, shared with tests/check/test_renders.py (tests/conftest.py)."""
    return matrix_render(request.param)


def requirements(space) -> list[Requirement]:
    lines = (space.project_dir / "requirements.txt").read_text().splitlines()
    return [Requirement(line) for line in lines if line.strip() and not line.startswith("#")]


def test_space_card_has_the_zerogpu_keys(space, facts):
    card = SpaceCard.load(space.project_dir / "README.md")
    meta = card.data
    assert meta.sdk == "gradio"
    assert meta.sdk_version == facts.sdk_version
    assert meta.python_version == space.answers["python_version"]
    assert meta.python_version in facts.supported_python
    assert meta.app_file == "app.py"
    assert meta.suggested_hardware == facts.data["hardware"]["flavor"]
    hub_models = [space.answers["model_id"]]
    if space.answers["task"] == "chat-lora":
        hub_models.append(space.answers["adapter_id"])
    assert meta.models == hub_models
    assert meta.preload_from_hub == hub_models
    assert meta.title == space.answers["space_title"]
    assert meta.short_description == space.answers["short_description"]
    assert meta.license == space.answers["license"]
    assert "zerogpu" in meta.tags


def test_requirements_leave_out_spaces_and_gradio(space):
    names = {req.name.lower() for req in requirements(space)}
    assert "spaces" not in names
    assert "gradio" not in names
    assert "torch" in names


def test_torch_is_pinned_to_a_supported_release(space, facts):
    torch_pins = [str(r.specifier) for r in requirements(space) if r.name == "torch"]
    assert torch_pins == [f"=={space.answers['torch_version']}"]
    assert space.answers["torch_version"] in facts.supported_torch


def test_sidecars_are_pinned_to_the_torch_release(space, facts):
    sidecars = facts.tasks[space.answers["task"]].get("sidecars", [])
    built_for = facts.sidecars[space.answers["torch_version"]]
    project = tomllib.loads((space.project_dir / "pyproject.toml").read_text())["project"]
    for pins in (requirements(space), [Requirement(d) for d in project["dependencies"]]):
        pinned = {r.name: str(r.specifier) for r in pins if r.name in built_for}
        assert pinned == {name: f"=={built_for[name]}" for name in sidecars}


def test_pyproject_declares_spaces_gradio_and_pins(space, facts):
    project = tomllib.loads((space.project_dir / "pyproject.toml").read_text())["project"]
    deps = {Requirement(d).name: Requirement(d) for d in project["dependencies"]}
    assert "spaces" in deps
    assert str(deps["gradio"].specifier) == f"=={facts.sdk_version}"
    assert str(deps["torch"].specifier) == f"=={space.answers['torch_version']}"
    assert project["requires-python"] == f"=={space.answers['python_version']}.*"


def test_wheel_tags_match_python_and_torch(space):
    urls = [r.url for r in requirements(space) if r.url]
    assert len(urls) == len(space.answers.get("cuda_packages", []))
    py_tag = "cp" + space.answers["python_version"].replace(".", "")
    torch_minor = ".".join(space.answers["torch_version"].split(".")[:2])
    for url in urls:
        tags = WHEEL_TAGS.search(url)
        assert tags, url
        if tags["abi"] != "abi3":
            assert tags["py"] == py_tag, url
        local = re.search(r"torch(\d+\.\d+)", url.rsplit("/", 1)[-1])
        cell = re.search(r"/pt(\d)(\d+)-", url)
        assert local or cell, f"no torch tag in {url}"
        if local:
            assert local[1] == torch_minor


def test_app_compiles_and_passes_ruff(space):
    """app.py and the shipped tests/test_pickle_boundary.py: ruff's default rules
    (E4, E7, E9, F) and its format, in every render."""
    app = space.project_dir / "app.py"
    shipped_test = space.project_dir / "tests" / "test_pickle_boundary.py"
    for source in (app, shipped_test):
        compile(source.read_text(), str(source), "exec")
    for args in (["check"], ["format", "--check", "--line-length", "100"]):
        lint = subprocess.run(
            [
                sys.executable,
                "-m",
                "ruff",
                *args,
                "--isolated",
                "--no-cache",
                str(app),
                str(shipped_test),
            ],
            capture_output=True,
            text=True,
        )
        assert lint.returncode == 0, lint.stdout + lint.stderr


def test_gpu_decorator_follows_the_answers(space):
    tree = ast.parse((space.project_dir / "app.py").read_text())
    decorated = [
        (node, deco)
        for node in tree.body
        if isinstance(node, ast.FunctionDef)
        for deco in node.decorator_list
        if isinstance(deco, ast.Call)
        and ast.unparse(deco.func) == "spaces.GPU"
        and node.name != "compile_denoiser"  # the aoti_compile answer's start-up call
    ]
    assert len(decorated) == 1
    handler, decorator = decorated[0]
    keywords = {kw.arg: kw.value for kw in decorator.keywords}
    answers = space.answers
    if answers["gpu_size"] == "xlarge":
        assert ast.literal_eval(keywords["size"]) == "xlarge"
    else:
        assert "size" not in keywords
    if answers["duration_strategy"] == "fixed":
        assert ast.literal_eval(keywords["duration"]) == answers["duration_seconds"]
    else:
        estimator = keywords["duration"]
        assert isinstance(estimator, ast.Name)
        assert function_signature(tree, estimator.id) == function_signature(tree, handler.name)


def test_spaces_import_is_unconditional_and_models_load_at_module_scope(space):
    tree = ast.parse((space.project_dir / "app.py").read_text())
    top_imports = [
        alias.name for node in tree.body if isinstance(node, ast.Import) for alias in node.names
    ]
    assert "spaces" in top_imports
    assert not any(isinstance(node, ast.Try) for node in tree.body)
    source = (space.project_dir / "app.py").read_text()
    assert 'torch.device("cuda" if torch.cuda.is_available() else "cpu")' in source
    assert 'os.environ.get("MODEL_ID"' in source
    assert re.search(r"^\w+ = .*from_pretrained\(MODEL_ID|^\w+ = pipeline\(", source, re.M)


def test_examples_are_cached_lazily(space):
    source = (space.project_dir / "app.py").read_text()
    if "examples=" in source:
        assert 'cache_mode="lazy"' in source
    assert 'cache_mode="eager"' not in source


def test_answers_file_and_support_files(space, request):
    answers = yaml.safe_load((space.project_dir / ".copier-answers.yml").read_text())
    given = dict(request.node.callspec.params["space"])
    if given.pop("aoti_compile", None):  # a question never asked while not offered:
        assert "aoti_compile" not in answers  # copier does not record it
    assert {key: answers.get(key) for key in given} == given  # the rest, recorded as given
    assert "_src_path" in answers
    assert "facts" not in answers  # hidden facts are recomputed on update, never frozen
    attributes = (space.project_dir / ".gitattributes").read_text()
    assert "*.safetensors filter=lfs diff=lfs merge=lfs -text" in attributes
    assert ".venv/" in (space.project_dir / ".gitignore").read_text()
