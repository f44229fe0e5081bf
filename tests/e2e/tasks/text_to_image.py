"""text-to-image: a tiny StableDiffusionPipeline; /generate returns a PNG file.

The FLUX.1-schnell preset (PRESETS) is a FluxPipeline, built the same way."""

from pathlib import Path

from ._tokens import WORDS, byte_level_vocab

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
    from transformers import CLIPTextModel

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
    tokenizer = clip_tokenizer()
    text_encoder = CLIPTextModel(clip_config(tokenizer, size["text"]))
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


def clip_tokenizer():
    from transformers import CLIPTokenizer

    return CLIPTokenizer(
        vocab=byte_level_vocab(["<|startoftext|>", "<|endoftext|>"], suffix="</w>"),
        merges=[],
        model_max_length=77,
    )


def clip_config(tokenizer, text: dict):
    """A CLIP text encoder's config of the shape `text` (its vocab_size defaults to the
    tokenizer's)."""
    from transformers import CLIPTextConfig

    return CLIPTextConfig(
        **{
            "vocab_size": len(tokenizer),
            "max_position_embeddings": 77,
            "bos_token_id": 0,
            "eos_token_id": 1,
            "pad_token_id": 1,
            "projection_dim": text["hidden_size"],
            **text,
        }
    )


FLUX_SIZES = {
    # CPU tests: a two-block transformer, a few hundred thousand parameters in all.
    "tiny": dict(
        transformer=dict(
            num_layers=1,
            num_single_layers=1,
            attention_head_dim=16,
            num_attention_heads=2,
            axes_dims_rope=(4, 4, 8),  # sums to attention_head_dim
        ),
        vae=dict(block_out_channels=(32, 32, 32, 32), layers_per_block=1),
        clip=dict(hidden_size=32, intermediate_size=37, num_hidden_layers=2, num_attention_heads=4),
        t5=dict(d_model=32, d_kv=8, d_ff=37, num_layers=2, num_heads=4),
    ),
    # GPU benchmark: FLUX.1-schnell's shapes (diffusers' FluxTransformer2DModel defaults
    # are FLUX.1's ~11.9B transformer; T5-XXL ~4.7B; CLIP-L ~123M; its VAE ~84M).
    "bench": dict(
        transformer=dict(),
        vae=dict(block_out_channels=(128, 256, 512, 512), layers_per_block=2),
        clip=dict(
            vocab_size=49408,
            hidden_size=768,
            intermediate_size=3072,
            num_hidden_layers=12,
            num_attention_heads=12,
            hidden_act="quick_gelu",
        ),
        t5=dict(vocab_size=32128, d_model=4096, d_kv=64, d_ff=10240, num_layers=24, num_heads=64),
    ),
}


def t5_tokenizer():
    """A T5 (Unigram) tokenizer built from a list, no sentencepiece model: T5's special
    tokens, then WORDS and every printable ASCII character."""
    from transformers import T5TokenizerFast

    start = "\u2581"  # SentencePiece's word-start mark
    vocab = [("<pad>", 0.0), ("</s>", 0.0), ("<unk>", 0.0), (start, -2.0)]
    vocab += [(start + word, -5.0) for word in WORDS]
    vocab += [(chr(code), -10.0) for code in range(ord("!"), ord("~") + 1)]
    return T5TokenizerFast(vocab=vocab, extra_ids=0, model_max_length=512)


