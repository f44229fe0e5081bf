"""text-to-speech: a VITS voice with a character tokenizer; /speak returns a 16-bit WAV."""

import json
import string
import wave
from pathlib import Path

HANDLER = "speak"
CHARS = ["<pad>", "<unk>", " ", *string.ascii_lowercase, *".,!?'"]
SIZES = {
    # CPU tests: a few thousand parameters. No noise, so a text always gives the
    # same samples (the concurrency test compares them).
    "tiny": dict(
        hidden_size=16,
        num_hidden_layers=1,
        num_attention_heads=2,
        ffn_dim=16,
        flow_size=8,
        spectrogram_bins=9,
        upsample_initial_channel=16,
        upsample_rates=[4, 4],
        upsample_kernel_sizes=[8, 8],
        resblock_kernel_sizes=[3],
        resblock_dilation_sizes=[[1, 3]],
        prior_encoder_num_flows=1,
        prior_encoder_num_wavenet_layers=1,
        posterior_encoder_num_wavenet_layers=1,
        duration_predictor_num_flows=1,
        duration_predictor_filter_channels=16,
        depth_separable_num_layers=1,
        noise_scale=0.0,
        noise_scale_duration=0.0,
    ),
    # GPU benchmark: facebook/mms-tts-eng's shape (VITS, about 36M parameters).
    "bench": dict(
        hidden_size=192,
        num_hidden_layers=6,
        num_attention_heads=2,
        window_size=4,
        ffn_dim=768,
        flow_size=192,
        spectrogram_bins=513,
        upsample_initial_channel=512,
        upsample_rates=[8, 8, 2, 2],
        upsample_kernel_sizes=[16, 16, 4, 4],
        resblock_kernel_sizes=[3, 7, 11],
        resblock_dilation_sizes=[[1, 3, 5], [1, 3, 5], [1, 3, 5]],
        prior_encoder_num_flows=4,
        prior_encoder_num_wavenet_layers=4,
        posterior_encoder_num_wavenet_layers=16,
        duration_predictor_num_flows=4,
        duration_predictor_filter_channels=256,
        depth_separable_num_layers=3,
    ),
}
RATE = 16_000
MAX_CHARS = 2000  # the app's limit
TEXTS = [
    "zero gpu lends this space a gpu.",
    "hello there",
    "the quick brown fox",
    "a robot reads aloud!",
    "snow at dawn, in the forest.",
    "what does a lighthouse say?",
    "tiny models speak in noise",
    "one more sentence, the eighth",
]


def config(scale: str):
    from transformers import VitsConfig

    return VitsConfig(vocab_size=len(CHARS), sampling_rate=RATE, **SIZES[scale])


def build_model(dest: Path, scale: str = "tiny") -> None:
    import torch
    from transformers import VitsModel, VitsTokenizer

    dest.mkdir(parents=True, exist_ok=True)
    vocab_file = dest / "vocab.json"
    vocab_file.write_text(json.dumps({c: i for i, c in enumerate(CHARS)}))
    tokenizer = VitsTokenizer(vocab_file=str(vocab_file), add_blank=True, phonemize=False)
    tokenizer.save_pretrained(dest)
    torch.manual_seed(0)
    VitsModel(config(scale)).save_pretrained(dest)


def read_wav(path) -> tuple[int, bytes]:
    """(rate, frames) of a mono 16-bit WAV file, checking its format."""
    assert Path(path).is_file(), f"no audio file at {path}"
    with wave.open(str(path), "rb") as audio:
        assert audio.getnchannels() == 1 and audio.getsampwidth() == 2, "not mono 16-bit"
        return audio.getframerate(), audio.readframes(audio.getnframes())


def check_endpoints(client, app_dir: Path) -> None:
    """A sentence becomes a 16 kHz mono 16-bit WAV; empty text is refused."""
    from gradio_client.exceptions import AppError

    path = client.predict(TEXTS[0], api_name="/speak")
    assert str(path).endswith(".wav"), f"not a WAV: {path}"
    rate, frames = read_wav(path)
    assert rate == RATE and len(frames) > 0, (rate, len(frames))
    try:
        client.predict("   ", api_name="/speak")
    except AppError as error:
        assert "Type some text first" in str(error), error
    else:
        raise AssertionError("blank text was not refused")


def concurrent_call(client, index: int):
    path = client.predict(TEXTS[index], api_name="/speak")
    return read_wav(path), [path]


def browse(page) -> None:
    page.get_by_label("Text").fill("ZeroGPU lends this Space a GPU only while it speaks.")
    page.get_by_role("button", name="Submit").click()
    page.locator("audio[src], [data-testid='waveform-Speech'], .waveform-container").first.wait_for(
        state="attached", timeout=60_000
    )


def bench_calls() -> list[tuple[str, tuple, dict]]:
    sentence = "the quick brown fox jumps over the lazy dog. "
    calls = []
    for chars in (45, 500, MAX_CHARS):
        text = (sentence * (chars // len(sentence) + 1))[:chars].strip()
        calls.append((f"{len(text)} characters", (text,), {"chars": len(text)}))
    return calls
