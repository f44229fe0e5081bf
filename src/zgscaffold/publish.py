"""Take a Space folder to the Hub: the Python API behind `zgscaffold publish`.

Check it, create the Space (Gradio SDK, ZeroGPU hardware where the account
may choose it), upload the folder, and return its URL. The token comes from
huggingface_hub's own look-up (HF_TOKEN, then the stored login); it is never
printed, logged or written.
"""

import os
import re
import subprocess
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from zgscaffold.errors import BadInput, ZgError
from zgscaffold.facts import Facts, load_facts

if TYPE_CHECKING:  # imported where used: huggingface_hub is slow to load
    from huggingface_hub import HfApi

Progress = Callable[[str], None]

SDK = "gradio"
COMMIT_MESSAGE = "Publish with zgscaffold"
# Never uploaded, whatever .gitignore says or when there is none: secrets, local
# environments, caches, VCS and CI files (gitignore syntax).
NEVER_UPLOAD = [
    ".git/",
    ".github/",
    ".env",
    ".env.*",
    "*.env",
    "*.key",
    "*.pem",
    "*.p12",
    "*.pfx",
    "id_rsa*",
    "id_ed25519*",
    "*token",
    "*token.txt",
    "*.token",
    ".netrc",
    ".huggingface/",
    ".venv/",
    "venv/",
    "__pycache__/",
    "*.py[cod]",
    ".cache/",
    ".gradio/",
    "flagged/",
    ".pytest_cache/",
    ".ruff_cache/",
    ".mypy_cache/",
    ".hypothesis/",
    "*.egg-info/",
    ".DS_Store",
]
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")


@dataclass
class Plan:
    """What `publish` will do, computed without the network."""

    folder: Path
    space_id: str
    sdk: str
    hardware: str
    private: bool
    files: list[str]
    url: str
    check_errors: list[str] = field(default_factory=list)


@dataclass
class Published:
    plan: Plan
    url: str
    check_errors: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def check_space_id(space: str, facts: Facts) -> str:
    """The Space id OWNER/NAME, or BadInput naming what is wrong with it."""
    owner, slash, name = space.partition("/")
    limit = int(facts.data["hub"]["name_max"])
    for part in (owner, name):
        if (
            not slash
            or "/" in name
            or not _NAME.match(part)
            or ".." in part
            or "--" in part
            or part[-1] in "-."
            or len(part) > limit
        ):
            raise BadInput(
                f"--space {space!r} is not a Space id: give OWNER/NAME, e.g. "
                f"{facts.data['hub']['template_space']} (letters, digits, '-', '_', '.')"
            )
    return space


def upload_files(folder: Path) -> list[str]:
    """The files publish sends, relative to `folder`: what git would track, minus NEVER_UPLOAD.

    In a git work tree git itself lists them (tracked, and untracked but not
    ignored: every .gitignore, .git/info/exclude, the global excludes); outside
    one the folder's .gitignore is applied. NEVER_UPLOAD holds either way.
    """
    import pathspec

    folder = Path(folder)
    listed = _git_files(folder)
    if listed is None:
        try:
            lines = (folder / ".gitignore").read_text(encoding="utf-8", errors="replace")
        except OSError:  # none (or unreadable): NEVER_UPLOAD still applies
            lines = ""
        ignored = pathspec.GitIgnoreSpec.from_lines(lines.splitlines())
        everything = (p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file())
        listed = [name for name in everything if not ignored.match_file(name)]
    never = pathspec.GitIgnoreSpec.from_lines(NEVER_UPLOAD)
    return sorted(
        name
        for name in listed
        if not never.match_file(name)
        and (folder / name).is_file()
        and not (folder / name).is_symlink()
    )


def _git_files(folder: Path) -> list[str] | None:
    """What git lists in `folder` (tracked, or untracked and not ignored); None outside git."""
    try:
        result = subprocess.run(
            ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard", "--", "."],
            cwd=folder,
            capture_output=True,
        )
    except FileNotFoundError:  # no git installed: fall back to the .gitignore file
        return None
    if result.returncode != 0:
        return None
    return sorted({os.fsdecode(name) for name in result.stdout.split(b"\0") if name})


