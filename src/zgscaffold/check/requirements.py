"""requirements.txt and pyproject dependency strings as requirements with line numbers."""

import re
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

from packaging.requirements import InvalidRequirement, Requirement
from packaging.utils import canonicalize_name

_COMMENT = re.compile(r"(^|\s)#.*$")


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
        name = unquote(urlsplit(self.url).path.rsplit("/", 1)[-1])
        return name if name.endswith(".whl") else None


def parse_requirement(text: str) -> tuple[str, Requirement | None, str | None] | None:
    """(canonical name, Requirement, URL) of one dependency string; None if unparseable."""
    try:
        requirement = Requirement(text)
    except InvalidRequirement:
        if "://" in text:  # a bare URL line, which pip accepts
            url = text.split(";", 1)[0].strip()
            wheel = unquote(urlsplit(url).path.rsplit("/", 1)[-1])
            if wheel.endswith(".whl") and "-" in wheel:
                return canonicalize_name(wheel.split("-", 1)[0]), None, url
        return None
    return canonicalize_name(requirement.name), requirement, requirement.url


def parse_requirements(text: str) -> list[Req]:
    lines = text.splitlines()
    result: list[Req] = []
    number = 0
    while number < len(lines):
        start = number
        raw = lines[number]
        while raw.endswith("\\") and number + 1 < len(lines):
            number += 1
            raw = raw[:-1] + " " + lines[number]
        end = number
        number += 1
        comment_match = _COMMENT.search(raw)
        comment = comment_match.group(0).strip() if comment_match else ""
        body = _COMMENT.sub("", raw).strip()
        if not body or body.startswith("-"):
            continue
        parsed = parse_requirement(body)
        if parsed is None:
            continue
        name, requirement, url = parsed
        annotated = number < len(lines) and lines[number].lstrip().startswith("# via")
        result.append(Req(start + 1, end + 1, name, requirement, url, comment, annotated))
    return result
