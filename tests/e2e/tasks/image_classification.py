"""image-classification: a ViT classifier with its image processor; /classify returns a Label."""

from pathlib import Path

from ._images import (
    concurrent_picture,
    megapixel_bench_calls,
    picture_file,
    upload,
)

HANDLER = "classify"
SIZES = {
    # CPU tests: one layer of width 32 on 32x32 pictures, 7 classes.
    "tiny": dict(
        model=dict(
            image_size=32,
            patch_size=8,
            hidden_size=32,
            num_hidden_layers=1,
            num_attention_heads=2,
            intermediate_size=37,
        ),
        labels=7,
    ),
    # GPU benchmark: google/vit-base-patch16-224's shape (about 86.6M parameters, 1000 classes).
    "bench": dict(
        model=dict(
            image_size=224,
            patch_size=16,
            hidden_size=768,
            num_hidden_layers=12,
            num_attention_heads=12,
            intermediate_size=3072,
        ),
        labels=1000,
    ),
}


def config(scale: str):
    from transformers import ViTConfig

    size = SIZES[scale]
    labels = {i: f"class_{i}" for i in range(size["labels"])}
    return ViTConfig(
        **size["model"], id2label=labels, label2id={label: i for i, label in labels.items()}
    )


def build_model(dest: Path, scale: str = "tiny") -> None:
    import torch
    from transformers import ViTForImageClassification, ViTImageProcessor

    torch.manual_seed(0)
    model = ViTForImageClassification(config(scale))
    model.save_pretrained(dest)
    side = SIZES[scale]["model"]["image_size"]
    ViTImageProcessor(size={"height": side, "width": side}).save_pretrained(dest)


def _scores(label: dict) -> dict[str, float]:
    return {item["label"]: item["confidence"] for item in label["confidences"]}


def check_endpoints(client, app_dir: Path) -> None:
    """A 64x48 PNG gets the top 5 of the 7 classes, best first; no image is refused."""
    from gradio_client import handle_file
    from gradio_client.exceptions import AppError

    path = picture_file(64, 48, folder=app_dir)
    label = client.predict(handle_file(str(path)), api_name="/classify")
    assert isinstance(label, dict), f"not a Label: {label!r}"
    scores = _scores(label)
    assert len(scores) == 5 and set(scores) <= {f"class_{i}" for i in range(7)}, label
    values = list(scores.values())
    assert all(0.0 <= value <= 1.0 for value in values), label
    assert values == sorted(values, reverse=True), label
    assert label["label"] == next(iter(scores)), label
    try:
        client.predict(None, api_name="/classify")
    except AppError as error:
        assert "Upload an image first." in str(error), error
    else:
        raise AssertionError("no image was not refused")


def concurrent_call(client, index: int):
    from gradio_client import handle_file

    label = client.predict(handle_file(str(concurrent_picture(index))), api_name="/classify")
    return {name: round(score, 6) for name, score in _scores(label).items()}, []


def browse(page) -> None:
    upload(page, picture_file(320, 240))
    page.get_by_role("button", name="Classify").click()
    page.locator("[data-testid='label-output-value'], .output-class").first.wait_for(timeout=60_000)


def bench_calls() -> list[tuple[str, tuple, dict]]:
    return megapixel_bench_calls()
