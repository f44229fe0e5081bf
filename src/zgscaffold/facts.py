"""Read the platform facts file (facts/zerogpu.yml), the one source of versions and limits."""

import math
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any, cast

import yaml

from zgscaffold.errors import ZgError
from zgscaffold.facts_model import FactsModel, parse
from zgscaffold.paths import facts_file


@dataclass(frozen=True)
class Facts:
    """The parsed facts file, with the look-ups the CLI and checker need.

    `data` is the YAML as read (what copier.yml sees); `model` the same facts typed,
    checked key by key when `load_facts` reads the file.
    """

    data: dict[str, Any]
    path: Path

    @cached_property
    def model(self) -> FactsModel:
        return parse(self.data, self.path)

    @cached_property
    def supported_python(self) -> list[str]:
        return list(self.data["python"]["supported"])

    @cached_property
    def supported_torch(self) -> list[str]:
        return list(self.data["torch"]["supported"])

    @property
    def sidecars(self) -> dict[str, dict[str, str | None]]:
        return self.model.torch.supported

    @property
    def sdk_version(self) -> str:
        return self.model.gradio.sdk_version

    # The raw mappings below are what the model checked; callers index them by key.
    @property
    def tasks(self) -> dict[str, dict[str, Any]]:
        return cast(dict[str, dict[str, Any]], self.data["tasks"])

    @property
    def cuda_packages(self) -> dict[str, dict[str, str]]:
        return cast(dict[str, dict[str, str]], self.data["cuda_packages"])

    @property
    def wheel_sources(self) -> list[dict[str, Any]]:
        return cast(list[dict[str, Any]], self.data["wheel_sources"])

    @property
    def duration_cap(self) -> int:
        return self.model.duration.cap_seconds

    def size_factor(self, size: str) -> int:
        return self.model.hardware.sizes[size].factor

    def request_factor(self, size: str) -> float:
        """Requested seconds per declared second on `size` (the cap and quota see this)."""
        return self.model.hardware.sizes[size].request_factor

    def wall_factor(self, size: str) -> float:
        """Seconds of wall time a call on `size` is given per declared second."""
        return self.model.hardware.sizes[size].wall_factor

    def max_declared(self, size: str, cap: int | None = None) -> int:
        """The most seconds a handler on `size` may declare: requested stays within the cap."""
        return math.floor((self.duration_cap if cap is None else cap) / self.request_factor(size))

    def describe_duration(self, task: str, size: str) -> str:
        """One line for `zgscaffold tasks`: declared, wall and requested seconds on `size`."""
        duration = self.tasks[task]["duration"]
        fixed = int(duration["fixed"])
        wall, requested = fixed * self.wall_factor(size), fixed * self.request_factor(size)
        return (
            f"fixed {fixed} s declared ({wall:g} s of wall time, {requested:g} s requested on "
            f"{size}; at most {self.max_declared(size)} s declared); "
            f"dynamic by {duration['driver']}"
        )


def load_facts(path: Path | None = None) -> Facts:
    path = path or facts_file()
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as error:
        raise ZgError(f"cannot read the facts file {path}: {error}") from error
    facts = Facts(data=data, path=path)
    _ = facts.model  # checked now: a misspelled or missing key fails here, naming it
    return facts
