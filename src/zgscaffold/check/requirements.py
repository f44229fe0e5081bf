"""requirements.txt and pyproject dependency strings as requirements with line numbers.

Both readers take time linear in the file: `\\` continuation lines are joined
once, and pyproject dependencies are located by one forward scan.
"""

import bisect
import re
from collections.abc import Iterator
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

from packaging.requirements import InvalidRequirement, Requirement
from packaging.utils import canonicalize_name

_COMMENT = re.compile(r"(^|\s)#.*$")
_SPACE = re.compile(r"\s+")


@dataclass
class Req:
    line: int  # first line of the entry (1-based)
    end: int  # last line (continuations)
    name: str  # canonical name ("flash-attn")
    requirement: Requirement | None
    url: str | None
    comment: str  # the inline comment, if any
    annotated: bool  # uv/pip-compile wrote "# via ..." under it

    @property
    def pinned(self) -> str | None:
        """The version of an `==` pin (None for ranges, URLs, no pin)."""
        if self.requirement is None:
            return None
        specs = list(self.requirement.specifier)
        if len(specs) == 1 and specs[0].operator in ("==", "==="):
            return specs[0].version
        return None

    @property
    def wheel(self) -> str | None:
        if not self.url:
            return None
        name = _file_name(self.url)
        return name if name.endswith(".whl") else None


def _file_name(url: str) -> str:
    """The last path segment of a URL; "" for one urllib cannot split (a bad IPv6 host)."""
    try:
        path = urlsplit(url).path
    except ValueError:
        return ""
    return unquote(path.rsplit("/", 1)[-1])


def parse_requirement(text: str) -> tuple[str, Requirement | None, str | None] | None:
    """(canonical name, Requirement, URL) of one dependency string; None if unparseable."""
    try:
        requirement = Requirement(text)
    except InvalidRequirement:
        if "://" in text:  # a bare URL line, which pip accepts
            url = text.split(";", 1)[0].strip()
            wheel = _file_name(url)
            if wheel.endswith(".whl") and "-" in wheel:
                return canonicalize_name(wheel.split("-", 1)[0]), None, url
        return None
    return canonicalize_name(requirement.name), requirement, requirement.url


def logical_lines(text: str) -> Iterator[tuple[int, int, str]]:
    """(first index, last index, text) of each entry, `\\` continuations joined as pip
    joins them: a comment ends a continuation."""
    lines = text.splitlines()
    number = 0
    while number < len(lines):
        start, parts = number, []
        line = lines[number]
        while line.endswith("\\") and not _COMMENT.search(line) and number + 1 < len(lines):
            parts.append(line[:-1])
            number += 1
            line = lines[number]
        parts.append(line)
        yield start, number, "".join(parts)
        number += 1


def _strip_options(body: str) -> str:
    """The requirement part of a line, without per-requirement options (`--hash=...`,
    `--config-settings ...`): pip stops at the first word starting with `-`."""
    words = []
    for word in _SPACE.split(body):
        if word.startswith("-"):
            break
        words.append(word)
    return " ".join(words)


def parse_requirements(text: str) -> list[Req]:
    """Requirement lines of a requirements.txt; option lines (`-r`, `-c`, `-e`,
    `--index-url`, ...) are skipped, per-requirement options stripped."""
    lines = text.splitlines()
    result: list[Req] = []
    for start, end, raw in logical_lines(text):
        comment_match = _COMMENT.search(raw)
        comment = comment_match.group(0).strip() if comment_match else ""
        body = _COMMENT.sub("", raw).strip()
        if not body or body.startswith("-"):
            continue
        parsed = parse_requirement(_strip_options(body))
        if parsed is None:
            continue
        name, requirement, url = parsed
        annotated = end + 1 < len(lines) and lines[end + 1].lstrip().startswith("# via")
        result.append(Req(start + 1, end + 1, name, requirement, url, comment, annotated))
    return result


def pyproject_requirements(text: str, deps: list[object]) -> list[Req]:
    """`[project] dependencies` strings as requirements, each with the line it is on.

    Dependencies are found in file order from where the previous one was found; one
    that is not written literally (a TOML escape) gets the `dependencies` line.
    """
    starts = [0] + [match.end() for match in re.finditer(r"\n", text)]
    anchor = re.search(r"^\s*dependencies\b", text, re.M)
    cursor = anchor.start() if anchor else 0
    fallback = bisect.bisect_right(starts, cursor)
    reqs: list[Req] = []
    for dep in deps:
        if not isinstance(dep, str):
            continue
        parsed = parse_requirement(dep)
        if parsed is None:
            continue
        needle = dep.split(";")[0].strip()[:40]
        found = text.find(needle, cursor) if needle else -1
        if found >= 0:
            cursor = found + len(needle)
            line = bisect.bisect_right(starts, found)
        else:
            line = fallback
        reqs.append(Req(line, line, parsed[0], parsed[1], parsed[2], "", False))
    return reqs
