"""The one error family the CLI prints as a single line."""


class ZgError(Exception):
    """A failure with a message meant for the user and the exit code to leave with."""

    exit_code = 1


class BadInput(ZgError):
    """The user's input cannot be used; the message names it and the fix."""

    exit_code = 2


class RenderFailed(ZgError):
    """Rendering, locking or exporting a Space failed."""

    exit_code = 1
