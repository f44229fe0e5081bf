"""zero-shot-image-classification: a CLIP with its processor; /classify scores typed labels."""

import string
from pathlib import Path

from ._images import concurrent_picture, picture, picture_file, upload
from ._tokens import WORDS, byte_level_vocab

HANDLER = "classify"
SPECIAL = {"bos_token_id": 0, "eos_token_id": 1, "pad_token_id": 1}
SIZES = {
    # CPU tests: one layer of width 32 per tower, 32x32 pictures, a vocabulary of characters.
    "tiny": dict(
        text=dict(hidden_size=32, num_hidden_layers=1, num_attention_heads=2, intermediate_size=37),
        vision=dict(
            hidden_size=32,
            num_hidden_layers=1,
            num_attention_heads=2,
            intermediate_size=37,
            image_size=32,
            patch_size=8,
        ),
        projection_dim=16,
        vocab_size=None,
    ),
    # GPU benchmark: openai/clip-vit-base-patch32's shape (about 151M parameters,
    # 49408 tokens).
    "bench": dict(
        text=dict(
            hidden_size=512, num_hidden_layers=12, num_attention_heads=8, intermediate_size=2048
        ),
        vision=dict(
            hidden_size=768,
            num_hidden_layers=12,
            num_attention_heads=12,
            intermediate_size=3072,
            image_size=224,
            patch_size=32,
        ),
        projection_dim=512,
        vocab_size=49_408,
    ),
}
LABELS = ["a cat", "a dog", "a car", "a landscape", "a fox", "a robot", "a clock", "snow"]


def vocabulary(size: int | None) -> dict[str, int]:
    """Characters with their end-of-word forms (tiny), or a byte-level one of `size` tokens."""
    specials = ["<|startoftext|>", "<|endoftext|>"]
    if size is None:
        vocab = {token: index for index, token in enumerate(specials)}
        for char in string.ascii_lowercase + string.digits + ".,'":
            vocab[char] = len(vocab)
            vocab[char + "</w>"] = len(vocab)
        return vocab
    fillers = size - len(byte_level_vocab(specials, suffix="</w>"))
    vocab = byte_level_vocab(specials, extra_words=fillers, suffix="</w>")
    assert len(vocab) == size, len(vocab)
    return vocab


def config(scale: str):
    from transformers import CLIPConfig

    size = SIZES[scale]
    return CLIPConfig(
        text_config=dict(
            vocab_size=len(vocabulary(size["vocab_size"])),
            max_position_embeddings=77,
            **size["text"],
            **SPECIAL,
        ),
        vision_config=size["vision"],
        projection_dim=size["projection_dim"],
    )


def build_model(dest: Path, scale: str = "tiny") -> None:
    import torch
    from transformers import CLIPImageProcessor, CLIPModel, CLIPProcessor, CLIPTokenizer

    torch.manual_seed(0)
    CLIPModel(config(scale)).save_pretrained(dest)
    side = SIZES[scale]["vision"]["image_size"]
    CLIPProcessor(
        image_processor=CLIPImageProcessor(
            size={"shortest_edge": side}, crop_size={"height": side, "width": side}
        ),
        tokenizer=CLIPTokenizer(vocab=vocabulary(SIZES[scale]["vocab_size"]), merges=[]),
    ).save_pretrained(dest)


def _scores(label: dict) -> dict[str, float]:
    return {item["label"]: item["confidence"] for item in label["confidences"]}


def check_endpoints(client, app_dir: Path) -> None:
    """Repeats and blanks in the labels are dropped, the scores sum to 1; one label,
    51 labels and no image are each refused with the app's message."""
    from gradio_client import handle_file
    from gradio_client.exceptions import AppError

    image = handle_file(str(picture_file(64, 48, folder=app_dir)))
    label = client.predict(image, "a cat, a dog,, a car, a cat ", api_name="/classify")
    assert isinstance(label, dict), f"not a Label: {label!r}"
    scores = _scores(label)
    assert sorted(scores) == ["a car", "a cat", "a dog"], label
    assert abs(sum(scores.values()) - 1.0) < 1e-3, label
    assert list(scores.values()) == sorted(scores.values(), reverse=True), label
    refusals = [
        ((image, "only one"), "Candidate labels: type at least two, separated by commas."),
        ((image, ", ".join(f"w{n}" for n in range(51))), "Candidate labels: at most 50, got 51."),
        ((None, "a cat, a dog"), "Upload an image first."),
    ]
    for arguments, message in refusals:
        try:
            client.predict(*arguments, api_name="/classify")
        except AppError as error:
            assert message in str(error), error
        else:
            raise AssertionError(f"{arguments[1]!r} was not refused")


def concurrent_call(client, index: int):
    from gradio_client import handle_file

    labels = ", ".join(LABELS[: 2 + index % 7])
    image = handle_file(str(concurrent_picture(index)))
    label = client.predict(image, labels, api_name="/classify")
    return {name: round(score, 6) for name, score in _scores(label).items()}, []


def browse(page) -> None:
    upload(page, picture_file(320, 240))
    page.get_by_role("button", name="Classify").click()
    page.locator("[data-testid='label-output-value'], .output-class").first.wait_for(timeout=60_000)


def bench_calls() -> list[tuple[str, tuple, dict]]:
    """2 to 50 labels (the app's MAX_LABELS) on a 640x480 picture."""
    image = picture(640, 480)
    calls = []
    for count in (2, 10, 25, 50):
        labels = ", ".join(f"a photo of a {WORDS[n % len(WORDS)]} {n}" for n in range(count))
        calls.append((f"{count} labels", (image, labels), {"labels": count}))
    return calls
