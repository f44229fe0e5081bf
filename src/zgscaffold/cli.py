"""The `zgscaffold` command line: parsing, output and exit codes only.

Each command calls one plain function (render.new_space, ...) that doubles as
the Python API; those raise ZgError, which is printed here as one line.
"""

import sys
from enum import Enum, StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.status import Status

import zgscaffold
from zgscaffold import paths
from zgscaffold.errors import BadInput, ZgError, plain, usage_line
from zgscaffold.facts import load_facts

app = typer.Typer(
    name="zgscaffold",
    help="Start, check and update Hugging Face ZeroGPU Spaces that follow the platform's rules.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
out = Console(soft_wrap=True)
err = Console(stderr=True, soft_wrap=True)


class Strategy(StrEnum):
    fixed = "fixed"
    dynamic = "dynamic"


class Size(StrEnum):
    large = "large"
    xlarge = "xlarge"


class Spinner:
    """A status line on stderr, started by the first progress message it shows."""

    def __init__(self, quiet_first: bool = False) -> None:
        self._status: Status | None = None
        self._skip = quiet_first

    def update(self, message: str) -> None:
        if self._skip:
            self._skip = False
            return
        if self._status is None:
            self._status = err.status(plain(message), spinner="dots")
            self._status.start()
        else:
            self._status.update(plain(message))

    def stop(self) -> None:
        if self._status is not None:
            self._status.stop()


def fail(error: ZgError) -> typer.Exit:
    shown = plain(error, one_line=isinstance(error, BadInput))
    err.print(f"[bold red]error:[/] {shown}", highlight=False, soft_wrap=True)
    return typer.Exit(error.exit_code)


def _version(value: bool) -> None:
    if value:
        out.print(f"zgscaffold {zgscaffold.__version__}")
        raise typer.Exit()


@app.callback()
def root(
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help="Show the version."),
    ] = False,
) -> None:
    """Start, check and update Hugging Face ZeroGPU Spaces."""


def _answers(**flags: object) -> dict[str, object]:
    """The flags the user gave, as copier answers (unset flags are asked or defaulted)."""
    data = {}
    for key, value in flags.items():
        if value is None or value == []:
            continue
        data[key] = value.value if isinstance(value, Enum) else value
    return data


# `new`'s flags are named after the copier questions they answer
# (docs/questions.md). The names of 0.1 still work until the next release,
# hidden from --help (CHANGELOG.md): click maps them to the new names.
OLD_FLAGS = {
    "name": "space-name",
    "owner": "hub-owner",
    "title": "space-title",
    "description": "short-description",
    "model": "model-id",
    "adapter": "adapter-id",
    "size": "gpu-size",
    "duration": "duration-strategy",
    "python": "python-version",
    "cuda-package": "cuda-packages",
    "torch": "torch-version",
}


def _renamed_flag(name: str) -> str:
    new_name = OLD_FLAGS.get(name)
    if new_name is None:
        return name
    err.print(f"note: --{name} is now --{new_name}; the old name goes in the next release")
    return new_name


