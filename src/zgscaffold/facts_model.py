"""The typed shape of facts/zerogpu.yml, checked key by key when the file is loaded.

copier.yml reads the same file as raw YAML; `parse` only checks it and gives the
CLI and checker typed values, so a misspelled or missing key fails at load with
one line naming it instead of as a KeyError deep in a render.
"""

import dataclasses
import types
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar, Union, get_args, get_origin, get_type_hints

from zgscaffold.errors import BadInput

if TYPE_CHECKING:
    from _typeshed import DataclassInstance

SCHEMA = 1


@dataclass(frozen=True)
class Gpu:
    model: str
    duration_factor: float
    xlarge_threshold_bytes: int


@dataclass(frozen=True)
class Size:
    factor: int
    wall_factor: float
    request_factor: float
    vram_gb: int
    slice: str


@dataclass(frozen=True)
class Hardware:
    flavor: str
    gpu: Gpu
    sizes: dict[str, Size]
    default_size: str


@dataclass(frozen=True)
class Duration:
    default_seconds: int
    cap_seconds: int
    cap_is_published: bool
    safety_margin: float
    floor_seconds: int


@dataclass(frozen=True)
class Benchmark:
    gpu: str
    to_large: float  # wall seconds on `large` per second measured on `gpu`


@dataclass(frozen=True)
class Python:
    supported: list[str]
    patch: dict[str, str]
    default: str
    runtime_default: str


@dataclass(frozen=True)
class Torch:
    supported: dict[str, dict[str, str | None]]  # release -> side-car -> its build


@dataclass(frozen=True)
class Gradio:
    sdk_version: str
    minimum_major: int


@dataclass(frozen=True)
class Frontmatter:
    colors: list[str]
    licenses: list[str]
    short_description_max: int
    title_max: int


@dataclass(frozen=True)
class Project:
    docs_url: str
    rule_page: str
    export_command: str


@dataclass(frozen=True)
class Hub:
    template_space: str
    template_repo: str
    new_from_template: str
    duplicate: str
    name_max: int


@dataclass(frozen=True)
class Ci:
    checkout: str
    setup_uv: str


@dataclass(frozen=True)
class TaskDuration:
    fixed: int
    dynamic: dict[str, float]  # the estimator's coefficients, by name
    driver: str


@dataclass(frozen=True)
class Sampling:
    steps: int
    guidance_scale: float


@dataclass(frozen=True)
class ModelPreset:
    """A larger model offered beside a task's default (the image_model question):
    what it needs that the default does not, and its own measured durations."""

    label: str
    dtype: str  # the torch dtype on CUDA, e.g. bfloat16
    duration: TaskDuration


@dataclass(frozen=True)
class Task:
    label: str
    model: str
    emoji: str
    dependencies: list[str]
    duration: TaskDuration
    tags: list[str]
    adapter: str | None = None
    limits: dict[str, int] | None = None
    sampling: dict[str, Sampling] | None = None  # model id -> its settings
    presets: dict[str, ModelPreset] | None = None  # model id -> a larger model's needs
    sidecars: list[str] | None = None
    python_min: str | None = None
    # The template has the aoti_compile answer for this task (a diffusers denoiser);
    # true: the question is offered (a measured speedup), false: not yet.
    aoti: bool | None = None


@dataclass(frozen=True)
class CudaPackage:
    dist: str
    # `import` is a keyword; the YAML key is mapped in `_KEY_ALIASES`
    import_name: str


@dataclass(frozen=True)
class RecordedFrom:
    url: str
    read_on: str


@dataclass(frozen=True)
class Cell:
    torch: str
    cuda: str
    python: str
    files: list[str] | None
    recorded_from: RecordedFrom | None = None


@dataclass(frozen=True)
class WheelSource:
    id: str
    kind: str
    url: str
    listing_recorded_on: str
    cells: dict[str, Cell]
    repo: str | None = None


@dataclass(frozen=True)
class RemovedArgument:
    call: str
    argument: str
    value: str | None = None


