"""`--fix`, suppression, settings, output formats and exit codes, through the CLI."""

import json

from space_fixtures import APP, good_files, make_space
from typer.testing import CliRunner

from zgscaffold.check import check_paths, fix_paths
from zgscaffold.cli import app

runner = CliRunner()

SHIM = """try:
    import spaces
except ImportError:  # not on ZeroGPU
    class spaces:  # noqa: N801
        @staticmethod
        def GPU(fn=None, **kwargs):
            return fn if fn else (lambda f: f)
"""


def broken(facts) -> dict[str, str]:
    files = good_files(facts)
    readme = "\n".join(
        line for line in files["README.md"].splitlines() if not line.startswith("python_version")
    )
    return {
        "README.md": readme + "\n",
        "requirements.txt": "spaces==0.1\n" + files["requirements.txt"] + "gradio\n",
        "app.py": APP.replace("import spaces\n", SHIM),
    }


def test_fix_repairs_the_safe_findings_and_is_idempotent(tmp_path, facts) -> None:
    space = make_space(tmp_path, broken(facts))
    before = {f.code for f in check_paths([space], facts=facts)}
    assert {"ZG101", "ZG103", "ZG104", "ZG201"} <= before
    result = fix_paths([space], facts=facts)
    assert result.findings == []
    assert len(result.changes) == 4 and all(" (ZG" in line for line in result.changes)
    python = facts.data["python"]["default"]  # the fixture's requires-python
    assert f'python_version: "{python}"' in (space / "README.md").read_text()
    requirements = (space / "requirements.txt").read_text()
    assert "spaces" not in requirements and "gradio" not in requirements
    assert "torch==" in requirements
    source = (space / "app.py").read_text()
    assert "import spaces\n\nimport gradio" not in source  # import order kept
    assert "\nimport spaces\n" in source and "ImportError" not in source
    compile(source, "app.py", "exec")
    snapshot = {p.name: p.read_text() for p in space.iterdir() if p.is_file()}
    again = fix_paths([space], facts=facts)
    assert again.changes == [] and again.findings == []
    assert snapshot == {p.name: p.read_text() for p in space.iterdir() if p.is_file()}


def test_fix_leaves_unfixable_findings_and_cli_reports_changes(tmp_path, facts) -> None:
    files = broken(facts)
    files["app.py"] = files["app.py"].replace("@spaces.GPU(duration=30)", "@spaces.GPU")
    space = make_space(tmp_path, files)
    result = runner.invoke(app, ["check", str(space), "--fix"])
    assert result.exit_code == 0, result.output  # ZG301 is a warning
    assert result.output.count("fixed ") == 4
    assert "ZG301" in result.output and "1 warning" in result.output
    assert runner.invoke(app, ["check", str(space), "--fail-on", "warning"]).exit_code == 1


def test_suppression_comments(tmp_path, facts) -> None:
    source = APP.replace("@spaces.GPU(duration=30)", "@spaces.GPU  # zg: ignore[ZG301]").replace(
        "import tempfile\n", "import tempfile\n\nx = torch.zeros(1).cuda()  # zg: ignore\n"
    )
    files = {"app.py": source, "requirements.txt": "gradio  # zg: ignore[ZG1]\n"}
    assert check_paths([make_space(tmp_path, files)], facts=facts) == []
    wrong_code = {
        "app.py": APP.replace("@spaces.GPU(duration=30)", "@spaces.GPU  # zg: ignore[ZG302]")
    }
    assert [f.code for f in check_paths([make_space(tmp_path, wrong_code, "b")], facts=facts)] == [
        "ZG301"
    ]


def test_select_ignore_and_settings(tmp_path, facts) -> None:
    source = APP.replace("@spaces.GPU(duration=30)", "@spaces.GPU(duration=70)")  # 105 s requested
    space = make_space(tmp_path, {"app.py": source, "requirements.txt": "gradio\nspaces\n"})
    codes = lambda **kw: sorted(f.code for f in check_paths([space], facts=facts, **kw))  # noqa: E731
    assert codes() == ["ZG103", "ZG104"]
    pyproject = space / "pyproject.toml"
    pyproject.write_text(
        pyproject.read_text().replace(f"duration-cap = {facts.duration_cap}", "duration-cap = 90")
    )
    assert codes() == ["ZG103", "ZG104", "ZG302"]
    assert codes(select=["ZG3"]) == ["ZG302"]
    assert codes(ignore=["ZG10"]) == ["ZG302"]
    assert codes(select=["ZG1"], ignore=["ZG103"]) == ["ZG104"]
    pyproject.write_text(pyproject.read_text() + 'ignore = ["ZG104"]\n')
    assert codes() == ["ZG103", "ZG302"]
    pyproject.write_text(pyproject.read_text() + 'colour = "red"\n')
    assert "ZG900" in codes()