@app.command(context_settings={"token_normalize_func": _renamed_flag})
def new(
    path: Annotated[Path, typer.Argument(help="Folder to create; its name is the Space name.")],
    defaults: Annotated[
        bool, typer.Option("--defaults", help="Ask nothing: take the default for every answer.")
    ] = False,
    no_lock: Annotated[
        bool, typer.Option("--no-lock", help="Render offline; lock and export later.")
    ] = False,
    space_name: Annotated[str | None, typer.Option(help="Space name on the Hub.")] = None,
    hub_owner: Annotated[
        str | None, typer.Option(help="Hub user or org of the Space (README duplicate badge).")
    ] = None,
    space_title: Annotated[str | None, typer.Option(help="Title of the card and the app.")] = None,
    short_description: Annotated[
        str | None, typer.Option(help="One-line description of the Space card.")
    ] = None,
    emoji: Annotated[str | None, typer.Option(help="Emoji of the Space card.")] = None,
    color_from: Annotated[str | None, typer.Option(help="Card gradient start color.")] = None,
    color_to: Annotated[str | None, typer.Option(help="Card gradient end color.")] = None,
    license: Annotated[str | None, typer.Option(help="License id of the Space.")] = None,
    task: Annotated[str | None, typer.Option(help="Task type (see `zgscaffold tasks`).")] = None,
    model_id: Annotated[str | None, typer.Option(help="Hub model id the app loads.")] = None,
    adapter_id: Annotated[
        str | None, typer.Option(help="LoRA adapter id (task chat-lora).")
    ] = None,
    gpu_size: Annotated[Size | None, typer.Option(help="GPU size; xlarge costs 2x quota.")] = None,
    duration_strategy: Annotated[
        Strategy | None, typer.Option(help="Duration strategy: fixed or dynamic.")
    ] = None,
    duration_seconds: Annotated[
        int | None, typer.Option(help="Seconds per call (fixed strategy).")
    ] = None,
    python_version: Annotated[str | None, typer.Option(help="Python version of the Space.")] = None,
    cuda_packages: Annotated[
        list[str] | None,
        typer.Option("--cuda-packages", help="Prebuilt CUDA package (repeat for several)."),
    ] = None,
    torch_version: Annotated[
        str | None, typer.Option(help="torch release (supported set).")
    ] = None,
    template: Annotated[
        str | None, typer.Option(help="Template source (path or git URL); default: bundled.")
    ] = None,
    vcs_ref: Annotated[str | None, typer.Option(help="Template git ref to render.")] = None,
    template_url: Annotated[
        str | None, typer.Option(help="Git source to record for `copier update` (fork, mirror).")
    ] = None,
    github_actions: Annotated[
        bool | None,
        typer.Option(help="Add a workflow that checks and syncs the Space to the Hub."),
    ] = None,
) -> None:
    """Create a ZeroGPU Space in PATH."""
    from zgscaffold import lock

    data = _answers(
        space_name=space_name,
        hub_owner=hub_owner,
        space_title=space_title,
        short_description=short_description,
        emoji=emoji,
        color_from=color_from,
        color_to=color_to,
        license=license,
        task=task,
        model_id=model_id,
        adapter_id=adapter_id,
        gpu_size=gpu_size,
        duration_strategy=duration_strategy,
        duration_seconds=duration_seconds,
        python_version=python_version,
        cuda_packages=cuda_packages,
        torch_version=torch_version,
        github_actions=github_actions,
    )
    from zgscaffold.render import new_space  # imports copier, which is slow to load

    ask = not defaults and sys.stdin.isatty()
    spinner = Spinner(quiet_first=ask)  # no spinner over copier's own prompts
    try:
        result = new_space(
            path,
            data,
            defaults=not ask,
            lock_deps=not no_lock,
            template=template,
            vcs_ref=vcs_ref,
            template_url=template_url,
            progress=spinner.update,
        )
    except ZgError as error:
        raise fail(error) from None
    finally:
        spinner.stop()
    answers = result.answers
    out.print(
        f"[bold green]Created[/] {plain(result.path)} "
        f"({answers['task']}, Python {answers['python_version']}, torch {answers['torch_version']})"
    )
    for note in result.notes:
        out.print(f"[yellow]note:[/] {plain(note)}")
    out.print("\nNext steps:")
    out.print(f"  cd {plain(result.path)}")
    if not result.locked:
        out.print(f"  {lock.lock_command()}")
    out.print("  uv run python app.py        # try it locally; @spaces.GPU is a no-op off ZeroGPU")
    out.print("  push it to a new Space, then choose ZeroGPU under Settings > Hardware")


@app.command()
def update(
    path: Annotated[Path, typer.Argument(help="The Space (a committed git checkout).")] = Path("."),
    defaults: Annotated[
        bool, typer.Option("--defaults", help="Ask nothing: new questions take their default.")
    ] = False,
    data: Annotated[
        list[str] | None, typer.Option("--data", help="Change an answer: KEY=VALUE (repeatable).")
    ] = None,
    vcs_ref: Annotated[str | None, typer.Option(help="Template release to update to.")] = None,
    mirror: Annotated[
        str | None, typer.Option(help="Fetch the recorded template source from this git mirror.")
    ] = None,
    no_lock: Annotated[bool, typer.Option("--no-lock", help="Skip uv lock and export.")] = False,
) -> None:
    """Bring a Space's rules up to the newest template release, keeping your edits."""
    from zgscaffold.update import parse_data, update_space  # imports copier, slow to load

    ask = not defaults and sys.stdin.isatty()
    spinner = Spinner()

    def note(message: str) -> None:
        err.print(message, markup=False, highlight=False)

    try:
        result = update_space(
            path,
            parse_data(data),
            interactive=ask,
            lock_deps=not no_lock,
            vcs_ref=vcs_ref,
            mirror=mirror,
            progress=note if ask else spinner.update,  # no spinner over copier's prompts
        )
    except ZgError as error:
        raise fail(error) from None
    finally:
        spinner.stop()
    versions = f"{result.from_version} to {result.to_version}"
    out.print(f"[bold green]Updated[/] {plain(result.path)} from {versions}")
    for name in result.changed:
        out.print(f"  changed {plain(name)}")
    for message in result.notes:  # not `note`: that is the progress callback above
        out.print(f"[yellow]note:[/] {plain(message)}")
    out.print("Review with `git diff`, then commit.")


class Format(StrEnum):
    human = "human"
    json = "json"
    sarif = "sarif"


class FailOn(StrEnum):
    error = "error"
    warning = "warning"
    info = "info"
    never = "never"


