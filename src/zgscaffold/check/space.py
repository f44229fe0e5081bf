"""Reading a Space: its README frontmatter, requirements, pyproject and the Python it runs.

Every file is read once and parsed once. A file that cannot be read or parsed
becomes a ZG900 finding instead of an exception.
"""

import ast
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from zgscaffold.check.model import Finding

MAX_BYTES = 2_000_000  # bigger files are not source a person wrote
SKIP_DIRS = {".git", ".venv", "venv", "node_modules", "__pycache__", ".mypy_cache", ".ruff_cache"}
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_KEY = re.compile(r"^([A-Za-z_][\w-]*)\s*:")


@dataclass
class TextFile:
    path: Path
    name: str  # shown in findings
    text: str

    @property
    def lines(self) -> list[str]:
        return self.text.splitlines()


@dataclass
class PyModule:
    file: TextFile
    tree: ast.Module
    module: str  # dotted name inside the Space ("app", "pkg.util")


@dataclass
class Frontmatter:
    data: dict[str, Any]
    key_lines: dict[str, int]  # top-level key -> line in README.md
    end_line: int  # line of the closing ---


@dataclass
class Space:
    root: Path | None
    readme: TextFile | None = None
    frontmatter: Frontmatter | None = None
    requirements: TextFile | None = None
    pyproject: TextFile | None = None
    pyproject_data: dict[str, Any] | None = None
    has_uv_lock: bool = False
    modules: list[PyModule] = field(default_factory=list)
    text_files: list[TextFile] = field(default_factory=list)
    problems: list[Finding] = field(default_factory=list)


def display(path: Path, base: Path | None) -> str:
    if base is not None:
        try:
            return path.relative_to(base).as_posix()
        except ValueError:
            pass
    return str(path)


def read_text(
    path: Path, name: str, problems: list[Finding], report: bool = True
) -> TextFile | None:
    """The file as text, or None with a ZG900 finding naming why it was not checked."""
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            reason = (
                f"is {size // 1_000_000} MB, over the checker's {MAX_BYTES // 1_000_000} MB limit"
            )
        else:
            data = path.read_bytes()
            if b"\0" in data[:8192]:
                reason = "is binary"
            else:
                return TextFile(path, name, data.decode("utf-8"))
    except UnicodeDecodeError:
        reason = "is not UTF-8 text"
    except OSError as error:
        reason = f"cannot be read ({error.strerror or error})"
    if report:
        problems.append(Finding("ZG900", name, 1, 1, f"{name} {reason}: fix or remove it"))
    return None


def parse_frontmatter(readme: TextFile, problems: list[Finding]) -> Frontmatter | None:
    lines = readme.text.splitlines()
    if not lines or lines[0].strip() != "---":
        return Frontmatter({}, {}, 0)
    for end in range(1, len(lines)):
        if lines[end].strip() == "---":
            break
    else:
        problems.append(
            Finding("ZG900", readme.name, 1, 1, "README.md frontmatter has no closing `---` line")
        )
        return None
    body = "\n".join(lines[1:end])
    try:
        data = yaml.load(body, Loader=_LOADER)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = mark.line + 2 if mark is not None else 1
        problems.append(
            Finding(
                "ZG900", readme.name, line, 1, "README.md frontmatter is not valid YAML: fix it"
            )
        )
        return None
    if data is None:
        data = {}
    if not isinstance(data, dict):
        problems.append(
            Finding("ZG900", readme.name, 2, 1, "README.md frontmatter is not a YAML mapping")
        )
        return None
    key_lines: dict[str, int] = {}
    for number, line in enumerate(lines[1:end], start=2):
        match = _KEY.match(line)
        if match:
            key_lines.setdefault(match.group(1), number)
    return Frontmatter({str(k): v for k, v in data.items()}, key_lines, end + 1)


def parse_python(file: TextFile, module: str, problems: list[Finding]) -> PyModule | None:
    try:
        tree = ast.parse(file.text, filename=file.name)
    except SyntaxError as error:
        line = error.lineno or 1
        problems.append(
            Finding(
                "ZG900",
                file.name,
                line,
                (error.offset or 1),
                f"{file.name} is not valid Python ({error.msg}): fix the syntax",
            )
        )
        return None
    except (ValueError, RecursionError, MemoryError) as error:
        problems.append(Finding("ZG900", file.name, 1, 1, f"{file.name} cannot be parsed: {error}"))
        return None
    return PyModule(file, tree, module)