def test_formats_and_exit_codes(tmp_path, facts) -> None:
    space = make_space(tmp_path, {"requirements.txt": "spaces\n"})
    human = runner.invoke(app, ["check", str(space)])
    assert human.exit_code == 1
    assert "requirements.txt" in human.output and "ZG103" in human.output
    url = facts.data["project"]["docs_url"] + facts.data["project"]["rule_page"].format(
        code="ZG103"
    )
    assert url in human.output and "1 error" in human.output
    data = json.loads(runner.invoke(app, ["check", str(space), "--format", "json"]).output)
    assert [(d["code"], d["severity"], d["line"], d["url"]) for d in data] == [
        ("ZG103", "error", 1, url)
    ]
    sarif = json.loads(runner.invoke(app, ["check", str(space), "--format", "sarif"]).output)
    assert sarif["version"] == "2.1.0"
    (result,) = sarif["runs"][0]["results"]
    rules = sarif["runs"][0]["tool"]["driver"]["rules"]
    assert rules[result["ruleIndex"]]["id"] == "ZG103" == result["ruleId"]
    assert result["locations"][0]["physicalLocation"]["region"]["startLine"] == 1
    assert runner.invoke(app, ["check", str(space), "--fail-on", "never"]).exit_code == 0
    clean = make_space(tmp_path, name="clean")
    ok = runner.invoke(app, ["check", str(clean)])
    assert ok.exit_code == 0 and "No ZeroGPU rule violations" in ok.output


def test_usage_errors_exit_2(tmp_path) -> None:
    space = make_space(tmp_path)
    for args in (["--select", "ZG999"], ["--ignore", "E501"], ["--format", "xml"]):
        result = runner.invoke(app, ["check", str(space), *args])
        assert result.exit_code == 2, (args, result.output)
    missing = runner.invoke(app, ["check", str(tmp_path / "nowhere")])
    assert missing.exit_code == 2 and "no such file or folder" in missing.output


def test_single_files(tmp_path, facts) -> None:
    space = make_space(
        tmp_path,
        {
            "requirements.txt": "spaces\n",
            "app.py": APP.replace("@spaces.GPU(duration=30)", "@spaces.GPU"),
        },
    )
    assert [f.code for f in check_paths([space / "requirements.txt"], facts=facts)] == ["ZG103"]
    assert [f.code for f in check_paths([space / "app.py"], facts=facts)] == ["ZG301"]
    assert check_paths([space / "README.md"], facts=facts) == []


def test_comma_separated_codes_and_fix_changes_beside_machine_output(tmp_path, facts) -> None:
    space = make_space(tmp_path, broken(facts))
    listed = runner.invoke(
        app, ["check", str(space), "--select", "ZG103,ZG104", "--format", "json"]
    )
    assert {f["code"] for f in json.loads(listed.stdout)} == {"ZG103", "ZG104"}
    fixed = runner.invoke(app, ["check", str(space), "--fix", "--format", "json"])
    assert json.loads(fixed.stdout) == []  # stdout stays one JSON document
    assert "fixed " in fixed.stderr and "ZG103" in fixed.stderr


def test_unquoted_python_version_is_named_as_yaml_number(tmp_path, facts) -> None:
    version = next(v for v in facts.supported_python if str(float(v)) != v)
    cp = "cp" + version.replace(".", "")
    files = good_files(facts)
    readme = "\n".join(
        f"python_version: {version}" if line.startswith("python_version") else line
        for line in files["README.md"].splitlines()
    )
    wheel = f"xformers @ https://example.org/xformers-1.0-{cp}-abi3-linux_x86_64.whl\n"
    space = make_space(
        tmp_path,
        {"README.md": readme + "\n", "requirements.txt": files["requirements.txt"] + wheel},
    )
    found = check_paths([space], facts=facts)
    assert [f.code for f in found] == ["ZG102"], found
    assert f'quote it, python_version: "{version}"' in found[0].message


def test_fix_moves_import_spaces_above_torch(tmp_path, facts) -> None:
    late = APP.replace("import spaces\nimport torch\n", "import torch\nimport spaces\n")
    assert late != APP
    space = make_space(tmp_path, {"app.py": late})
    assert [f.code for f in check_paths([space], facts=facts)] == ["ZG210"]
    result = fix_paths([space], facts=facts)
    assert result.findings == []
    assert [change.rsplit("(", 1)[-1] for change in result.changes] == ["ZG210)"]
    text = (space / "app.py").read_text()
    assert text.index("import spaces\n") < text.index("import torch\n")
    assert text.count("import spaces\n") == 1
