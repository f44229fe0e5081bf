"""Take a Space folder to the Hub: the Python API behind `zgscaffold publish`.

Check it, create the Space (Gradio SDK, ZeroGPU hardware where the account
may choose it), upload the folder, and return its URL. The token comes from
huggingface_hub's own look-up (HF_TOKEN, then the stored login); it is never
printed, logged or written.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from zgscaffold.errors import BadInput, ZgError
from zgscaffold.facts import Facts, load_facts

Progress = Callable[[str], None]

SDK = "gradio"
COMMIT_MESSAGE = "Publish with zgscaffold"
# Never uploaded: local environments, caches, secrets, CI files. huggingface_hub
# adds its own defaults (.git/, .cache/huggingface/).
IGNORE_PATTERNS = [
    ".venv/*",
    "venv/*",
    "*__pycache__*",
    "*.py[cod]",
    ".gradio/*",
    "flagged/*",
    ".pytest_cache/*",
    ".ruff_cache/*",
    ".mypy_cache/*",
    "*.egg-info/*",
    ".DS_Store",
    ".env",
    ".env.*",
    ".github/*",
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
    """The files `upload_folder` will send, relative to `folder`, with the same filter."""
    from huggingface_hub.utils import DEFAULT_IGNORE_PATTERNS, filter_repo_objects

    paths = sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file())
    return list(
        filter_repo_objects(paths, ignore_patterns=IGNORE_PATTERNS + DEFAULT_IGNORE_PATTERNS)
    )


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


def _create(api, plan: Plan, token: str | None) -> list[str]:
    """Create the Space (or keep the existing one); ask for ZeroGPU where allowed."""
    from huggingface_hub.errors import HfHubHTTPError

    def create(hardware: str | None) -> None:
        api.create_repo(
            plan.space_id,
            repo_type="space",
            space_sdk=plan.sdk,
            space_hardware=hardware,
            private=True if plan.private else None,
            exist_ok=True,
        )

    try:
        create(plan.hardware)
        return []
    except HfHubHTTPError as error:
        status = error.response.status_code if error.response is not None else None
        if status == 401:
            raise ZgError(
                "the Hub refused the token (HTTP 401): log in with `hf auth login` "
                "or set HF_TOKEN to a token with write access"
            ) from None
        if status not in (400, 402, 403):
            raise ZgError(
                f"could not create {plan.space_id}: {_scrub(str(error), token).splitlines()[0]}"
            ) from None
        refusal = _scrub(str(error), token).splitlines()[0]
    try:
        create(None)
    except HfHubHTTPError as error:
        raise ZgError(
            f"could not create {plan.space_id}: {_scrub(str(error), token).splitlines()[0]}"
        ) from None
    return [
        f"the Hub did not allow {plan.hardware} hardware for this account ({refusal}); "
        "the Space starts on CPU basic: choose ZeroGPU under Settings > Hardware"
    ]


def publish(
    folder: Path,
    space: str,
    *,
    private: bool = False,
    force: bool = False,
    endpoint: str | None = None,
    progress: Progress | None = None,
) -> Published:
    """Check `folder`, create `space` on the Hub and upload the folder to it."""
    step = progress or (lambda _message: None)
    the_plan = plan(folder, space, private=private, endpoint=endpoint)
    notes: list[str] = []

    step("Checking the Space against ZeroGPU's rules")
    errors = check_errors(the_plan.folder)
    if errors is None:
        notes.append("zgscaffold check is not available here; the Space was not checked")
        errors = []
    if errors and not force:
        raise BadInput(
            f"zgscaffold check found {len(errors)} error(s) in {folder}: fix them "
            "(run `zgscaffold check` for details) or publish with --force"
        )

    from huggingface_hub import HfApi, get_token
    from huggingface_hub.errors import HfHubHTTPError

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
    try:
        api.upload_folder(
            repo_id=the_plan.space_id,
            folder_path=the_plan.folder,
            repo_type="space",
            ignore_patterns=IGNORE_PATTERNS,
            commit_message=COMMIT_MESSAGE,
        )
    except (HfHubHTTPError, ValueError) as error:
        raise ZgError(
            f"could not upload {folder} to {the_plan.space_id}: "
            f"{_scrub(str(error), token).splitlines()[0]}"
        ) from None
    return Published(plan=the_plan, url=the_plan.url, check_errors=errors, notes=notes)


def describe(the_plan: Plan) -> str:
    """The dry run's text: every request publish would make, and nothing sent."""
    lines = [
        f"Would publish {the_plan.folder} to {the_plan.url}",
        f"  check:  zgscaffold check {the_plan.folder} (refuse on errors unless --force)",
        f"  create: Space {the_plan.space_id}, sdk {the_plan.sdk}, "
        f"hardware {the_plan.hardware} (where the account allows), "
        f"{'private' if the_plan.private else 'public'}, existing Space kept",
        f"  upload: {len(the_plan.files)} files in one commit ({COMMIT_MESSAGE!r})",
        *(f"    {name}" for name in the_plan.files),
        "Nothing was sent (--dry-run).",
    ]
    return "\n".join(lines)
