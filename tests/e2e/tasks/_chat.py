"""The /chat endpoint of the gr.ChatInterface apps (text-generation, chat-lora)."""

import itertools
from pathlib import Path

import yaml

FACTS = Path(__file__).resolve().parents[3] / "facts" / "zerogpu.yml"

# Words every tiny chat vocabulary knows (see _tokens.WORDS).
PROMPT_WORDS = ["tiny", "robot", "clock", "fox", "snow", "dawn", "gpu", "chat"]


def check_streamed_reply(client, message: str, sampled_message: str) -> None:
    """Stream one greedy reply in several growing chunks, then make one sampled call."""
    job = client.submit(message, 16, 0.0, api_name="/chat")
    chunks = [chunk for chunk in job]
    final = job.result()
    assert isinstance(final, str) and final.strip(), f"empty reply: {final!r}"
    texts = [c if isinstance(c, str) else str(c) for c in chunks]
    distinct = [t for i, t in enumerate(texts) if i == 0 or t != texts[i - 1]]
    assert len(distinct) > 1, f"reply arrived in one piece: {chunks!r}"
    assert all(later.startswith(earlier) for earlier, later in itertools.pairwise(distinct)), (
        f"later chunks do not extend the earlier ones: {texts!r}"
    )
    sampled = client.predict(sampled_message, 16, 1.0, api_name="/chat")
    assert isinstance(sampled, str) and sampled.strip()


def greedy_reply(client, index: int):
    """One greedy reply for the index-th prompt (deterministic: comparable across calls)."""
    prompt = " ".join(PROMPT_WORDS[: index + 1])
    return client.predict(prompt, 16, 0.0, api_name="/chat"), []


def send_message(page) -> None:
    """Type a message, send it, and wait for the bot's reply to show."""
    box = page.get_by_role("textbox").first
    box.fill("Explain what a GPU does")
    box.press("Enter")
    page.wait_for_function(
        "() => [...document.querySelectorAll('[data-testid=\"bot\"], .message.bot')]"
        ".some(e => e.innerText.trim().length > 0)",
        timeout=60_000,
    )


def bench_calls(task: str) -> list[tuple[str, tuple, dict]]:
    """(label, handler arguments, inputs that drive the dynamic estimate): 64 and 256 new
    tokens, and the most the app's slider allows (the facts' limit)."""
    limit = yaml.safe_load(FACTS.read_text())["tasks"][task]["limits"]["max_new_tokens"]
    return [
        (
            f"{tokens} new tokens",
            ("Explain what a GPU does", [], tokens, 0.7),
            {"max_new_tokens": tokens},
        )
        for tokens in (64, 256, limit)
    ]
