"""Whatever a Space holds, the checker reports it and never raises."""

import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from space_fixtures import APP, good_files, make_space, write_space

from zgscaffold.check import check_paths
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
