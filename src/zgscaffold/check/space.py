"""Reading a Space: its README frontmatter, requirements, pyproject and the Python it runs.

Every file is read once and parsed once. A file that cannot be read or parsed
becomes a ZG900 finding instead of an exception.
"""

import ast
import os
import re
import stat
import tomllib
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

import yaml

from zgscaffold.check.model import Finding

MAX_BYTES = 2_000_000  # bigger files are not source a person wrote
MAX_FILES = 5_000  # files scanned for conflict markers in one Space
MAX_DEPTH = 32  # folder levels scanned below the Space
PATH_MAX, NAME_MAX = 4096, 255  # what Linux allows a path and one name in it
SKIP_DIRS = {".git", ".venv", "venv", "node_modules", "__pycache__", ".mypy_cache", ".ruff_cache"}
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_KEY = re.compile(r"^([A-Za-z_][\w-]*)\s*:")


@dataclass
class TextFile:
    path: Path
    name: str  # shown in findings
    text: str

    @cached_property
    def lines(self) -> list[str]:
        return self.text.splitlines()

    def char_column(self, line: int, column: int) -> int:
        """The 1-based character column of a 1-based UTF-8 byte column on `line`."""
        lines = self.lines
        if not 1 <= line <= len(lines) or lines[line - 1].isascii():
            return column
        data = lines[line - 1].encode("utf-8", "surrogatepass")
        return len(data[: column - 1].decode("utf-8", "ignore")) + 1


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
    """The file as text, or None with a ZG900 finding naming why it was not checked.

    Only regular files are read (a pipe would block, /dev/zero never ends), and
    the size limit is applied before reading: at most MAX_BYTES + 1 bytes are read.
    """
    data, reason = _read_regular(path)
    if data is not None:
        if b"\0" in data[:8192]:
            reason = "is binary"
        else:
            try:
                # utf-8-sig: a byte order mark is not part of the text (huggingface_hub reads so)
                return TextFile(path, name, data.decode("utf-8-sig"))
            except UnicodeDecodeError as error:
                reason = f"is not UTF-8 text (byte {error.start + 1})"
    if report:
        problems.append(Finding("ZG900", name, 1, 1, f"{name} {reason}: fix or remove it"))
    return None


def _read_regular(path: Path) -> tuple[bytes | None, str]:
    limit = f"over the checker's {MAX_BYTES // 1_000_000} MB limit"
    try:
        info = os.stat(path)
        if not stat.S_ISREG(info.st_mode):
            return None, _not_regular(info.st_mode)
        if info.st_size > MAX_BYTES:
            return None, f"is {info.st_size // 1_000_000} MB, {limit}"
        # O_NONBLOCK: a pipe swapped in after the stat cannot block the open
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOCTTY", 0))
        try:
            if not stat.S_ISREG(os.fstat(fd).st_mode):
                return None, _not_regular(os.fstat(fd).st_mode)
            chunks, left = [], MAX_BYTES + 1
            while left > 0:
                chunk = os.read(fd, min(left, 1 << 20))
                if not chunk:
                    break
                chunks.append(chunk)
                left -= len(chunk)
        finally:
            os.close(fd)
    except OSError as error:
        return None, f"cannot be read ({error.strerror or error})"
    except ValueError as error:  # a NUL in the path
        return None, f"cannot be read ({error})"
    data = b"".join(chunks)
    if len(data) > MAX_BYTES:
        return None, f"is {limit}"
    return data, ""


