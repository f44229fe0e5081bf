"""ZG1xx: README frontmatter, requirements.txt and pyproject.toml."""

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING

from packaging.utils import canonicalize_name
from packaging.version import InvalidVersion, Version

from zgscaffold.check.model import FACTS, INFO, E, Edit, Finding, Fix, Rule, W
from zgscaffold.check.requirements import (
    Req,
    parse_requirements,
    pyproject_requirements,
)
from zgscaffold.check.space import Space
from zgscaffold.facts import Facts
from zgscaffold.wheels import parse_cell

if TYPE_CHECKING:
    from zgscaffold.check.rules.base import Project

FAMILY = "configuration and dependencies"
RULES = (
    Rule("ZG101", E, "README frontmatter pins `python_version`"),
    Rule("ZG102", E, "`python_version` is one ZeroGPU supports", needs=(FACTS,)),
    Rule("ZG103", E, "`spaces` is not listed in requirements.txt"),
    Rule("ZG104", W, "`gradio` is not in requirements.txt; `sdk_version` owns it"),
    Rule("ZG105", E, "`sdk: gradio` (other SDKs cannot use ZeroGPU)"),
    Rule("ZG106", E, "a `torch` pin is in the supported set", needs=(FACTS,)),
    Rule("ZG107", E, "no sdist-only CUDA extension is listed by bare name", needs=(FACTS,)),
    Rule("ZG108", E, "a direct-URL wheel's cpXY tag matches `python_version`"),
    Rule("ZG109", E, "a direct-URL wheel's torchX.Y tag matches an explicit `torch==` pin"),
    Rule(
        "ZG110",
        W,
        "torchvision/torchaudio/torchcodec are pinned to torch's release",
        needs=(FACTS,),
    ),
    Rule("ZG111", W, "a uv-managed Space declares `spaces` in pyproject.toml"),
    Rule("ZG112", W, "`sdk_version` is set"),
    Rule("ZG113", INFO, "`huggingface_hub` is not listed in requirements.txt without reason"),
)

SIDECARS = ("torchvision", "torchaudio", "torchcodec")
_CP_TAG = re.compile(r"^cp(\d)(\d+)$")
_TORCH_TAG = re.compile(r"torch(\d+)\.(\d+)")
_PY_VERSION = re.compile(r"^(\d+)\.(\d+)(?:\.\d+)?$")
_PIN_PYTHON = re.compile(r"^==\s*(\d+\.\d+)(?:\.\*)?$")


def _minor(version: object) -> str | None:
    match = _PY_VERSION.match(str(version).strip())
    return f"{match.group(1)}.{match.group(2)}" if match else None


def _torch_minor(version: str) -> str:
    return ".".join(version.split("+", 1)[0].split(".")[:2])


def _line_of(text: str, needle: str) -> int:
    for number, line in enumerate(text.splitlines(), start=1):
        if needle in line:
            return number
    return 1


