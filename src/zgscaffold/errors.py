"""The one error family the CLI prints as a single line, and how user text is printed."""

import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the checker imports this module: keep its start-up light
    import typer


class ZgError(Exception):
    """A failure with a message meant for the user and the exit code to leave with."""

    exit_code = 1


class BadInput(ZgError):
    """The user's input cannot be used; the message names it and the fix."""

    exit_code = 2


class RenderFailed(ZgError):
    """Rendering, locking or exporting a Space failed."""

    exit_code = 1


# Characters that would move the cursor, recolor or retitle the terminal, break a line
# the user did not break, or fail to encode (lone surrogates from undecodable argv bytes):
# shown as Python escapes (\x1b) instead. Tabs and newlines of tool output (git, uv) are
# kept unless one_line.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff]")
_BREAKS = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff]")


def plain(text: object, *, one_line: bool = False) -> str:
    """`text` made safe to pass to rich's print: markup brackets escaped (user text such as
    `[/]` is text, not a tag) and control characters written as escapes."""
    from rich.markup import escape

    pattern = _BREAKS if one_line else _CONTROL
    shown = pattern.sub(lambda match: ascii(match.group())[1:-1], str(text))
    return escape(shown)


def usage_line(error: "typer.TyperException") -> str:
    """A typer usage error (a bad choice, a bad integer, a missing argument) as one line."""
    message = error.format_message().replace("Value error, ", "")
    ctx = getattr(error, "ctx", None)
    command = ctx.command_path if ctx is not None else "zgscaffold"
    return plain(f"{message} (see `{command} --help`)", one_line=True)
