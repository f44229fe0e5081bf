"""What the fuzz tests share: example counts, strategies
for any text, and a bound on the time one input may take.

ZGSCAFFOLD_FUZZ_EXAMPLES sets how many examples every fuzz test draws (default: a few,
for the fast lane); ZGSCAFFOLD_FUZZ_SEED picks another seed (default: a fixed one,
so that a plain run is reproducible).
"""

import contextlib
import io
import os
import signal
import sys
from collections.abc import Iterator
from pathlib import Path

from hypothesis import HealthCheck, seed, settings
from hypothesis import strategies as st

REPO = Path(__file__).resolve().parents[2]
SEED = int(os.environ.get("ZGSCAFFOLD_FUZZ_SEED", "20261202"))
SECONDS_PER_SPACE = 10  # a checker run on one Space slower than this is a hang
SECONDS_PER_RENDER = 60  # copier on 2 busy cores: a render slower than this is a hang


def fuzz_settings(default_examples: int):
    """Seeded hypothesis settings drawing ZGSCAFFOLD_FUZZ_EXAMPLES examples, or the default."""
    examples = int(os.environ.get("ZGSCAFFOLD_FUZZ_EXAMPLES", default_examples))

    def apply(test):
        configured = settings(
            max_examples=examples,
            deadline=None,  # the time bound is `bounded`, which names the input
            database=None,
            suppress_health_check=[
                HealthCheck.too_slow,
                HealthCheck.function_scoped_fixture,
                HealthCheck.data_too_large,
            ],
        )
        return seed(SEED)(configured(test))

    return apply


@contextlib.contextmanager
def bounded(what: str, seconds: int = SECONDS_PER_SPACE) -> Iterator[None]:
    """Fail with `what` named when the block takes over `seconds`."""

    def hang(_signum, _frame):
        raise AssertionError(f"{what} took over {seconds} s (a hang)")

    previous = signal.signal(signal.SIGALRM, hang)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def run_cli(args: list[str]) -> tuple[int, str, str]:
    """`zgscaffold ARGS` through the console script's main(): (exit code, stdout, stderr)."""
    from zgscaffold.cli import main

    # strict UTF-8 streams, as a terminal: text that cannot be encoded fails here too
    out, err = (io.TextIOWrapper(io.BytesIO(), encoding="utf-8") for _ in range(2))
    argv = sys.argv
    sys.argv = ["zgscaffold", *args]
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                main()
                code = 0
            except SystemExit as exit_:
                code = exit_.code if isinstance(exit_.code, int) else 1
    finally:
        sys.argv = argv
    return code, _written(out), _written(err)


def _written(stream: io.TextIOWrapper) -> str:
    stream.flush()
    return stream.buffer.getvalue().decode("utf-8")  # type: ignore[attr-defined]


# Characters formats and terminals trip on, drawn often beside any other character.
SPECIAL = list("\x00\t\n\r\x0b\x1b\x7f\x85\x9b\xa0\u2028\u2029\ufeff\ufffe\uffff\udcff\ud800")
SPECIAL += [*"\U0010fffe'\"\\#:[]{}&*!|>%@`-?,~=", "\u200b", "\u0301", "🚀"]
characters = st.one_of(
    st.characters(codec=None, categories=None),  # every code point, surrogates included
    st.sampled_from(SPECIAL),
)
any_text = st.text(alphabet=characters, max_size=40)
# Strings YAML 1.1 reads as something else when written bare.
COERCED = ["null", "~", "off", "yes", "No", "010", "0x1f", "0o17", "1e3", ".inf", "2024-01-01"]
COERCED += ["1_000", "12:30", "True", "<<", "=", "-", "!tag"]

# What the answer validators refuse (includes/answers.jinja): line breaks and every other
# control character (C0, DEL, C1 with NEL), U+2028/U+2029, noncharacters, lone surrogates.
NONCHARACTERS = {chr(c) for c in range(0xFDD0, 0xFDF0)} | {
    chr(plane * 0x10000 + low) for plane in range(17) for low in (0xFFFE, 0xFFFF)
}


def refused_character(text: str) -> str | None:
    """The first character of `text` the validators must refuse, or None."""
    for character in text:
        code = ord(character)
        if (
            code < 0x20
            or 0x7F <= code <= 0x9F
            or character in "\u2028\u2029"
            or character in NONCHARACTERS
            or 0xD800 <= code <= 0xDFFF
        ):
            return character
    return None