class ConfigRules:
    def __init__(self, space: Space, facts: Facts) -> None:
        self.space = space
        self.facts = facts
        self.requirements = (
            parse_requirements(space.requirements.text) if space.requirements else []
        )
        self.by_name = {req.name: req for req in self.requirements}

    def run(self) -> Iterator[Finding]:
        yield from self.frontmatter()
        yield from self.requirement_rules()
        yield from self.pyproject_rules()

    # --- README.md -------------------------------------------------------------
    def _python_text(self) -> str | None:
        """`python_version` as written: YAML reads an unquoted 3.10 as the number 3.1."""
        front, readme = self.space.frontmatter, self.space.readme
        if front is None or "python_version" not in front.data:
            return None
        value = front.data["python_version"]
        if isinstance(value, float) and readme is not None:
            line = front.key_lines.get("python_version")
            if line and line <= len(readme.lines):
                raw = readme.lines[line - 1].partition(":")[2].partition("#")[0].strip()
                if re.fullmatch(r"\d+\.\d+(\.\d+)?", raw):
                    return raw
        return None

    def python_version(self) -> str | None:
        front = self.space.frontmatter
        if front is None:
            return None
        return _minor(self._python_text() or front.data.get("python_version"))

    def frontmatter(self) -> Iterator[Finding]:
        front, readme = self.space.frontmatter, self.space.readme
        if front is None or readme is None:
            return
        name = readme.name
        supported = self.facts.supported_python
        if not front.data:
            yield Finding(
                "ZG105",
                name,
                1,
                1,
                "README.md has no frontmatter: add one with `sdk: gradio` to run on ZeroGPU",
            )
            return
        sdk = front.data.get("sdk")
        if sdk != "gradio":
            line = front.key_lines.get("sdk", 1)
            yield Finding(
                "ZG105",
                name,
                line,
                1,
                f"`sdk: {sdk}` cannot use ZeroGPU: set `sdk: gradio`"
                if sdk
                else "frontmatter has no `sdk`: set `sdk: gradio`",
            )
        if "python_version" not in front.data:
            yield Finding(
                "ZG101",
                name,
                max(front.end_line, 1),
                1,
                f"frontmatter does not pin `python_version` (the runtime default is "
                f"{self.facts.data['python']['runtime_default']}): add `python_version:` with "
                f"one of {', '.join(supported)}",
                fix=self._python_fix(),
            )
        else:
            value = front.data["python_version"]
            minor = _minor(value)
            raw = self._python_text()
            if raw is not None and raw != str(value):
                yield Finding(
                    "ZG102",
                    name,
                    front.key_lines.get("python_version", 1),
                    1,
                    f"python_version {raw} is read by YAML as the number {value}: quote it, "
                    f'python_version: "{raw}"',
                )
            elif minor not in supported:
                yield Finding(
                    "ZG102",
                    name,
                    front.key_lines.get("python_version", 1),
                    1,
                    f"python_version {value!r} is not supported on ZeroGPU: use one of "
                    + ", ".join(f'"{v}"' for v in supported),
                )
        if sdk == "gradio" and not front.data.get("sdk_version"):
            yield Finding(
                "ZG112",
                name,
                front.key_lines.get("sdk", max(front.end_line, 1)),
                1,
                f"frontmatter has no `sdk_version`: add `sdk_version: "
                f'"{self.facts.sdk_version}"` so the Gradio release is fixed',
            )

    def _python_fix(self) -> Fix | None:
        """Pin the release the Space runs on today (no behavior change)."""
        front = self.space.frontmatter
        if front is None or front.end_line < 2:
            return None
        version = self.facts.data["python"]["runtime_default"]
        requires = ((self.space.pyproject_data or {}).get("project") or {}).get("requires-python")
        if isinstance(requires, str):
            match = _PIN_PYTHON.match(requires.strip())
            if match and match.group(1) in self.facts.supported_python:
                version = match.group(1)
        return Fix(
            f'pinned python_version: "{version}" in README.md',
            (Edit(front.end_line, front.end_line - 1, f'python_version: "{version}"\n'),),
        )

    # --- requirements.txt ------------------------------------------------------
    def _drop(self, req: Req, what: str) -> Fix:
        return Fix(f"removed {what} from requirements.txt", (Edit(req.line, req.end, ""),))

    def requirement_rules(self) -> Iterator[Finding]:
        file = self.space.requirements
        if file is None:
            return
        name = file.name
        by_name = self.by_name
        if "spaces" in by_name:
            req = by_name["spaces"]
            yield Finding(
                "ZG103",
                name,
                req.line,
                1,
                "`spaces` is installed by the platform: remove it from requirements.txt "
                "(keep it in pyproject.toml)",
                fix=self._drop(req, "spaces"),
            )
        if "gradio" in by_name:
            req = by_name["gradio"]
            yield Finding(
                "ZG104",
                name,
                req.line,
                1,
                "`gradio` comes from README's `sdk_version`: remove it from requirements.txt",
                fix=self._drop(req, "gradio"),
            )
        hub = by_name.get("huggingface-hub")
        if hub is not None and not hub.annotated and not hub.comment:
            yield Finding(
                "ZG113",
                name,
                hub.line,
                1,
                "`huggingface_hub` is installed with gradio: remove it, or say why on the line",
            )
        yield from self._torch_pins(self.requirements, name)
        cuda_names = {canonicalize_name(n) for n in self.facts.cuda_packages}
        for req in self.requirements:
            # xformers publishes wheels on PyPI; the others in facts' cuda_packages do not.
            if req.name in cuda_names and req.url is None and req.name != "xformers":
                yield Finding(
                    "ZG107",
                    name,
                    req.line,
                    1,
                    f"`{req.name}` ships only an sdist that cannot build on ZeroGPU: use a "
                    f"prebuilt wheel URL (`zgscaffold wheels`) or the `kernels` package",
                )
        yield from self._wheel_tags(name)
        yield from self._sidecars(name)

    def _torch_pins(self, reqs: list[Req], name: str) -> Iterator[Finding]:
        supported = self.facts.supported_torch
        for req in reqs:
            if req.name != "torch" or req.requirement is None:
                continue
            spec = req.requirement.specifier
            if not str(spec):
                continue
            if not any(spec.contains(v, prereleases=True) for v in supported):
                yield Finding(
                    "ZG106",
                    name,
                    req.line,
                    1,
                    f"torch{spec} allows no ZeroGPU-supported release: pin torch== one of "
                    + ", ".join(supported),
                )

    def _wheel_torch(self, req: Req) -> str | None:
        wheel = req.wheel
        if wheel is None or req.url is None:
            return None
        for source in self.facts.wheel_sources:
            template = str(source.get("url", ""))
            if "{file}" not in template:
                continue
            pattern = re.escape(template).replace(r"\{cell\}", "(?P<cell>[^/]+)")
            pattern = pattern.replace(r"\{file\}", "[^/]+")
            match = re.fullmatch(pattern, req.url.split("#", 1)[0])
            if match:
                cell = (source.get("cells") or {}).get(match.groupdict().get("cell"))
                if isinstance(cell, dict) and cell.get("torch"):
                    return str(cell["torch"])
        tag = _TORCH_TAG.search(wheel)
        if tag:
            return f"{tag.group(1)}.{tag.group(2)}"
        # A mirror or an unrecorded source laid out in cells: .../pt211-cu130-cp312/<file>
        for segment in reversed(req.url.split("#", 1)[0].split("?", 1)[0].split("/")[:-1]):
            cell = parse_cell(segment)
            if cell:
                return cell["torch"]
        return None

    def _wheel_tags(self, name: str) -> Iterator[Finding]:
        front = self.space.frontmatter
        python = self.python_version()
        if python is None and front is not None and "python_version" not in front.data:
            python = self.facts.data["python"]["runtime_default"]
        torch = self.by_name.get("torch")
        torch_pin = torch.pinned if torch else None
        for req in self.requirements:
            wheel = req.wheel
            if wheel is None:
                continue
            parts = wheel[:-4].split("-")
            if len(parts) >= 5 and python is not None:
                py_tags, abi = parts[-3].split("."), parts[-2]
                major, minor = (int(p) for p in python.split("."))
                ok = False
                for tag in py_tags:
                    match = _CP_TAG.match(tag)
                    if not match:
                        ok = ok or tag.startswith("py")
                        continue
                    tag_version = (int(match.group(1)), int(match.group(2)))
                    if tag_version == (major, minor) or (
                        abi == "abi3" and tag_version <= (major, minor)
                    ):
                        ok = True
                if not ok:
                    yield Finding(
                        "ZG108",
                        name,
                        req.line,
                        1,
                        f"wheel {wheel} is built for {parts[-3]}, not Python {python}: use the "
                        f"cp{major}{minor} build (`zgscaffold wheels`) or change python_version",
                    )
            built_for = self._wheel_torch(req)
            if built_for is None:
                continue
            if torch_pin is None:
                yield Finding(
                    "ZG109",
                    name,
                    req.line,
                    1,
                    f"wheel {wheel} is built for torch {built_for}: pin `torch=={built_for}.*` "
                    f"explicitly (a supported release) in requirements.txt",
                )
            elif _torch_minor(torch_pin) != built_for:
                yield Finding(
                    "ZG109",
                    name,
                    req.line,
                    1,
                    f"wheel {wheel} is built for torch {built_for}, but torch=={torch_pin} is "
                    f"pinned: use the wheel built for torch {_torch_minor(torch_pin)}",
                )

    def _sidecars(self, name: str) -> Iterator[Finding]:
        torch = self.by_name.get("torch")
        pin = torch.pinned if torch else None
        if pin is None:
            return
        expected = self.facts.sidecars.get(pin.split("+", 1)[0]) or {}
        for sidecar in SIDECARS:
            req = self.by_name.get(sidecar)
            if req is None or req.url is not None:
                continue
            want = expected.get(sidecar)
            have = req.pinned
            if sidecar in expected and want is None:  # the facts say no release exists
                yield Finding(
                    "ZG110",
                    name,
                    req.line,
                    1,
                    f"torch=={pin} is pinned, and no {sidecar} release is built for it: "
                    f"drop {sidecar} or pin a torch release that has one",
                )
                continue
            if have is None or (want is not None and have.split("+", 1)[0] != want):
                release = f"=={want}" if want else f" to the release built for torch {pin}"
                yield Finding(
                    "ZG110",
                    name,
                    req.line,
                    1,
                    f"torch=={pin} is pinned: pin {sidecar}{release}",
                )

    # --- pyproject.toml --------------------------------------------------------
    def pyproject_rules(self) -> Iterator[Finding]:
        file, data = self.space.pyproject, self.space.pyproject_data
        if file is None or data is None:
            return
        project = data.get("project")
        if not isinstance(project, dict):
            return
        deps = project.get("dependencies") or []
        if not isinstance(deps, list):
            return
        reqs = pyproject_requirements(file.text, deps)
        names = {req.name: req for req in reqs}
        uv_managed = self.space.has_uv_lock or "uv" in (data.get("tool") or {})
        if uv_managed and "spaces" not in names:
            yield Finding(
                "ZG111",
                file.name,
                _line_of(file.text, "dependencies"),
                1,
                "add `spaces` to [project] dependencies so uv co-resolves it (the export "
                "leaves it out of requirements.txt)",
            )
        gradio = names.get("gradio")
        front = self.space.frontmatter
        sdk_version = front.data.get("sdk_version") if front else None
        if gradio is not None and gradio.requirement is not None and sdk_version:
            try:
                equal = gradio.pinned is not None and Version(gradio.pinned) == Version(
                    str(sdk_version)
                )
            except InvalidVersion:
                equal = False
            if not equal:
                yield Finding(
                    "ZG104",
                    file.name,
                    gradio.line,
                    1,
                    f"pyproject's gradio{gradio.requirement.specifier} differs from README's "
                    f"sdk_version {sdk_version}: pin `gradio=={sdk_version}`",
                )
        yield from self._torch_pins(reqs, file.name)


def check(project: "Project") -> Iterator[Finding]:
    yield from ConfigRules(project.space, project.facts).run()
