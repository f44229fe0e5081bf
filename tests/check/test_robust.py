"""Whatever a Space holds, the checker reports it and never raises."""

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from space_fixtures import APP, good_files, make_space, write_space

from zgscaffold.check import check_paths
from zgscaffold.check.rules.configuration import ConfigRules
from zgscaffold.errors import BadInput
from zgscaffold.facts import load_facts

FACTS = load_facts()
GOOD = good_files(FACTS)


@st.composite
def mangled(draw, text: str) -> str:
    """The text with random slices deleted, duplicated or replaced by random characters."""
    lines = text.splitlines(keepends=True)
    for _ in range(draw(st.integers(1, 6))):
        if not lines:
            break
        i = draw(st.integers(0, len(lines) - 1))
        action = draw(st.sampled_from(["drop", "dup", "noise", "cut", "indent"]))
        if action == "drop":
            del lines[i]
        elif action == "dup":
            lines.insert(i, lines[i])
        elif action == "noise":
            lines[i] = draw(st.text(max_size=40)) + "\n"
        elif action == "cut":
            lines[i] = lines[i][: draw(st.integers(0, len(lines[i])))]
        else:
            lines[i] = "    " + lines[i]
    return "".join(lines)


def _check(files: dict[str, str | bytes]) -> None:
    with tempfile.TemporaryDirectory() as folder:
        root = write_space(Path(folder) / "space", {**GOOD, **files})
        findings = check_paths([root], select=["ALL"], facts=FACTS)
        for finding in findings:
            assert finding.line >= 1 and finding.column >= 1 and finding.message
        for name in files:  # single files too
            check_paths([root / name], facts=FACTS)


SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(mangled(APP))
def test_mangled_python(source: str) -> None:
    _check({"app.py": source})


@SETTINGS
@given(st.text(max_size=300))
def test_random_python(source: str) -> None:
    _check({"app.py": source, "helpers.py": source})


@SETTINGS
@given(mangled(GOOD["README.md"]), mangled(GOOD["requirements.txt"] + "gradio\nx @ y\n-r a\n"))
def test_mangled_frontmatter_and_requirements(readme: str, requirements: str) -> None:
    _check({"README.md": readme, "requirements.txt": requirements})


@SETTINGS
@given(st.text(max_size=200), mangled(GOOD["pyproject.toml"]))
def test_random_yaml_and_toml(front: str, pyproject: str) -> None:
    _check({"README.md": f"---\n{front}\n---\n", "pyproject.toml": pyproject})


@SETTINGS
@given(st.binary(max_size=200))
def test_binary_files(data: bytes) -> None:
    _check({"app.py": data, "README.md": data, "requirements.txt": data})


def test_unreadable_binary_and_huge_files_are_findings(tmp_path) -> None:
    space = make_space(tmp_path, {"app.py": b"\x00\x01binary", "requirements.txt": b"\xff\xfe bad"})
    (space / "pyproject.toml").write_text("x = 'a" * 10 + "\n")
    huge = space / "helpers.py"
    huge.write_text("x = 1\n" * 400_000)
    (space / "app.py").write_bytes(b"import helpers\n\x00")
    findings = check_paths([space], facts=FACTS)
    messages = {f.path.rsplit("/", 1)[-1]: f.message for f in findings if f.code == "ZG900"}
    assert "binary" in messages["app.py"]
    assert "UTF-8" in messages["requirements.txt"]
    assert "TOML" in messages["pyproject.toml"]
    (space / "app.py").write_text("import helpers\n")
    findings = check_paths([space], facts=FACTS)
    assert any(f.code == "ZG900" and "MB" in f.message for f in findings), findings


def test_deep_nesting_is_a_finding_not_a_crash(tmp_path) -> None:
    space = make_space(tmp_path, {"app.py": "x = " + "(" * 5000 + ")" * 5000 + "\n"})
    findings = check_paths([space], facts=FACTS)
    assert [f.code for f in findings if f.path.endswith("app.py")] == ["ZG900"]


# --- Regression tests: one per class of input that crashed, hung or blew up the checker.


def _codes(findings, suffix: str) -> list[str]:
    return [f.code for f in findings if f.path.endswith(suffix)]


def _messages(findings, code: str = "ZG900") -> str:
    return "\n".join(f.message for f in findings if f.code == code)


@pytest.mark.parametrize(
    ("pyproject", "named"),
    [
        ("tool = 5\n", "`tool` must be a table, not an integer"),
        ('project = "x"\n', "`project` must be a table, not a string"),
        ("tool = {uv = 5, zgscaffold = 3}\n", "`tool.zgscaffold` must be a table"),
        ("[project]\ndependencies = 5\n", "`project.dependencies` must be an array"),
        ("[project]\ndependencies = [1, 'spaces']\n", "must hold only strings"),
        ("[project]\nrequires-python = 3.1\n", "`project.requires-python` must be a string"),
        ("x = " + "[" * 3000 + "]" * 3000 + "\n", "nests arrays or tables too deeply"),
        ("x = " + "{a=" * 3000 + "1" + "}" * 3000 + "\n", "nests arrays or tables too deeply"),
    ],
)
def test_pyproject_shapes_are_findings(tmp_path, pyproject: str, named: str) -> None:
    space = make_space(tmp_path, {"pyproject.toml": pyproject})
    findings = check_paths([space], select=["ALL"], facts=FACTS)
    assert named in _messages(findings), findings
    assert "the checker failed" not in _messages(findings)