def build_flux(dest: Path, scale: str = "tiny") -> None:
    """A FluxPipeline of the shape FLUX_SIZES[scale], in bfloat16, saved to `dest`."""
    import torch
    from diffusers import (
        AutoencoderKL,
        FlowMatchEulerDiscreteScheduler,
        FluxPipeline,
        FluxTransformer2DModel,
    )
    from transformers import CLIPTextModel, T5Config, T5EncoderModel

    size = FLUX_SIZES[scale]
    tokenizer, tokenizer_2 = clip_tokenizer(), t5_tokenizer()
    t5 = {"vocab_size": len(tokenizer_2), **size["t5"]}
    latent_channels = 16
    n_down = len(size["vae"]["block_out_channels"])
    with torch.device("meta"):
        vae = AutoencoderKL(
            in_channels=3,
            out_channels=3,
            down_block_types=("DownEncoderBlock2D",) * n_down,
            up_block_types=("UpDecoderBlock2D",) * n_down,
            latent_channels=latent_channels,
            norm_num_groups=32,
            sample_size=1024,
            scaling_factor=0.3611,
            shift_factor=0.1159,
            use_quant_conv=False,
            use_post_quant_conv=False,
            **size["vae"],
        )
        text_encoder = CLIPTextModel(clip_config(tokenizer, size["clip"]))
        text_encoder_2 = T5EncoderModel(
            T5Config(
                feed_forward_proj="gated-gelu",
                pad_token_id=0,
                eos_token_id=1,
                decoder_start_token_id=0,
                **t5,
            )
        )
        transformer = FluxTransformer2DModel(
            **{
                # The pipeline packs 2x2 patches of latents into each token.
                "in_channels": latent_channels * 4,
                "joint_attention_dim": t5["d_model"],
                "pooled_projection_dim": size["clip"]["hidden_size"],
                **size["transformer"],
            }
        )
    pipe = FluxPipeline(
        scheduler=FlowMatchEulerDiscreteScheduler(shift=1.0, use_dynamic_shifting=False),
        vae=materialize(vae, seed=0),
        text_encoder=materialize(text_encoder, seed=1),
        tokenizer=tokenizer,
        text_encoder_2=materialize(text_encoder_2, seed=2),
        tokenizer_2=tokenizer_2,
        transformer=materialize(transformer, seed=3),
    )
    pipe.save_pretrained(dest)


def materialize(module, seed: int):
    """`module` (made on the meta device) in bfloat16 on the CPU, with cheap random
    weights: norm scales 1, biases 0, the rest N(0, 0.02). Default initialization of
    FLUX's 17B parameters would take minutes; only the shapes matter for timings."""
    from concurrent.futures import ThreadPoolExecutor

    import torch

    module = module.bfloat16().to_empty(device="cpu")
    if hasattr(module, "tie_weights"):  # to_empty unties shared embeddings (T5's)
        module.tie_weights()
    named = list(module.named_parameters())

    @torch.no_grad()
    def fill(index: int) -> None:
        name, parameter = named[index]
        if parameter.ndim == 1:
            parameter.fill_(1.0 if name.endswith("weight") else 0.0)
        else:
            # A generator per tensor: the same weights whatever the thread count.
            generator = torch.Generator().manual_seed(seed * 100_000 + index)
            parameter.normal_(0.0, 0.02, generator=generator)

    # torch releases the GIL while filling, so threads fill several tensors at once.
    with ThreadPoolExecutor(torch.get_num_threads()) as pool:
        list(pool.map(fill, range(len(named))))
    return module


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
    return _calls(((1, 512), (4, 512), (4, 768), (8, 1024)))


PRESETS = {"black-forest-labs/FLUX.1-schnell": build_flux}
# Each preset's timed (steps, side) pairs: its default 4 steps, up to the app's
# MAX_STEPS at MAX_SIDE.
PRESET_CALLS = {
    "black-forest-labs/FLUX.1-schnell": ((4, 512), (4, 1024), (8, 1024), (50, 1024)),
}


def preset_bench_calls(model_id: str) -> list[tuple[str, tuple, dict]]:
    return _calls(PRESET_CALLS[model_id])


def _calls(shapes) -> list[tuple[str, tuple, dict]]:
    calls = []
    for steps, side in shapes:
        calls.append(
            (
                f"{steps} steps {side}x{side}",
                ("A lighthouse at dawn", steps, side, side, 0.0, 1),
                {"steps": steps, "side": side},
            )
        )
    return calls