@dataclass(frozen=True)
class Checker:
    aoti_compile_seconds: int
    gradio_removed: dict[int, list[RemovedArgument]]  # Gradio major -> removed arguments


@dataclass(frozen=True)
class FactsModel:
    schema: int
    read_on: str
    hardware: Hardware
    duration: Duration
    benchmark: Benchmark
    python: Python
    torch: Torch
    gradio: Gradio
    spaces_package: str
    frontmatter: Frontmatter
    project: Project
    hub: Hub
    ci: Ci
    tasks: dict[str, Task]
    cuda_packages: dict[str, CudaPackage]
    wheel_sources: list[WheelSource]
    checker: Checker


_KEY_ALIASES = {"import": "import_name"}  # YAML key -> field name
_NAMES = {str: "a string", int: "an integer", float: "a number", bool: "true or false"}

T = TypeVar("T", bound="DataclassInstance")


def parse(data: object, path: Path) -> FactsModel:
    """The facts in `data` (the YAML as read), or ZgError naming the first bad key."""
    if not isinstance(data, dict):
        raise BadInput(f"{path}: holds no mapping of facts: restore it from git")
    if data.get("schema") != SCHEMA:
        raise BadInput(
            f"{path}: schema is {data.get('schema')!r}, this zgscaffold reads schema {SCHEMA}: "
            "use the facts file of this release"
        )
    return _build(FactsModel, data, path, "")


def _build(cls: type[T], data: object, path: Path, where: str) -> T:
    """A dataclass `cls` from the mapping `data` at key path `where`."""
    if not isinstance(data, dict):
        raise BadInput(f"{path}: {where} is {_kind(data)}, not a mapping of keys")
    fields = {_KEY_ALIASES.get(name, name) for name in data}
    hints = get_type_hints(cls)
    for key in data:
        if _KEY_ALIASES.get(key, key) not in hints:
            raise BadInput(f"{path}: unknown key {_join(where, key)}")
    values: dict[str, Any] = {}
    for field in dataclasses.fields(cls):
        key = next((k for k, v in _KEY_ALIASES.items() if v == field.name), field.name)
        if field.name not in fields:
            if field.default is dataclasses.MISSING:
                raise BadInput(f"{path}: missing key {_join(where, key)}")
            continue
        values[field.name] = _value(hints[field.name], data[key], path, _join(where, key))
    return cls(**values)


def _value(hint: Any, value: object, path: Path, where: str) -> Any:
    """`value` checked against the type `hint` (dataclass, list, dict, union or scalar)."""
    origin, args = get_origin(hint), get_args(hint)
    if isinstance(hint, type) and dataclasses.is_dataclass(hint):
        return _build(hint, value, path, where)
    if origin in (Union, types.UnionType):
        if value is None and type(None) in args:
            return None
        (inner,) = [a for a in args if a is not type(None)]
        return _value(inner, value, path, where)
    if origin is list:
        if not isinstance(value, list):
            raise BadInput(f"{path}: {where} is {_kind(value)}, not a list")
        return [_value(args[0], item, path, f"{where}[{i}]") for i, item in enumerate(value)]
    if origin is dict:
        if not isinstance(value, dict):
            raise BadInput(f"{path}: {where} is {_kind(value)}, not a mapping")
        key_type, item_type = args
        for key in value:
            if not isinstance(key, key_type):
                raise BadInput(f"{path}: key {_join(where, key)} is not {_NAMES[key_type]}")
        return {k: _value(item_type, v, path, _join(where, k)) for k, v in value.items()}
    if hint is float and isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    if isinstance(value, hint) and not (hint is int and isinstance(value, bool)):
        return value
    raise BadInput(f"{path}: {where} is {_kind(value)}, not {_NAMES[hint]}")


def _join(where: str, key: object) -> str:
    return f"{where}.{key}" if where else str(key)


def _kind(value: object) -> str:
    return "empty" if value is None else f"{value!r} ({type(value).__name__})"