def test_huge_durations_are_checked_not_crashed(tmp_path) -> None:
    app = APP.replace("duration=estimate", "duration=" + "9" * 400)
    findings = check_paths([make_space(tmp_path, {"app.py": app})], facts=FACTS)
    assert "ZG305" in _codes(findings, "app.py"), findings  # over a day: not a duration
    assert "over 10^15" in _messages(findings, "ZG305")


@pytest.mark.parametrize(
    ("app_file", "named"),
    [
        ("/etc/hostname.py", "is not a path inside the Space"),
        ("../outside.py", "is not a path inside the Space"),
        ("a" * 5000 + ".py", "a path the file system cannot hold"),
        ('"app\\0.py"', "a path the file system cannot hold"),
        ("[1, 2]", "is not a file name"),
    ],
)
def test_app_file_outside_or_unholdable_is_a_finding(tmp_path, app_file, named) -> None:
    readme = GOOD["README.md"].replace("app_file: app.py", f"app_file: {app_file}")
    space = make_space(tmp_path, {"README.md": readme})
    (tmp_path / "outside.py").write_text("import torch\ntorch.zeros(1).cuda()\n")
    findings = check_paths([space], facts=FACTS)
    assert named in _messages(findings), findings
    assert not [f for f in findings if f.path.endswith("outside.py")]
    assert [f.line for f in findings if "app_file" in f.message] == [6]  # its README line


def test_bad_ipv6_hosts_in_requirement_urls(tmp_path) -> None:
    requirements = (
        "torch @ https://[::1/torch-2.8.0-cp310-cp310-linux_x86_64.whl\n"
        "http://[zz]/flash_attn-2.8.0-cp310-cp310-linux_x86_64.whl\n"
        "spaces\n"
    )
    findings = check_paths([make_space(tmp_path, {"requirements.txt": requirements})], facts=FACTS)
    assert "ZG103" in _codes(findings, "requirements.txt"), findings  # the rest still read
    assert "the checker failed" not in _messages(findings)


def test_yaml_alias_bomb_is_refused(tmp_path) -> None:
    levels = ["a: &a [x, x, x, x, x, x, x, x, x]"]
    for prev, name in zip("abcdefgh", "bcdefghi", strict=True):
        levels.append(f"{name}: &{name} [" + ", ".join([f"*{prev}"] * 9) + "]")
    readme = "---\nsdk: gradio\n" + "\n".join(levels) + "\n---\n"
    findings = check_paths([make_space(tmp_path, {"README.md": readme})], facts=FACTS)
    assert [f.line for f in findings if "YAML alias" in f.message] == [4], findings


def test_many_dependencies_and_continuations_take_linear_time(tmp_path) -> None:
    deps = "".join(f'    "package{i}>=1",\n' for i in range(20_000))
    pyproject = GOOD["pyproject.toml"].replace('    "spaces",\n', '    "spaces",\n' + deps)
    requirements = "torch==2.0.0 \\\n" + "    --hash=sha256:ab \\\n" * 40_000 + "    --hash=x\n"
    space = make_space(tmp_path, {"pyproject.toml": pyproject, "requirements.txt": requirements})
    started = time.process_time()
    findings = check_paths([space], facts=FACTS)
    assert time.process_time() - started < 5  # quadratic took 32 s and 9 s
    assert [f.line for f in findings if f.code == "ZG106"] == [1], findings  # torch 2.0.0 read


def test_pipes_devices_and_folders_are_not_read(tmp_path) -> None:
    space = make_space(tmp_path, {"app.py": "import helpers\nimport data\n"})
    os.mkfifo(space / "helpers.py")
    os.symlink("/dev/zero", space / "data.py")
    os.mkfifo(space / "notes.txt")  # walked for conflict markers, never opened
    (space / "requirements.txt").unlink()
    os.symlink("/dev/zero", space / "requirements.txt")
    findings = check_paths([space], facts=FACTS)
    messages = {f.path.rsplit("/", 1)[-1]: f.message for f in findings if f.code == "ZG900"}
    assert "named pipe" in messages["helpers.py"]
    assert "device" in messages["data.py"] and "device" in messages["requirements.txt"]
    single = check_paths([space / "helpers.py"], facts=FACTS)
    assert [f.code for f in single] == ["ZG900"]