def plan(
    folder: Path,
    space: str,
    *,
    private: bool = False,
    endpoint: str | None = None,
    facts: Facts | None = None,
) -> Plan:
    facts = facts or load_facts()
    folder = Path(folder)
    if not folder.is_dir():
        raise BadInput(f"{folder} is not a folder: give the path of a rendered Space")
    if not (folder / "README.md").is_file():
        raise BadInput(
            f"{folder} has no README.md: publish a Space folder (`zgscaffold new` makes one)"
        )
    space_id = check_space_id(space, facts)
    if endpoint is None:
        from huggingface_hub import constants

        endpoint = constants.ENDPOINT
    return Plan(
        folder=folder.resolve(),
        space_id=space_id,
        sdk=SDK,
        hardware=str(facts.data["hardware"]["flavor"]),
        private=private,
        files=upload_files(folder),
        url=f"{endpoint.rstrip('/')}/spaces/{space_id}",
    )


def check_errors(folder: Path) -> list[str] | None:
    """The error-severity findings of `zgscaffold check` on `folder`, one line each.

    None when this installation has no checker (zgscaffold.check lands
    separately); this is the one place publish depends on it.
    """
    try:
        from zgscaffold import check
    except ImportError:
        return None
    findings = check.check_paths([folder])
    return [str(finding) for finding in findings if finding.severity >= check.Severity.error]


def _scrub(message: str, token: str | None) -> str:
    return message.replace(token, "***") if token else message


def hub_failure(
    error: Exception,
    action: str,
    space_id: str,
    token: str | None,
    *,
    fixes: dict[int, str] | None = None,
    again: str = "publish again",
) -> ZgError:
    """One line naming what failed and the fix, for any error huggingface_hub raises.

    `fixes` (HTTP status -> what to say) replaces publish's own; `again` ends the
    lines about the network and offline mode (`zgscaffold check` says "check again")."""
    from huggingface_hub.errors import HfHubHTTPError, OfflineModeIsEnabled

    if isinstance(error, OfflineModeIsEnabled):
        return ZgError(
            f"could not {action}: huggingface_hub is in offline mode (HF_HUB_OFFLINE is set); "
            f"unset HF_HUB_OFFLINE and {again}"
        )
    # The HTTP client's transport errors (its package name varies with huggingface_hub's
    # version), or the socket's own.
    transport = {"TransportError", "TimeoutException"} & {c.__name__ for c in type(error).__mro__}
    if not isinstance(error, HfHubHTTPError) and (transport or isinstance(error, OSError)):
        from huggingface_hub import constants

        return ZgError(
            f"could not {action}: the Hub at {constants.ENDPOINT} cannot be reached "
            f"({type(error).__name__}); check the network connection (or HF_ENDPOINT) and "
            f"{again}"
        )
    status = None
    if isinstance(error, HfHubHTTPError) and error.response is not None:
        status = error.response.status_code
    fixes = fixes or {
        401: "the Hub refused the token (HTTP 401): log in with `hf auth login` or set "
        "HF_TOKEN to a token with write access",
        403: f"the token may not write to {space_id} (HTTP 403): use a token with write "
        f"access to {space_id.split('/')[0]} (a fine-grained token needs that user or org)",
        404: f"{space_id.split('/')[0]} is not a user or org the Hub knows (HTTP 404): "
        f"check --space OWNER/NAME",
        409: f"{space_id} conflicts with what is on the Hub (HTTP 409: the name is taken by "
        f"another repo, or a commit landed meanwhile): choose another --space or publish again",
    }
    if status in fixes:
        return ZgError(f"could not {action}: {fixes[status]}")
    detail = _scrub(str(error), token).splitlines()[0] if str(error) else type(error).__name__
    return ZgError(f"could not {action}: {detail}")


