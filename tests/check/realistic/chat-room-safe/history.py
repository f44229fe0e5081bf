"""What the room remembers: per visitor, in gr.State."""

import json
import tempfile


def remember(notes: list[str], message: str) -> list[str]:
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as handle:
        json.dump({"last": message}, handle)
    return [*notes, message]