@app.command()
def check(
    paths: Annotated[
        list[str] | None,
        typer.Argument(
            help="Space folders or files, or Spaces on the Hub: hf://spaces/OWNER/NAME[@REV] "
            "(default: .).",
        ),
    ] = None,
    select: Annotated[
        list[str] | None, typer.Option(help="Only these codes or prefixes (ZG3, ZG301, ALL).")
    ] = None,
    ignore: Annotated[list[str] | None, typer.Option(help="Skip these codes or prefixes.")] = None,
    output_format: Annotated[
        Format, typer.Option("--format", help="Output format.")
    ] = Format.human,
    fix: Annotated[bool, typer.Option("--fix", help="Apply the safe fixes.")] = False,
    fail_on: Annotated[
        FailOn, typer.Option(help="Exit 1 on findings of this severity or above.")
    ] = FailOn.error,
) -> None:
    """Find ZeroGPU rule violations (ZG101...) in Spaces without running them."""
    from zgscaffold.check import command

    try:
        code = command.run(
            [p if p.startswith("hf://") else Path(p) for p in paths or ["."]],
            select,
            ignore,
            output_format.value,
            fix,
            fail_on.value,
            out,
        )
    except ZgError as error:
        raise fail(error) from None
    raise typer.Exit(code)


@app.command()
def tasks() -> None:
    """List the task types, their default models and durations."""
    facts = load_facts()
    size = facts.data["hardware"]["default_size"]
    for key, preset in facts.tasks.items():
        out.print(f"[bold]{key}[/]  {preset['label']}", highlight=False)
        out.print(
            f"    model {preset['model']}; {facts.describe_duration(key, size)}", highlight=False
        )


@app.command("wheels")
def wheels_command(
    check: Annotated[
        bool, typer.Option("--check", help="Compare the recorded listing with the live source.")
    ] = False,
    refresh: Annotated[
        bool, typer.Option("--refresh", help="Maintainers: record the live listing in the facts.")
    ] = False,
    from_listing: Annotated[
        Path | None,
        typer.Option(help="Use a saved listing (one repo path per line) instead of the Hub."),
    ] = None,
) -> None:
    """List the prebuilt CUDA packages and the Python x torch pairs that have a wheel."""
    from zgscaffold import listing, wheels

    if check or refresh:
        try:
            if refresh:
                paths.require_checkout("wheels --refresh")
            live = listing.live_listings(saved=from_listing)
            diffs = listing.refresh(live) if refresh else listing.compare(live)
        except ZgError as error:
            raise fail(error) from None
        for diff in diffs:
            verb = "recorded" if refresh else "differs"
            for item in diff.added_files:
                out.print(f"  + {diff.source}: {item}", highlight=False)
            for item in diff.removed_files:
                out.print(f"  - {diff.source}: {item}", highlight=False)
            status = verb if diff.changed else "up to date"
            out.print(f"{diff.source}: {status}", highlight=False)
        if check and any(diff.changed for diff in diffs):
            raise typer.Exit(1)
        return
    facts = load_facts()
    out.print(f"Recorded CUDA wheels ({facts.path}):", highlight=False)
    for package in facts.cuda_packages:
        pairs = wheels.combinations(facts, package)
        shown = ", ".join(
            f"Python {py} + torch {torch} ({wheel.cell})"
            for py, torch in pairs
            if (wheel := wheels.find(facts, package, torch, py)) is not None
        )
        out.print(f"  [bold]{package}[/]: {shown or 'none recorded'}", highlight=False)
    out.print(
        "Only these packages are offered by `zgscaffold new`; cells without a recorded "
        "listing offer nothing, and maintainers refresh the listing with "
        "`zgscaffold wheels --refresh`."
    )


@app.command("publish")
def publish_command(
    space: Annotated[str, typer.Option(help="OWNER/NAME of the Space on the Hub.")],
    path: Annotated[Path, typer.Argument(help="The Space folder.")] = Path("."),
    private: Annotated[bool, typer.Option("--private", help="Create it private.")] = False,
    force: Annotated[bool, typer.Option("--force", help="Publish despite check errors.")] = False,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Print the plan; no network.")] = False,
) -> None:
    """Check a Space, create it on the Hub (ZeroGPU where allowed) and upload it."""
    from zgscaffold import publish

    try:
        if dry_run:
            the_plan = publish.dry_run(path, space, private=private)
            out.print(publish.describe(the_plan), markup=False, highlight=False)
            if the_plan.check_errors and not force:  # exit as the real run would
                raise publish.check_refusal(path, the_plan.check_errors)
            return
        with err.status("Publishing", spinner="dots") as status:
            done = publish.publish(
                path, space, private=private, force=force, progress=status.update
            )
    except ZgError as error:
        raise fail(error) from None
    for line in done.check_errors + done.notes:
        out.print(f"[yellow]note:[/] {line}", highlight=False)
    out.print(f"[bold green]Published[/] {done.url}", highlight=False)


def main() -> None:
    """The console script: usage errors (a bad choice or integer) as one line, exit 2."""
    try:
        code = app(standalone_mode=False)
    except typer.TyperException as error:  # typer's click errors: usage, missing argument
        if type(error).__name__ == "NoArgsIsHelpError":  # the help text it carries
            err.print(plain(error.format_message()), highlight=False)
        else:
            err.print(f"[bold red]error:[/] {usage_line(error)}", highlight=False, soft_wrap=True)
        sys.exit(error.exit_code)
    except typer.Abort:
        err.print("aborted", highlight=False)
        sys.exit(130)
    except ZgError as error:  # one no command caught, e.g. a bad key in the facts file
        sys.exit(fail(error).exit_code)
    sys.exit(code if isinstance(code, int) else 0)
