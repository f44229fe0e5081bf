"""text-to-image: a tiny StableDiffusionPipeline; /generate returns a PNG file."""

from pathlib import Path

from ._tokens import byte_level_vocab

HANDLER = "generate"
SIZES = {
    # CPU tests: a UNet of a few hundred thousand parameters on 32x32 latents.
    "tiny": dict(
        unet=dict(
            block_out_channels=(32, 64),
            layers_per_block=1,
            cross_attention_dim=32,
            attention_head_dim=4,
            norm_num_groups=32,
            down_block_types=("CrossAttnDownBlock2D", "DownBlock2D"),
            up_block_types=("UpBlock2D", "CrossAttnUpBlock2D"),
        ),
        vae=dict(
            block_out_channels=(32, 32, 32, 32),
            layers_per_block=1,
            norm_num_groups=32,
            latent_channels=4,
        ),
        text=dict(hidden_size=32, intermediate_size=37, num_hidden_layers=2, num_attention_heads=4),
    ),
    # GPU benchmark: the shapes of sd-turbo (SD 2.1: UNet ~865M, VAE ~84M, OpenCLIP-H text).
    "bench": dict(
        unet=dict(
            block_out_channels=(320, 640, 1280, 1280),
            layers_per_block=2,
            cross_attention_dim=1024,
            attention_head_dim=(5, 10, 20, 20),
            use_linear_projection=True,
            norm_num_groups=32,
            down_block_types=(
                "CrossAttnDownBlock2D",
                "CrossAttnDownBlock2D",
                "CrossAttnDownBlock2D",
                "DownBlock2D",
            ),
            up_block_types=(
                "UpBlock2D",
                "CrossAttnUpBlock2D",
                "CrossAttnUpBlock2D",
                "CrossAttnUpBlock2D",
            ),
        ),
        vae=dict(
            block_out_channels=(128, 256, 512, 512),
            layers_per_block=2,
            norm_num_groups=32,
            latent_channels=4,
        ),
        text=dict(
            hidden_size=1024,
            intermediate_size=4096,
            num_hidden_layers=23,
            num_attention_heads=16,
            hidden_act="gelu",
        ),
    ),
}


def build_model(dest: Path, scale: str = "tiny") -> None:
    build_pipeline(dest, SIZES[scale])


def build_pipeline(dest: Path, size: dict) -> None:
    """A StableDiffusionPipeline of the shape `size` (as in SIZES; its "vae" may set
    sample_size), saved to `dest`. image-to-image builds its models with it too."""
    import torch
    from diffusers import (
        AutoencoderKL,
        EulerDiscreteScheduler,
        StableDiffusionPipeline,
        UNet2DConditionModel,
    )
    from transformers import CLIPTextConfig, CLIPTextModel, CLIPTokenizer

    torch.manual_seed(0)
    n_down = len(size["vae"]["block_out_channels"])
    vae = AutoencoderKL(
        in_channels=3,
        out_channels=3,
        down_block_types=("DownEncoderBlock2D",) * n_down,
        up_block_types=("UpDecoderBlock2D",) * n_down,
        **{"sample_size": 256, **size["vae"]},
    )
    unet = UNet2DConditionModel(sample_size=32, in_channels=4, out_channels=4, **size["unet"])
    tokenizer = CLIPTokenizer(
        vocab=byte_level_vocab(["<|startoftext|>", "<|endoftext|>"], suffix="</w>"),
        merges=[],
        model_max_length=77,
    )
    text_encoder = CLIPTextModel(
        CLIPTextConfig(
            vocab_size=len(tokenizer),
            max_position_embeddings=77,
            bos_token_id=0,
            eos_token_id=1,
            pad_token_id=1,
            projection_dim=size["text"]["hidden_size"],
            **size["text"],
        )
    )
    scheduler = EulerDiscreteScheduler(
        beta_start=0.00085,
        beta_end=0.012,
        beta_schedule="scaled_linear",
        timestep_spacing="trailing",
        steps_offset=1,
    )
    pipe = StableDiffusionPipeline(
        vae=vae,
        unet=unet,
        text_encoder=text_encoder,
        tokenizer=tokenizer,
        scheduler=scheduler,
        safety_checker=None,
        feature_extractor=None,
        requires_safety_checker=False,
    )
    pipe.save_pretrained(dest)


def _image(path) -> "tuple[int, int]":
    from PIL import Image

    assert Path(path).is_file(), f"no image file at {path}"
    with Image.open(path) as image:
        image.load()
        return image.size


def check_endpoints(client, app_dir: Path) -> None:
    """One image at 256x320: a PNG file of that size that decodes."""
    path = client.predict(
        "A watercolor fox in a snowy forest", 1, 256, 320, 0.0, 3, api_name="/generate"
    )
    assert str(path).endswith(".png"), f"not a PNG: {path}"
    assert _image(path) == (256, 320)


def concurrent_call(client, index: int):
    from PIL import Image

    path = client.predict(
        f"A tiny robot number {index}", 1, 256, 256, 0.0, index, api_name="/generate"
    )
    with Image.open(path) as image:
        return image.tobytes(), [path]


def browse(page) -> None:
    page.get_by_label("Prompt").fill("A lighthouse at dawn")
    page.get_by_role("button", name="Generate").click()
    page.locator("img[src*='file='], img[src*='/file']").first.wait_for(timeout=120_000)


def bench_calls() -> list[tuple[str, tuple, dict]]:
    calls = []
    for steps, side in ((1, 512), (4, 512), (4, 768), (8, 1024)):
        calls.append(
            (
                f"{steps} steps {side}x{side}",
                ("A lighthouse at dawn", steps, side, side, 0.0, 1),
                {"steps": steps, "side": side},
            )
        )
    return calls
