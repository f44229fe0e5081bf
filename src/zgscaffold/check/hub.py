"""Checking a Space on the Hub: `zgscaffold check hf://spaces/OWNER/NAME[@REVISION]`.

The Space's file list comes from huggingface_hub (`HfApi.space_info` with the
files' sizes, one request); only the files the checker reads
are downloaded, into a temporary folder that the normal checker then reads:
README.md, requirements.txt, pyproject.toml and every Python file (uv.lock only
counts by its presence, so an empty one stands in for it). Weights, images and
other files stay on the Hub. A file over the checker's size limit is not
downloaded: a sparse file of its size stands in, so the checker reports it as it
would locally. The token is huggingface_hub's own (HF_TOKEN, then `hf auth login`);
a public Space needs none.
"""

from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from zgscaffold.check.space import MAX_BYTES, MAX_DEPTH, MAX_FILES, NAME_MAX, PATH_MAX
from zgscaffold.errors import BadInput

PREFIX = "hf://spaces/"
READ = {"README.md", "requirements.txt", "pyproject.toml"}  # at the Space's top level
PRESENCE_ONLY = {"uv.lock"}  # read for whether it exists


@dataclass(frozen=True)
class HubSpace:
    space_id: str  # OWNER/NAME
    revision: str | None  # None: the default branch

    @property
    def label(self) -> str:
        """How findings name the Space: hf://spaces/OWNER/NAME[@REVISION]."""
        at = f"@{self.revision}" if self.revision is not None else ""
        return f"{PREFIX}{self.space_id}{at}"


def is_hub_id(raw: object) -> bool:
    return isinstance(raw, str) and raw.startswith(PREFIX)


def parse(raw: str) -> HubSpace:
    """hf://spaces/OWNER/NAME[@REVISION] as a HubSpace, or BadInput naming the fix."""
    from zgscaffold.facts import load_facts
    from zgscaffold.publish import check_space_id

    if not raw.startswith(PREFIX):
        raise BadInput(
            f"{raw!r}: only Spaces on the Hub can be checked: give hf://spaces/OWNER/NAME"
        )
    body = raw[len(PREFIX) :].rstrip("/")
    space, at, revision = body.partition("@")
    try:
        check_space_id(space, load_facts())
    except BadInput:
        raise BadInput(
            f"{raw!r} is not a Space on the Hub: give hf://spaces/OWNER/NAME or "
            f"hf://spaces/OWNER/NAME@REVISION (letters, digits, '-', '_', '.')"
        ) from None
    if at and not revision.strip():
        raise BadInput(f"{raw!r} has an empty revision after '@': give a branch, tag or commit")
    return HubSpace(space, revision if at else None)


def wanted(name: str) -> bool:
    """Whether the checker reads the Space's file `name` (a path in the repository)."""
    return name in READ or name in PRESENCE_ONLY or name.endswith(".py")


def safe_path(root: Path, name: str) -> Path | None:
    """Where the Space's file `name` goes under `root`; None for a name that would leave
    `root` or that the file system cannot hold (the Hub should never list one)."""
    parts = PurePosixPath(name).parts
    if (
        not parts
        or name.startswith("/")
        or "\\" in name
        or "\0" in name
        or any(part in ("..", ".") for part in parts)
        or len(parts) > MAX_DEPTH
        or len(name.encode("utf-8", "surrogatepass")) > PATH_MAX
        or any(len(part.encode("utf-8", "surrogatepass")) > NAME_MAX for part in parts)
    ):
        return None
    target = root.joinpath(*parts)
    resolved_root = root.resolve()
    if not target.resolve().is_relative_to(resolved_root):
        return None
    return target


def _failure(error: Exception, hub_space: HubSpace, token: str | None) -> BadInput:
    from huggingface_hub.errors import RevisionNotFoundError

    from zgscaffold.publish import hub_failure

    label, owner = hub_space.label, hub_space.space_id.split("/")[0]
    read = "log in with `hf auth login` or set HF_TOKEN to a token that may read it"
    fixes = {
        401: f"the Hub refused the token (HTTP 401): {read}"
        if token
        else f"the Space is private or does not exist, and no token was given (HTTP 401): "
        f"check the id, or {read}",
        403: f"the token may not read {hub_space.space_id} (HTTP 403): use a token with read "
        f"access to {owner}'s Spaces",
        404: f"the Hub has no Space {hub_space.space_id}, or it is private (HTTP 404): check "
        f"the id, or {read}",
    }
    if isinstance(error, RevisionNotFoundError):
        fixes[404] = (
            f"{hub_space.space_id} has no revision {hub_space.revision!r} (HTTP 404): give "
            f"a branch, tag or commit of the Space"
        )
    found = hub_failure(
        error, f"read {label}", hub_space.space_id, token, fixes=fixes, again="check again"
    )
    return BadInput(str(found))


def fetch(hub_space: HubSpace, root: Path) -> Path:
    """Download the files the checker reads of `hub_space` into the empty folder `root`."""
    from huggingface_hub import HfApi, get_token

    token = get_token()
    api = HfApi()
    try:  # one request, which huggingface_hub does not retry: a dead network fails at once
        info = api.space_info(hub_space.space_id, revision=hub_space.revision, files_metadata=True)
    except Exception as error:  # HTTP, network, offline: one line, never a traceback
        raise _failure(error, hub_space, token) from None
    # every file from the commit the listing came from, even if a push lands meanwhile
    revision = info.sha or hub_space.revision
    entries = [
        (sibling.rfilename, sibling.size or 0)
        for sibling in info.siblings or []
        if wanted(sibling.rfilename)
    ]
    space = root / "space"
    cache = root / "cache"
    space.mkdir()
    for name, size in sorted(entries)[:MAX_FILES]:
        target = safe_path(space, name)
        if target is None:
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        if name in PRESENCE_ONLY or size > MAX_BYTES:
            with open(target, "wb") as placeholder:
                placeholder.truncate(0 if name in PRESENCE_ONLY else size)
            continue
        try:
            downloaded = api.hf_hub_download(
                hub_space.space_id, name, repo_type="space", revision=revision, cache_dir=cache
            )
        except Exception as error:
            raise _failure(error, hub_space, token) from None
        # the cache holds a link to its blob; the checker reads regular files only
        target.write_bytes(Path(downloaded).read_bytes()[: MAX_BYTES + 1])
    return space


def hub_name(name: str, label: str) -> str:
    """A finding's path, relative to the fetched folder, as the Hub names it."""
    return label if name == "." else f"{label}/{name}"
