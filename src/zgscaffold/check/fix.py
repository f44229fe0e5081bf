"""`--fix`: apply the safe fixes findings carry, then check again."""

import os
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from zgscaffold.check.engine import check_paths
from zgscaffold.check.model import Edit, Finding
from zgscaffold.errors import BadInput, ZgError
from zgscaffold.facts import Facts, load_facts


@dataclass
class FixResult:
    changes: list[str]  # one line per applied fix
    findings: list[Finding]  # what is left after fixing


def apply_edits(text: str, edits: list[Edit]) -> str:
    """Apply line edits bottom-up; an edit with end < start inserts before `start`."""
    lines = text.splitlines(keepends=True)
    if lines and not lines[-1].endswith("\n"):
        lines[-1] += "\n"
    for edit in sorted(edits, key=lambda e: (e.start, e.end), reverse=True):
        start = edit.start - 1
        end = max(edit.end, edit.start - 1)
        lines[start:end] = [edit.text] if edit.text else []
    return "".join(lines)


def _write(path: Path, text: str) -> None:
    """Replace the file atomically, keeping its permissions."""
    mode = path.stat().st_mode
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as stream:
            stream.write(text)
        os.chmod(temporary, mode)
        os.replace(temporary, path)
    except OSError as error:
        Path(temporary).unlink(missing_ok=True)
        raise ZgError(
            f"{path}: could not write the fix ({error.strerror}): check permissions"
        ) from None


def fix_paths(
    paths: Iterable[Path | str],
    select: Iterable[str] | None = None,
    ignore: Iterable[str] | None = None,
    *,
    facts: Facts | None = None,
) -> FixResult:
    """Apply every safe fix to the enabled findings and return the changes and what is left.

    A Space on the Hub (hf://spaces/...) cannot be fixed: BadInput."""
    facts = facts or load_facts()
    paths = list(paths)
    on_hub = [str(path) for path in paths if str(path).startswith("hf://")]
    if on_hub:
        raise BadInput(
            f"--fix cannot change {on_hub[0]}, a Space on the Hub: clone it "
            f"(git clone https://huggingface.co/spaces/OWNER/NAME), fix the clone and push"
        )
    select, ignore = list(select or []), list(ignore or [])
    changes: list[str] = []
    for _ in range(3):  # a fix can only remove findings; two passes settle everything
        findings = check_paths(paths, select, ignore, facts=facts)
        by_file: dict[Path, list[Finding]] = {}
        for finding in findings:
            if finding.fix is not None and finding.file is not None:
                by_file.setdefault(finding.file, []).append(finding)
        if not by_file:
            return FixResult(changes, findings)
        for path, fixable in by_file.items():
            taken: list[Finding] = []
            used: set[int] = set()
            for finding in fixable:
                assert finding.fix is not None
                lines = {
                    n for e in finding.fix.edits for n in range(e.start, max(e.end, e.start) + 1)
                }
                if lines & used:
                    continue  # overlapping fixes wait for the next pass
                used |= lines
                taken.append(finding)
            edits = [e for f in taken if f.fix for e in f.fix.edits]
            text = path.read_text(encoding="utf-8")
            _write(path, apply_edits(text, edits))
            changes.extend(f"{f.path}: {f.fix.description} ({f.code})" for f in taken if f.fix)
    return FixResult(changes, check_paths(paths, select, ignore, facts=facts))
