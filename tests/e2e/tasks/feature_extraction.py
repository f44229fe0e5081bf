"""feature-extraction: a BERT encoder with a WordPiece tokenizer; /embed returns JSON vectors."""

from pathlib import Path

from ._tokens import WORDS
from ._wordpiece import bert_tokenizer

HANDLER = "embed"
SIZES = {
    # CPU tests: a few tens of thousands of parameters, 32 dimensions.
    "tiny": dict(
        hidden_size=32,
        intermediate_size=37,
        num_hidden_layers=2,
        num_attention_heads=4,
        max_position_embeddings=128,
        vocab_size=0,  # just the tokenizer's own pieces
    ),
    # GPU benchmark: sentence-transformers/all-MiniLM-L6-v2's shape (about 23M
    # parameters, 384 dimensions, 30522 tokens).
    "bench": dict(
        hidden_size=384,
        intermediate_size=1536,
        num_hidden_layers=6,
        num_attention_heads=12,
        max_position_embeddings=512,
        vocab_size=30_522,
    ),
}
MAX_TEXTS = 64  # the app's limit
TEXTS = "A GPU is lent per call.\nZeroGPU shares GPUs between Spaces.\n\n  I like tea.  "


def config(scale: str, vocab_size: int, pad_token_id: int = 0):
    from transformers import BertConfig

    size = {**SIZES[scale], "vocab_size": vocab_size}
    return BertConfig(pad_token_id=pad_token_id, **size)


def build_model(dest: Path, scale: str = "tiny") -> None:
    import torch
    from transformers import BertModel

    dest.mkdir(parents=True, exist_ok=True)
    size = SIZES[scale]
    tokenizer = bert_tokenizer(dest, size["vocab_size"], size["max_position_embeddings"])
    torch.manual_seed(0)
    BertModel(config(scale, len(tokenizer), tokenizer.pad_token_id)).save_pretrained(dest)


def check_embeddings(result, texts: list[str], normalized: bool) -> int:
    import math

    assert isinstance(result, dict), f"not a JSON object: {result!r}"
    dimensions = result["dimensions"]
    assert isinstance(dimensions, int) and dimensions > 0, result
    assert [item["text"] for item in result["embeddings"]] == texts, result
    for item in result["embeddings"]:
        vector = item["vector"]
        assert len(vector) == dimensions and all(isinstance(v, float) for v in vector)
        if normalized:
            assert math.isclose(math.hypot(*vector), 1.0, abs_tol=1e-4), item["text"]
    return dimensions


def check_endpoints(client, app_dir: Path) -> None:
    """Three lines (one blank skipped) give three vectors, unit length when asked;
    an empty batch and one over the limit are refused with the app's messages."""
    from gradio_client.exceptions import AppError

    texts = ["A GPU is lent per call.", "ZeroGPU shares GPUs between Spaces.", "I like tea."]
    result = client.predict(TEXTS, True, api_name="/embed")
    assert check_embeddings(result, texts, normalized=True) == SIZES["tiny"]["hidden_size"]
    raw = client.predict("only one text", False, api_name="/embed")
    check_embeddings(raw, ["only one text"], normalized=False)
    for bad, message in (
        ("\n \n", "Type at least one text"),
        ("\n".join(["a cat"] * (MAX_TEXTS + 1)), f"Embed at most {MAX_TEXTS} texts"),
    ):
        try:
            client.predict(bad, True, api_name="/embed")
        except AppError as error:
            assert message in str(error), error
        else:
            raise AssertionError(f"{bad[:20]!r} was not refused")


def concurrent_call(client, index: int):
    texts = [" ".join(WORDS[line : line + 3 + index]) for line in range(1 + index % 3)]
    result = client.predict("\n".join(texts), index % 2 == 0, api_name="/embed")
    check_embeddings(result, texts, normalized=index % 2 == 0)
    return result, []


def browse(page) -> None:
    page.get_by_label("Texts, one per line").fill(TEXTS.strip())
    page.get_by_role("button", name="Submit").click()
    page.get_by_text("dimensions").first.wait_for(timeout=60_000)


def bench_calls() -> list[tuple[str, tuple, dict]]:
    """From one short text to the app's largest batch of 512-token texts."""
    calls = []
    for count, words in ((1, 10), (16, 100), (MAX_TEXTS, 500)):
        text = " ".join((WORDS * (words // len(WORDS) + 1))[:words])
        texts = "\n".join([text] * count)
        calls.append((f"{count} x {words} words", (texts, True), {"chars": len(texts)}))
    return calls