def _create(api: "HfApi", plan: Plan, token: str | None) -> list[str]:
    """Create the Space (or keep the existing one); ask for ZeroGPU where allowed."""
    from huggingface_hub.errors import HfHubHTTPError

    def create(hardware: str | None) -> None:
        api.create_repo(
            plan.space_id,
            repo_type="space",
            space_sdk=plan.sdk,
            # the Hub takes any flavor name; huggingface_hub's SpaceHardware enum lags new ones
            space_hardware=hardware,  # type: ignore[arg-type]
            private=True if plan.private else None,
            exist_ok=True,
        )

    action = f"create {plan.space_id}"
    try:
        create(plan.hardware)
        return []
    except HfHubHTTPError as error:
        status = error.response.status_code if error.response is not None else None
        if status not in (400, 402):  # a hardware refusal; anything else is a failure
            raise hub_failure(error, action, plan.space_id, token) from None
        refusal = _scrub(str(error), token).splitlines()[0]
    except Exception as error:  # network, offline: never a traceback
        raise hub_failure(error, action, plan.space_id, token) from None
    try:
        create(None)
    except Exception as error:
        raise hub_failure(error, action, plan.space_id, token) from None
    return [
        f"the Hub did not allow {plan.hardware} hardware for this account ({refusal}); "
        "the Space starts on CPU basic: choose ZeroGPU under Settings > Hardware"
    ]


def refuse_check_errors(folder: Path, force: bool) -> tuple[list[str], list[str]]:
    """The checker's errors and notes; BadInput when there are errors and no --force."""
    errors = check_errors(folder)
    if errors is None:
        return [], ["zgscaffold check is not available here; the Space was not checked"]
    if errors and not force:
        raise check_refusal(folder, errors)
    return errors, []


def check_refusal(folder: Path, errors: list[str]) -> BadInput:
    return BadInput(
        f"zgscaffold check found {len(errors)} error(s) in {folder}: fix them "
        "(run `zgscaffold check` for details) or publish with --force"
    )


def dry_run(folder: Path, space: str, *, private: bool = False) -> Plan:
    """The plan with the checker's errors filled in; nothing is sent."""
    the_plan = plan(folder, space, private=private)
    the_plan.check_errors = check_errors(the_plan.folder) or []
    return the_plan


def publish(
    folder: Path,
    space: str,
    *,
    private: bool = False,
    force: bool = False,
    endpoint: str | None = None,
    progress: Progress | None = None,
) -> Published:
    """Check `folder`, create `space` on the Hub and upload its files (`upload_files`)."""
    step = progress or (lambda _message: None)
    the_plan = plan(folder, space, private=private, endpoint=endpoint)

    step("Checking the Space against ZeroGPU's rules")
    errors, notes = refuse_check_errors(the_plan.folder, force)

    from huggingface_hub import CommitOperationAdd, HfApi, get_token

    token = get_token()
    if not token:
        raise BadInput(
            "no Hugging Face token: log in with `hf auth login` or set HF_TOKEN "
            "to a token with write access"
        )
    api = HfApi(endpoint=endpoint)

    step(f"Creating {the_plan.space_id}")
    notes += _create(api, the_plan, token)

    step(f"Uploading {len(the_plan.files)} files")
    operations = [
        CommitOperationAdd(path_in_repo=name, path_or_fileobj=str(the_plan.folder / name))
        for name in the_plan.files
    ]
    try:
        api.create_commit(
            repo_id=the_plan.space_id,
            repo_type="space",
            operations=operations,
            commit_message=COMMIT_MESSAGE,
        )
    except Exception as error:  # HTTP, network, offline: one line, never a traceback
        raise hub_failure(error, f"upload {folder} to {the_plan.space_id}", space, token) from None
    return Published(plan=the_plan, url=the_plan.url, check_errors=errors, notes=notes)


def describe(the_plan: Plan) -> str:
    """The dry run's text: every request publish would make, and nothing sent."""
    lines = [
        f"Would publish {the_plan.folder} to {the_plan.url}",
        f"  check:  zgscaffold check {the_plan.folder}: "
        + (f"{len(the_plan.check_errors)} error(s)" if the_plan.check_errors else "no errors"),
        f"  create: Space {the_plan.space_id}, sdk {the_plan.sdk}, "
        f"hardware {the_plan.hardware} (where the account allows), "
        f"{'private' if the_plan.private else 'public'}, existing Space kept",
        f"  upload: {len(the_plan.files)} files in one commit ({COMMIT_MESSAGE!r})",
        *(f"    {name}" for name in the_plan.files),
        "Nothing was sent (--dry-run).",
    ]
    return "\n".join(lines)