def _not_regular(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "is a folder, not a file"
    kind = "a named pipe" if stat.S_ISFIFO(mode) else "a device or socket"
    return f"is {kind}, not a regular file"


def exists(path: Path) -> bool:
    """Whether something is at `path` (a link counts); False for names the OS refuses."""
    try:
        return os.path.lexists(path)
    except (OSError, ValueError):
        return False


def is_dir(path: Path) -> bool:
    """Whether `path` is a folder (links followed); False for names the OS refuses."""
    try:
        return stat.S_ISDIR(os.stat(path).st_mode)
    except (OSError, ValueError):
        return False


# huggingface_hub's own pattern (repocard.REGEX_YAML_BLOCK): optional leading
# whitespace, `---`, the YAML, then a line that starts with `---`.
_FRONTMATTER = re.compile(
    r"^(\s*---(?:\r\n|\r|\n))([\S\s]*?)((?:\r\n|\r|\n)---[ \t]*(?:\r\n|\n|$))"
)
_OPENING = re.compile(r"^\s*---[ \t]*(?:\r\n|\r|\n|$)")


_NEWLINE = re.compile(r"\r\n|\r|\n")


def _first_alias(body: str) -> int | None:
    """The 1-based line (within `body`) of the first YAML alias, or None.

    Aliases are refused rather than expanded: nine nested aliases of nine items
    each (an "alias bomb") stand for 387 million values.
    """
    for event in yaml.parse(body, Loader=_LOADER):
        if isinstance(event, yaml.AliasEvent):
            # the C loader always sets a mark; a hand-built event may lack one
            return event.start_mark.line + 1 if event.start_mark is not None else 1
    return None


def parse_frontmatter(readme: TextFile, problems: list[Finding]) -> Frontmatter | None:
    """The README's YAML block, found as huggingface_hub finds it (leading blank lines
    allowed, a byte order mark dropped when reading)."""
    text = readme.text
    match = _FRONTMATTER.search(text)
    if match is None:
        if _OPENING.match(text):
            problems.append(
                Finding(
                    "ZG900",
                    readme.name,
                    1,
                    1,
                    "README.md frontmatter has no closing `---` line: end the YAML with `---`",
                )
            )
            return None
        return Frontmatter({}, {}, 0)
    offset = len(_NEWLINE.findall(match.group(1))) + 1  # README line of the YAML's first line
    body = match.group(2)
    try:
        alias_line = _first_alias(body)
        if alias_line is not None:
            problems.append(
                Finding(
                    "ZG900",
                    readme.name,
                    alias_line + offset - 1,
                    1,
                    "README.md frontmatter uses a YAML alias (`*name`): write the value out",
                )
            )
            return None
        data = yaml.load(body, Loader=_LOADER)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = mark.line + offset if mark is not None else 1
        problems.append(
            Finding(
                "ZG900", readme.name, line, 1, "README.md frontmatter is not valid YAML: fix it"
            )
        )
        return None
    except (ValueError, TypeError, OverflowError, RecursionError, MemoryError) as error:
        # e.g. a date YAML reads as a timestamp but the calendar refuses (2024-02-30)
        problems.append(
            Finding(
                "ZG900",
                readme.name,
                offset,
                1,
                f"README.md frontmatter has a value YAML cannot read ({error}): fix it",
            )
        )
        return None
    if data is None:
        data = {}
    if not isinstance(data, dict):
        problems.append(
            Finding("ZG900", readme.name, offset, 1, "README.md frontmatter is not a YAML mapping")
        )
        return None
    key_lines: dict[str, int] = {}
    for number, line in enumerate(body.splitlines(), start=offset):
        key = _KEY.match(line)
        if key:
            key_lines.setdefault(key.group(1), number)
    end_line = offset + len(_NEWLINE.findall(body)) + 1  # the closing ---
    return Frontmatter({str(k): v for k, v in data.items()}, key_lines, end_line)


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


def _statements(body: list[ast.stmt]) -> Iterator[ast.AST]:
    """Every statement, nested blocks included, without walking expressions (except
    handlers and match cases are yielded too, as the blocks that hold statements)."""
    stack: list[ast.AST] = list(body)
    while stack:
        node = stack.pop()
        yield node
        for name in ("body", "orelse", "finalbody", "handlers", "cases"):
            value = getattr(node, name, None)
            if isinstance(value, list):
                stack.extend(item for item in value if isinstance(item, ast.AST))


def _module_file(root: Path, dotted: str) -> tuple[Path, str] | None:
    parts = dotted.split(".")
    if not all(parts):
        return None
    candidate = root.joinpath(*parts)
    for path in (candidate.parent / f"{candidate.name}.py", candidate / "__init__.py"):
        # a pipe or device under a module's name is returned, so reading it reports it
        if exists(path) and not is_dir(path):
            return path, dotted
    return None


def _entry_file(
    root: Path, front: Frontmatter | None, problems: list[Finding], name: str
) -> Path | None:
    """The README's `app_file` inside the Space, or None (then every top-level module is
    an entry point); a path that leaves the Space or that the OS refuses is a finding."""
    value = front.data.get("app_file") if front else None
    if value is None:
        value = "app.py"
    line = front.key_lines.get("app_file", 1) if front else 1
    problem = None
    if not isinstance(value, str) or not value.strip():
        problem = f"app_file {value!r} is not a file name"
    else:
        relative = Path(value)
        if relative.is_absolute() or value.startswith(("/", "\\")) or ".." in relative.parts:
            problem = f"app_file {value!r} is not a path inside the Space"
        elif (
            "\0" in value
            or len(value.encode("utf-8", "surrogatepass")) > PATH_MAX
            or any(len(part.encode("utf-8", "surrogatepass")) > NAME_MAX for part in relative.parts)
        ):
            problem = f"app_file {_short(value)} is a path the file system cannot hold"
    if problem is not None:
        problems.append(
            Finding("ZG900", name, line, 1, f"{problem}: give the Space's app, e.g. app.py")
        )
        return None
    entry = root / value
    return entry if entry.suffix == ".py" and exists(entry) and not is_dir(entry) else None


def _short(value: str) -> str:
    return repr(value if len(value) <= 60 else value[:57] + "...")


def read_space(root: Path, problems_base: Path | None = None) -> Space:
    """Read the Space folder `root` and the Python modules its app imports."""
    base = problems_base or root
    space = Space(root)
    problems = space.problems
    readme = root / "README.md"
    if exists(readme):
        space.readme = read_text(readme, display(readme, base), problems)
        if space.readme is not None:
            space.frontmatter = parse_frontmatter(space.readme, problems)
    requirements = root / "requirements.txt"
    if exists(requirements):
        space.requirements = read_text(requirements, display(requirements, base), problems)
    pyproject = root / "pyproject.toml"
    if exists(pyproject):
        space.pyproject = read_text(pyproject, display(pyproject, base), problems)
        if space.pyproject is not None:
            space.pyproject_data = parse_toml(space.pyproject, problems)
    space.has_uv_lock = exists(root / "uv.lock")

    readme_name = space.readme.name if space.readme else "README.md"
    entry = _entry_file(root, space.frontmatter, problems, readme_name)
    # Without an app file, every top-level module is an entry point.
    starts = [entry] if entry is not None else _top_level_modules(root)
    seen: set[Path] = set()
    queue = deque(
        (path, path.relative_to(root).with_suffix("").as_posix().replace("/", "."))
        for path in starts
    )
    while queue:
        path, dotted = queue.popleft()
        if path in seen:
            continue
        seen.add(path)
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
            if found is not None and found[0] not in seen:
                queue.append(found)

    for text in (space.readme, space.requirements, space.pyproject):
        if text is not None:
            space.text_files.append(text)
    known = {file.path for file in space.text_files}
    for path in _walk(root):
        if path in known:
            continue
        file = read_text(path, display(path, base), problems, report=False)
        if file is not None:
            space.text_files.append(file)
    return space


def _top_level_modules(root: Path) -> list[Path]:
    try:
        with os.scandir(root) as entries:
            names = sorted(
                entry.name
                for entry in entries
                if entry.name.endswith(".py") and not entry.is_dir(follow_symlinks=True)
            )
    except OSError:
        return []
    return [root / name for name in names]


def has_space_files(root: Path) -> bool:
    """Whether the folder holds a README.md or a Python file: what makes it a Space."""
    return exists(root / "README.md") or bool(_top_level_modules(root))


def _walk(root: Path) -> Iterator[Path]:
    """Regular files under `root` (links not followed), bounded in depth and count so
    that a tree deeper than the path limit or a huge folder cannot stall the run."""
    stack = [(root, 0)]
    count = 0
    while stack:
        folder, depth = stack.pop()
        try:
            with os.scandir(folder) as it:
                entries = sorted(it, key=lambda entry: entry.name)
        except OSError:
            continue
        for entry in entries:
            try:
                if entry.is_dir(follow_symlinks=False):
                    if entry.name not in SKIP_DIRS and depth < MAX_DEPTH:
                        stack.append((Path(entry.path), depth + 1))
                elif entry.is_file(follow_symlinks=False):
                    count += 1
                    if count > MAX_FILES:
                        return
                    yield Path(entry.path)
            except OSError:
                continue


# The shapes of pyproject.toml the rules read; anything else is reported and dropped.
_TABLES = {
    ("project",): dict,
    ("project", "dependencies"): list,
    ("project", "optional-dependencies"): dict,
    ("project", "requires-python"): str,
    ("project", "name"): str,
    ("tool",): dict,
    ("tool", "uv"): dict,
    ("tool", "zgscaffold"): dict,
    ("dependency-groups",): dict,
}
_TYPE_NAMES = {dict: "a table", list: "an array", str: "a string"}


def parse_toml(file: TextFile, problems: list[Finding]) -> dict[str, Any] | None:
    """The TOML as a dict whose known keys have the shapes the rules expect."""
    try:
        data = tomllib.loads(file.text)
    except tomllib.TOMLDecodeError as error:
        line = getattr(error, "lineno", None) or 1
        problems.append(
            Finding("ZG900", file.name, line, 1, f"{file.name} is not valid TOML ({error}): fix it")
        )
        return None
    except (RecursionError, MemoryError):
        problems.append(
            Finding(
                "ZG900",
                file.name,
                1,
                1,
                f"{file.name} nests arrays or tables too deeply to read: flatten it",
            )
        )
        return None
    for keys, kind in _TABLES.items():
        parent: Any = data
        for key in keys[:-1]:
            parent = parent.get(key) if isinstance(parent, dict) else None
        if not isinstance(parent, dict) or keys[-1] not in parent:
            continue
        value = parent[keys[-1]]
        if not isinstance(value, kind):
            dotted = ".".join(keys)
            problems.append(
                Finding(
                    "ZG900",
                    file.name,
                    _line_of_key(file.text, keys[-1]),
                    1,
                    f"{file.name}: `{dotted}` must be {_TYPE_NAMES[kind]}, not "
                    f"{_toml_type(value)}: fix it (the checker ignores it)",
                )
            )
            del parent[keys[-1]]
    deps = (data.get("project") or {}).get("dependencies")
    if isinstance(deps, list) and not all(isinstance(dep, str) for dep in deps):
        problems.append(
            Finding(
                "ZG900",
                file.name,
                _line_of_key(file.text, "dependencies"),
                1,
                f"{file.name}: `project.dependencies` must hold only strings: fix it "
                f"(the checker ignores the others)",
            )
        )
        data["project"]["dependencies"] = [dep for dep in deps if isinstance(dep, str)]
    return data


def _toml_type(value: object) -> str:
    names = {bool: "a boolean", int: "an integer", float: "a float", str: "a string"}
    names.update({list: "an array", dict: "a table"})
    return names.get(type(value), f"a {type(value).__name__}")


def _line_of_key(text: str, key: str) -> int:
    match = re.search(rf"^[ \t]*\[?[ \t]*(?:\S*\.)?{re.escape(key)}\b", text, re.M)
    return text.count("\n", 0, match.start()) + 1 if match else 1


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
