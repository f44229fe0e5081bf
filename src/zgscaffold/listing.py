"""Record and compare the wheel listings kept in the facts file (maintainers' tooling)."""

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import yaml

from zgscaffold import wheels
from zgscaffold.errors import ZgError
from zgscaffold.facts import load_facts

MARKER = "# --- recorded wheel listing:"
HUB_KIND = "hub-dataset"


@dataclass
class ListingDiff:
    source: str
    added_cells: list[str] = field(default_factory=list)
    added_files: list[str] = field(default_factory=list)
    removed_files: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.added_cells or self.added_files or self.removed_files)


def fetch_repo_files(repo: str, endpoint: str | None = None) -> list[str]:
    """The live listing of a Hub dataset, through huggingface_hub."""
    from huggingface_hub import HfApi

    try:
        return list(HfApi(endpoint=endpoint).list_repo_files(repo, repo_type="dataset"))
    except Exception as error:  # DNS, TLS, HTTP and auth errors come in many types
        reason = str(error).splitlines()[0] if str(error) else type(error).__name__
        raise ZgError(f"cannot list {repo} on the Hub ({reason}); check the network") from error


def _diff(source: dict[str, Any], cells: dict[str, list[str]]) -> ListingDiff:
    diff = ListingDiff(source=source["id"])
    for cell_id, files in cells.items():
        recorded = source["cells"].get(cell_id)
        if recorded is None:
            diff.added_cells.append(cell_id)
        old = set((recorded or {}).get("files") or [])
        diff.added_files += [f"{cell_id}/{f}" for f in files if f not in old]
        diff.removed_files += [f"{cell_id}/{f}" for f in sorted(old - set(files))]
    return diff


def _apply(source: dict[str, Any], cells: dict[str, list[str]]) -> None:
    for cell_id, files in cells.items():
        cell: dict[str, Any] | None = source["cells"].get(cell_id) or wheels.parse_cell(cell_id)
        if cell is None:
            continue  # not a torch x CUDA x CPython cell name
        cell["files"] = files
        source["cells"][cell_id] = cell
    source["listing_recorded_on"] = date.today().isoformat()


def _write_sources(path: Path, sources: list[dict[str, Any]]) -> None:
    text = path.read_text(encoding="utf-8")
    head, marker, _ = text.partition(MARKER)
    if not marker:
        raise ZgError(f"{path} has no '{MARKER}' line: restore it before refreshing")
    kept_comments = text[len(head) :].split("\nwheel_sources:", 1)[0]
    body = yaml.safe_dump(
        {"wheel_sources": sources}, sort_keys=False, allow_unicode=True, default_flow_style=None
    )
    path.write_text(head + kept_comments + "\n" + body, encoding="utf-8")


def hub_sources(facts_path: Path | None = None) -> tuple[Path, list[dict[str, Any]]]:
    facts = load_facts(facts_path)
    return facts.path, facts.wheel_sources


def compare(live: dict[str, list[str]], facts_path: Path | None = None) -> list[ListingDiff]:
    """How each Hub source's recorded listing differs from `live` (source id -> repo files)."""
    _, sources = hub_sources(facts_path)
    return [
        _diff(source, wheels.cells_from_repo_files(live[source["repo"]]))
        for source in sources
        if source["kind"] == HUB_KIND and source["repo"] in live
    ]


def refresh(live: dict[str, list[str]], facts_path: Path | None = None) -> list[ListingDiff]:
    """Write the live listings (repo -> files) into the facts file; return what changed."""
    path, sources = hub_sources(facts_path)
    diffs = []
    for source in sources:
        if source["kind"] != HUB_KIND or source["repo"] not in live:
            continue
        cells = wheels.cells_from_repo_files(live[source["repo"]])
        diffs.append(_diff(source, cells))
        _apply(source, cells)
    if any(diff.changed for diff in diffs):
        _write_sources(path, sources)
    return diffs


def live_listings(
    facts_path: Path | None = None, saved: Path | None = None
) -> dict[str, list[str]]:
    """Repo -> files, from the Hub, or from a saved listing (one path per line) when given."""
    _, sources = hub_sources(facts_path)
    repos = [s["repo"] for s in sources if s["kind"] == HUB_KIND]
    if saved is not None:
        try:
            files = saved.read_text(encoding="utf-8").split()
        except OSError as error:
            raise ZgError(f"cannot read the saved listing {saved}: {error.strerror}") from error
        return dict.fromkeys(repos, files)
    return {repo: fetch_repo_files(repo) for repo in repos}
