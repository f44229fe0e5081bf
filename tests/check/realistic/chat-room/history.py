"""What the room remembers."""

import json

last_message = ""


def remember(message: str) -> None:
    global last_message
    last_message = message  # expect: ZG501
    with open("log.json", "w") as handle:  # expect: ZG502
        json.dump({"last": message}, handle)