def _imported_names(tree: ast.Module, module: str) -> list[str]:
    """Dotted module names a module imports (absolute, relative ones resolved)."""
    package = module.rsplit(".", 1)[0] if "." in module else ""
    names: list[str] = []
    for node in _statements(tree.body):
        if isinstance(node, ast.Import):
            names.extend(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".") if package else []
                keep = len(parts) - (node.level - 1)
                if keep < 0:
                    continue
                base = ".".join([*parts[:keep], *([base] if base else [])])
            if base:
                names.append(base)
            names.extend(f"{base}.{alias.name}" if base else alias.name for alias in node.names)
    return names


def _statements(body: list[ast.stmt]):
    """Every statement, nested blocks included, without walking expressions."""
    stack = list(body)
    while stack:
        node = stack.pop()
        yield node
        for name in ("body", "orelse", "finalbody", "handlers", "cases"):
            value = getattr(node, name, None)
            if isinstance(value, list):
                stack.extend(item for item in value if isinstance(item, ast.AST))


def _module_file(root: Path, dotted: str) -> tuple[Path, str] | None:
    parts = dotted.split(".")
    candidate = root.joinpath(*parts)
    for path in (candidate.with_suffix(".py"), candidate / "__init__.py"):
        if path.is_file():
            return path, dotted
    return None


def read_space(root: Path, problems_base: Path | None = None) -> Space:
    """Read the Space folder `root` and the Python modules its app imports."""
    base = problems_base or root
    space = Space(root)
    problems = space.problems
    readme = root / "README.md"
    if readme.is_file():
        space.readme = read_text(readme, display(readme, base), problems)
        if space.readme is not None:
            space.frontmatter = parse_frontmatter(space.readme, problems)
    requirements = root / "requirements.txt"
    if requirements.is_file():
        space.requirements = read_text(requirements, display(requirements, base), problems)
    pyproject = root / "pyproject.toml"
    if pyproject.is_file():
        space.pyproject = read_text(pyproject, display(pyproject, base), problems)
        if space.pyproject is not None:
            space.pyproject_data = parse_toml(space.pyproject, problems)
    space.has_uv_lock = (root / "uv.lock").is_file()

    app_file = "app.py"
    if space.frontmatter and isinstance(space.frontmatter.data.get("app_file"), str):
        app_file = space.frontmatter.data["app_file"]
    entry = root / app_file
    # Without an app file, every top-level module is an entry point.
    starts = [entry] if entry.suffix == ".py" and entry.is_file() else sorted(root.glob("*.py"))
    seen: set[Path] = set()
    queue = [
        (path, path.relative_to(root).with_suffix("").as_posix().replace("/", "."))
        for path in starts
    ]
    while queue:
        path, dotted = queue.pop(0)
        key = path
        if key in seen:
            continue
        seen.add(key)
        file = read_text(path, display(path, base), problems)
        if file is None:
            continue
        space.text_files.append(file)
        parsed = parse_python(file, dotted, problems)
        if parsed is None:
            continue
        space.modules.append(parsed)
        for name in _imported_names(parsed.tree, dotted):
            found = _module_file(root, name)
            if found is not None:
                queue.append(found)

    for name in (space.readme, space.requirements, space.pyproject):
        if name is not None:
            space.text_files.append(name)
    known = {file.path for file in space.text_files}
    for path in _walk(root):
        if path in known:
            continue
        file = read_text(path, display(path, base), problems, report=False)
        if file is not None:
            space.text_files.append(file)
    return space


def _walk(root: Path):
    stack = [root]
    while stack:
        folder = stack.pop()
        try:
            entries = sorted(folder.iterdir())
        except OSError:
            continue
        for entry in entries:
            if entry.is_symlink():
                continue
            if entry.is_dir():
                if entry.name not in SKIP_DIRS:
                    stack.append(entry)
            elif entry.is_file():
                yield entry


def parse_toml(file: TextFile, problems: list[Finding]) -> dict[str, Any] | None:
    try:
        return tomllib.loads(file.text)
    except tomllib.TOMLDecodeError as error:
        line = getattr(error, "lineno", None) or 1
        problems.append(
            Finding("ZG900", file.name, line, 1, f"{file.name} is not valid TOML ({error}): fix it")
        )
        return None


def read_file(path: Path) -> Space:
    """A single file given on the command line, checked with the rules its kind allows."""
    space = Space(None)
    problems = space.problems
    name = str(path)
    file = read_text(path, name, problems)
    if file is None:
        return space
    space.text_files.append(file)
    if path.name == "README.md":
        space.readme = file
        space.frontmatter = parse_frontmatter(file, problems)
    elif path.name.endswith(".txt") and "requirements" in path.name:
        space.requirements = file
    elif path.name == "pyproject.toml":
        space.pyproject = file
        space.pyproject_data = parse_toml(file, problems)
    elif path.suffix == ".py":
        parsed = parse_python(file, path.stem, problems)
        if parsed is not None:
            space.modules.append(parsed)
    return space
