"""image-to-text: a tiny BLIP question-answering model and its processor; /answer."""

import string
from pathlib import Path

HANDLER = "answer"
WORDS = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "[DEC]", "what", "is", "this", "?"]
SMALL = dict(hidden_size=32, num_hidden_layers=1, num_attention_heads=2, intermediate_size=37)
BASE = dict(hidden_size=768, num_hidden_layers=12, num_attention_heads=12, intermediate_size=3072)
SIZES = {
    # CPU tests: one layer of width 32 on 32x32 images, a 36-token vocabulary.
    "tiny": dict(
        text=dict(max_position_embeddings=64, **SMALL),
        vision=dict(image_size=32, patch_size=8, **SMALL),
        projection_dim=16,
        vocab_size=0,  # just WORDS and the letters
    ),
    # GPU benchmark: blip-vqa-base's shape (ViT-B/16 at 384 px, BERT-base encoder and
    # decoder, 30524 tokens: about 361M parameters, 385M in the checkpoint with the
    # tied LM head stored).
    "bench": dict(
        text=dict(max_position_embeddings=512, **BASE),
        vision=dict(image_size=384, patch_size=16, **BASE),
        projection_dim=512,
        vocab_size=30_524,
    ),
}
MAX_NEW_TOKENS = 128


def vocabulary(size: int) -> dict[str, int]:
    """WORDS and the letters, padded with filler words up to `size` tokens."""
    pieces = [*WORDS, *string.ascii_lowercase]
    pieces += [f"w{n}" for n in range(max(0, size - len(pieces)))]
    return {word: index for index, word in enumerate(pieces)}


def build_model(dest: Path, scale: str = "tiny") -> None:
    import torch
    from transformers import (
        BertTokenizer,
        BlipConfig,
        BlipForQuestionAnswering,
        BlipImageProcessor,
        BlipProcessor,
    )

    size = SIZES[scale]
    vocab = vocabulary(size["vocab_size"])
    special = {"bos_token_id": vocab["[DEC]"], "sep_token_id": vocab["[SEP]"], "pad_token_id": 0}
    config = BlipConfig(
        text_config=dict(vocab_size=len(vocab), **size["text"], **special),
        vision_config=size["vision"],
        projection_dim=size["projection_dim"],
    )
    torch.manual_seed(0)
    BlipForQuestionAnswering(config).save_pretrained(dest)
    side = size["vision"]["image_size"]
    BlipProcessor(
        image_processor=BlipImageProcessor(size={"height": side, "width": side}),
        tokenizer=BertTokenizer(vocab=vocab, bos_token="[DEC]"),
    ).save_pretrained(dest)


def photo(path: Path, width: int, height: int, seed: int) -> Path:
    import numpy as np
    from PIL import Image

    pixels = np.random.default_rng(seed).integers(0, 256, (height, width, 3), dtype=np.uint8)
    Image.fromarray(pixels).save(path)
    return path


def gradient(path: Path, width: int, height: int) -> Path:
    """A smooth picture for the gallery screenshot (noise would bloat the PNG)."""
    import numpy as np
    from PIL import Image

    x = np.linspace(0, 255, width, dtype=np.uint8)[None, :].repeat(height, 0)
    y = np.linspace(0, 255, height, dtype=np.uint8)[:, None].repeat(width, 1)
    Image.fromarray(np.stack([x, y, 255 - x], axis=2)).save(path)
    return path


def check_endpoints(client, app_dir: Path) -> None:
    """A question about a PNG gets a string of at most max_new_tokens words; the app
    refuses a blank question and a missing image with its own messages."""
    import pytest
    from gradio_client import handle_file
    from gradio_client.exceptions import AppError

    image = handle_file(str(photo(app_dir / "photo.png", 64, 48, 0)))
    text = client.predict(image, "what is this?", 6, api_name="/answer")
    assert isinstance(text, str) and text.strip(), f"answer is {text!r}"
    assert 1 <= len(text.split()) <= 6
    with pytest.raises(AppError) as refused:
        client.predict(image, "   ", 6, api_name="/answer")
    assert str(refused.value) == "Type a question first."
    with pytest.raises(AppError) as refused:
        client.predict(None, "what is this?", 6, api_name="/answer")
    assert str(refused.value) == "Upload an image first."


def concurrent_call(client, index: int):
    import tempfile

    from gradio_client import handle_file

    folder = Path(tempfile.mkdtemp(prefix="zg-vqa-"))
    image = handle_file(str(photo(folder / f"photo-{index}.png", 40 + 8 * index, 32, index)))
    question = "what is this?" if index % 2 else "is this a?"
    return client.predict(image, question, 2 + index, api_name="/answer"), []


def browse(page) -> None:
    import tempfile

    path = gradient(Path(tempfile.mkdtemp()) / "photo.png", 320, 240)
    page.locator("input[type=file]").first.set_input_files(str(path))
    page.locator("img[src*='file='], img[src*='/file'], img[src^='blob:']").first.wait_for(
        timeout=30_000
    )
    page.get_by_label("Question").fill("what is this?")
    page.get_by_role("button", name="Answer").click()
    answer = page.get_by_label("Answer", exact=True)
    page.wait_for_function(
        "el => el.value.trim().length > 0", arg=answer.element_handle(), timeout=60_000
    )


def bench_calls() -> list[tuple[str, tuple, dict]]:
    from PIL import Image

    image = Image.new("RGB", (640, 480), (120, 160, 200))
    return [
        (f"{tokens} new tokens", (image, "what is in the picture?", tokens), {"tokens": tokens})
        for tokens in (8, 32, MAX_NEW_TOKENS)
    ]