def test_tree_deeper_than_the_path_limit(tmp_path) -> None:
    space = make_space(tmp_path)
    fd = os.open(space, os.O_RDONLY)
    for _ in range(120):  # 120 x 51 bytes is beyond PATH_MAX (4096)
        os.mkdir("d" * 50, dir_fd=fd)
        child = os.open("d" * 50, os.O_RDONLY, dir_fd=fd)
        os.close(fd)
        fd = child
    os.close(fd)
    os.symlink(".", space / "loop")
    assert check_paths([space], facts=FACTS) == []


def test_readme_with_bom_or_leading_blank_lines_is_read(tmp_path) -> None:
    for prefix in ("\ufeff", "\n\n", "\ufeff\n"):
        space = make_space(tmp_path, {"README.md": prefix + GOOD["README.md"]}, name="s")
        assert check_paths([space], facts=FACTS) == []
        shifted = prefix.count("\n")
        broken = prefix + GOOD["README.md"].replace("sdk: gradio", "sdk: docker")
        space = make_space(tmp_path, {"README.md": broken}, name="s")
        assert [(f.code, f.line) for f in check_paths([space], facts=FACTS)] == [
            ("ZG105", 3 + shifted)
        ]


def test_hashed_requirements_are_read(tmp_path) -> None:
    requirements = (
        "# uv export --format requirements-txt\n"
        "--index-url https://pypi.org/simple\n"
        "-c constraints.txt\n"
        "-e git+https://github.com/org/pkg#egg=pkg\n"
        "gradio==5.0.0 \\\n"
        "    --hash=sha256:aa \\\n"
        "    --hash=sha256:bb\n"
        "    # via demo\n"
        "spaces==0.40.0 --hash=sha256:cc\n"
        "torch==1.13.1 ; python_version >= '3.10' \\\n"
        "    --hash=sha256:dd\n"
        "accelerate[deepspeed]>=1.0  # a comment\n"
    )
    findings = check_paths([make_space(tmp_path, {"requirements.txt": requirements})], facts=FACTS)
    assert {(f.code, f.line) for f in findings} >= {("ZG104", 5), ("ZG103", 9), ("ZG106", 10)}


def test_columns_count_characters(tmp_path) -> None:
    app = APP.replace(
        "@spaces.GPU(duration=estimate)",
        'LABEL = "ééé"; torch.compile(model)\n@spaces.GPU(duration=estimate)',
    )
    findings = check_paths([make_space(tmp_path, {"app.py": app})], facts=FACTS)
    [compile_call] = [f for f in findings if f.code == "ZG202"]
    line = app.splitlines()[compile_call.line - 1]
    assert compile_call.column == line.index("torch.compile") + 1


def test_a_folder_that_is_not_a_space_exits_2(tmp_path) -> None:
    (tmp_path / "empty").mkdir()
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "notes.txt").write_text("hello\n")
    for folder in ("empty", "data"):
        with pytest.raises(BadInput, match=r"no README\.md and no Python file"):
            check_paths([tmp_path / folder], facts=FACTS)
    result = subprocess.run(
        [sys.executable, "-m", "zgscaffold", "check", str(tmp_path / "empty")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 2 and "no README.md and no Python file" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_a_checker_failure_on_one_space_spares_the_others(tmp_path, monkeypatch) -> None:
    """With 100+ paths (worker processes, forked with this patch), a Space that makes a
    rule raise gives a ZG900 naming it; the findings before it and the other Spaces stay."""
    original = ConfigRules.pyproject_rules

    def breaks_on_bad(self):
        if self.space.root is not None and self.space.root.name == "bad":
            raise RuntimeError("a bug in a rule")
        return original(self)

    monkeypatch.setattr(ConfigRules, "pyproject_rules", breaks_on_bad)
    spaces_txt = {"requirements.txt": "spaces\n"}
    bad = make_space(tmp_path, spaces_txt, name="bad")
    goods = [make_space(tmp_path, spaces_txt, name=f"s{i:03}") for i in range(110)]
    findings = check_paths([*goods[:50], bad, *goods[50:]], facts=FACTS, jobs=2)
    assert sum(f.code == "ZG103" for f in findings) == 111  # bad's came before the bug
    [failure] = [f for f in findings if f.code == "ZG900"]
    assert failure.path.endswith("bad") and "RuntimeError: a bug in a rule" in failure.message


def test_module_level_match_and_try_are_read(tmp_path: Path) -> None:
    """A `case` has no line of its own; the statements in it are read (issue 17)."""
    block = (
        '\nimport sys\n\nmatch sys.argv:\n    case [_, "--cpu"]:\n        import os\n'
        "    case _:\n        pass\ntry:\n    import json\nexcept ImportError:\n    json = None\n"
    )
    root = make_space(tmp_path, {"app.py": APP + block})
    findings = check_paths([root], select=["ALL"], facts=FACTS)
    assert [f.code for f in findings if f.code == "ZG900"] == []
