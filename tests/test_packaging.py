"""The package is installable as a tool: metadata, license, a version from git tags, a release
workflow that publishes a tag with trusted publishing."""

import email
import subprocess
import tomllib
import zipfile
from pathlib import Path

import pytest
import yaml
from conftest import REPO

from zgscaffold import lock

PROJECT = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]


def test_urls_are_the_facts_repository_and_docs(facts):
    repo = facts.data["hub"]["template_repo"].removesuffix(".git")
    urls = PROJECT["urls"]
    assert urls["Repository"] == urls["Homepage"] == repo
    assert urls["Issues"] == f"{repo}/issues"
    assert urls["Changelog"].startswith(f"{repo}/blob/")
    assert urls["Documentation"] == facts.data["project"]["docs_url"]


def test_license_file_is_apache_2():
    assert PROJECT["license"] == "Apache-2.0"
    text = (REPO / "LICENSE").read_text()
    assert "Apache License" in text and "Version 2.0, January 2004" in text
    assert "END OF TERMS AND CONDITIONS" in text


def test_release_workflow_publishes_tags_with_trusted_publishing():
    workflow = yaml.safe_load((REPO / ".github" / "workflows" / "release.yml").read_text())
    assert workflow[True]["push"]["tags"] == ["v*"]  # YAML reads the key `on` as True
    publish = workflow["jobs"]["publish"]
    assert publish["permissions"] == {"id-token": "write"}
    steps = [step.get("uses", "") for step in publish["steps"]]
    assert any(use.startswith("pypa/gh-action-pypi-publish@") for use in steps)
    assert not any("password" in (step.get("with") or {}) for step in publish["steps"])
    build = workflow["jobs"]["build"]["steps"]
    assert build[0]["with"]["fetch-depth"] == 0  # the tag must be there for hatch-vcs


def _wheel_metadata(clone: Path, out: Path) -> email.message.Message:
    subprocess.run(
        [lock.uv_binary(), "build", "--wheel", "--out-dir", str(out), str(clone)],
        check=True,
        capture_output=True,
    )
    (wheel,) = out.glob("*.whl")
    with zipfile.ZipFile(wheel) as archive:
        (name,) = [n for n in archive.namelist() if n.endswith(".dist-info/METADATA")]
        return email.message_from_bytes(archive.read(name))


@pytest.mark.lock
def test_version_comes_from_the_tag_and_untagged_builds_are_dev(tmp_path):
    """Needs hatch-vcs from the package registry (the build backend's requirement)."""
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "-q", str(REPO), str(clone)], check=True)
    untagged = _wheel_metadata(clone, tmp_path / "dev")
    assert ".dev" in untagged["Version"] and "+g" in untagged["Version"]
    subprocess.run(["git", "-C", str(clone), "tag", "v9.8.7"], check=True)
    tagged = _wheel_metadata(clone, tmp_path / "release")
    assert tagged["Version"] == "9.8.7"
    assert tagged["License-Expression"] == "Apache-2.0"
    assert "LICENSE" in (tagged.get_all("License-File") or [])
    assert any("Homepage" in url for url in tagged.get_all("Project-URL"))
    assert "Programming Language :: Python :: 3.12" in tagged.get_all("Classifier")
