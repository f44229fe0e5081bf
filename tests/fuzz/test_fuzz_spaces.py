"""Rendered Spaces mangled at random through `zgscaffold check`: every input gives
findings (ZG900 for what cannot be read), never an exception, a hang or a failure of
the checker itself, and the CLI prints them in every format."""

import json
import os
import shutil
import warnings

import copier
import fuzzing
import pytest
from hypothesis import given
from hypothesis import strategies as st

from zgscaffold.check import check_paths
from zgscaffold.check.model import Severity
from zgscaffold.facts import load_facts

FACTS = load_facts()
FILES = ["README.md", "requirements.txt", "pyproject.toml", "app.py", "uv.lock", "helpers.py"]
# Lines that broke the readers once (issue 15), to splice into any file.
SNIPPETS = [
    "tool = 5",
    'project = "x"',
    "[tool]\nzgscaffold = 3",
    "[project]\ndependencies = [1, {a = 2}]\nrequires-python = 3.1",
    "x = " + "[" * 600 + "]" * 600,
    "a: &a [x, x, x]\nb: [*a, *a, *a]",
    "app_file: /etc/passwd",
    "app_file: " + "a" * 300 + ".py",
    "app_file: ../../outside.py",
    "app_file: [1, 2]",
    "sdk: [gradio]",
    "python_version: 3.10",
    "python_version: 99999999999999999999999999999",
    "date: 2024-02-30",
    "torch @ https://[::1/torch-2.8.0-cp310-cp310-linux_x86_64.whl",
    "http://[zz]/flash_attn-2.8.0-cp312-cp312-linux_x86_64.whl",
    "torch==1.13.1 \\\n    --hash=sha256:aa \\\n    --hash=sha256:bb",
    "\\\n" * 50,
    "-e git+https://example.org/x#egg=x",
    "-r other.txt",
    "@spaces.GPU(duration=" + "9" * 400 + ")\ndef f():\n    pass",
    "@spaces.GPU(duration=1e400)\ndef f():\n    pass",
    "x = " + "-" * 300 + "1",
    "x = " + " + ".join(["a"] * 3000),
    "import " + "m" * 300,
    "from ...... import x",
    "<<<<<<< before updating\na\n=======\nb\n>>>>>>> after updating",
    "\ufeff---",
    "---",
    "ééé = torch.compile(model)",
    *fuzzing.COERCED,
]


@st.composite
def mangled_text(draw, text: str) -> str:
    lines = text.splitlines(keepends=True) or [""]
    for _ in range(draw(st.integers(1, 5))):
        i = draw(st.integers(0, max(0, len(lines) - 1)))
        action = draw(st.sampled_from(["drop", "dup", "noise", "cut", "indent", "splice", "crlf"]))
        if action == "drop" and lines:
            del lines[i]
        elif action == "dup" and lines:
            lines.insert(i, lines[i])
        elif action == "noise":
            lines.insert(i, draw(fuzzing.any_text) + "\n")
        elif action == "cut" and lines:
            lines[i] = lines[i][: draw(st.integers(0, len(lines[i])))]
        elif action == "indent" and lines:
            lines[i] = draw(st.sampled_from(["    ", "\t", " "])) + lines[i]
        elif action == "splice":
            lines.insert(i, draw(st.sampled_from(SNIPPETS)) + "\n")
        elif action == "crlf":
            lines = [line.replace("\n", "\r\n") for line in lines]
    return "".join(lines)


KINDS = ["fifo", "devzero", "folder", "dangling", "loop", "delete", "bytes", "bom", "huge"]


@st.composite
def mutations(draw):
    """[(file, kind, payload)]: a file's text mangled, or the file replaced by something."""
    changes = []
    for _ in range(draw(st.integers(1, 4))):
        name = draw(st.sampled_from(FILES))
        if draw(st.integers(0, 3)) == 0:
            kind = draw(st.sampled_from(KINDS))
            changes.append((name, kind, draw(st.binary(max_size=200)) if kind == "bytes" else b""))
        else:
            changes.append((name, "text", draw(st.data())))
    return changes


def apply(space, changes) -> None:
    for name, kind, payload in changes:
        path = space / name
        if path.is_symlink() or path.exists():
            if path.is_dir() and not path.is_symlink():
                shutil.rmtree(path)
            else:
                path.unlink()
        if kind == "text":
            base = BASE_TEXT.get(name) or "import helpers\nx = 1\n"
            path.write_text(
                payload.draw(mangled_text(base)), encoding="utf-8", errors="surrogatepass"
            )
        elif kind == "fifo":
            os.mkfifo(path)
        elif kind == "devzero":
            os.symlink("/dev/zero", path)
        elif kind == "folder":
            (path / "inner").mkdir(parents=True)
        elif kind == "dangling":
            os.symlink(space / "nowhere", path)
        elif kind == "loop":
            os.symlink(path, path)
        elif kind == "bytes":
            path.write_bytes(payload)
        elif kind == "bom":
            path.write_bytes(b"\xef\xbb\xbf" + BASE_TEXT.get(name, "").encode())
        elif kind == "huge":
            with path.open("wb") as stream:
                stream.truncate(3_000_000)  # sparse: over the limit without the disk


BASE_TEXT: dict[str, str] = {}


@pytest.fixture(scope="module")
def base(tmp_path_factory, template_copy):
    space = tmp_path_factory.mktemp("base") / "space"
    data = {"task": "chat-lora", "duration_strategy": "dynamic", "github_actions": True}
    limit = fuzzing.SECONDS_PER_RENDER
    with fuzzing.bounded("rendering the base Space", limit), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        copier.run_copy(str(template_copy), space, data=data, defaults=True, quiet=True)
    for name in FILES:
        if (space / name).is_file():
            BASE_TEXT[name] = (space / name).read_text(encoding="utf-8")
    return space


@fuzzing.fuzz_settings(default_examples=15)
@given(changes=mutations(), output=st.sampled_from(["human", "json", "sarif"]))
def test_mangled_spaces_give_findings_not_failures(tmp_path_factory, base, changes, output):
    space = tmp_path_factory.mktemp("mangled") / "space"
    shutil.copytree(base, space, symlinks=True)
    apply(space, changes)
    shown = [(name, kind) for name, kind, _ in changes]
    with fuzzing.bounded(f"checking a Space with {shown}"):
        findings = check_paths([space], select=["ALL"], facts=FACTS)
    for finding in findings:
        assert finding.line >= 1 and finding.column >= 1 and finding.message, finding
        assert "the checker failed" not in finding.message, finding
    for name in FILES:  # each file alone, as the pre-commit hook passes them
        if (space / name).is_file() or (space / name).is_symlink():
            with fuzzing.bounded(f"checking {name} alone after {shown}"):
                alone = check_paths([space / name], facts=FACTS)
            assert not [f for f in alone if "the checker failed" in f.message], alone
    with fuzzing.bounded(f"zgscaffold check --format {output} after {shown}"):
        args = ["check", str(space), "--format", output, "--select", "ALL"]
        code, out, err = fuzzing.run_cli(args)
    assert "Traceback" not in out + err
    if code == 2:  # only a folder that is no longer a Space
        assert not (space / "README.md").exists() and not list(space.glob("*.py"))
        assert len(err.strip().splitlines()) == 1
        return
    failing = any(finding.severity >= Severity.error for finding in findings)  # --fail-on error
    assert code == (1 if failing else 0), (code, err)
    if output != "human":
        json.loads(out)
