"""speech-to-text: a tiny Whisper with its feature extractor and tokenizer; /transcribe."""

import wave
from pathlib import Path

import numpy as np

from ._tokens import byte_level_vocab

HANDLER = "transcribe"
SPECIALS = [
    "<|endoftext|>",
    "<|startoftranscript|>",
    "<|en|>",
    "<|translate|>",
    "<|transcribe|>",
    "<|startoflm|>",
    "<|startofprev|>",
    "<|nocaptions|>",
    "<|notimestamps|>",
]
SIZES = {
    "tiny": dict(
        d_model=32,
        encoder_layers=1,
        decoder_layers=1,
        encoder_attention_heads=2,
        decoder_attention_heads=2,
        encoder_ffn_dim=64,
        decoder_ffn_dim=64,
        extra_words=200,
    ),
    # GPU benchmark: whisper-base's shape (about 74M parameters, 51865 tokens).
    "bench": dict(
        d_model=512,
        encoder_layers=6,
        decoder_layers=6,
        encoder_attention_heads=8,
        decoder_attention_heads=8,
        encoder_ffn_dim=2048,
        decoder_ffn_dim=2048,
        extra_words=51_500,
    ),
}
RATE = 16_000


def build_model(dest: Path, scale: str = "tiny") -> None:
    import torch
    from transformers import (
        WhisperConfig,
        WhisperFeatureExtractor,
        WhisperForConditionalGeneration,
        WhisperProcessor,
        WhisperTokenizer,
    )

    size = dict(SIZES[scale])
    # As in Whisper, the special tokens come after the text tokens and
    # <|notimestamps|> is the last: ids above it would read as timestamps.
    vocab = byte_level_vocab([], extra_words=size.pop("extra_words"))
    vocab.update({token: len(vocab) + index for index, token in enumerate(SPECIALS)})
    tokenizer = WhisperTokenizer(
        vocab=vocab,
        merges=[],
        model_max_length=448,
        pad_token="<|endoftext|>",
        extra_special_tokens=SPECIALS[1:],
    )
    processor = WhisperProcessor(WhisperFeatureExtractor(feature_size=80), tokenizer)
    processor.save_pretrained(dest)
    ids = {token: vocab[token] for token in SPECIALS}
    torch.manual_seed(0)
    config = WhisperConfig(
        vocab_size=len(tokenizer),
        num_mel_bins=80,
        max_source_positions=1500,
        max_target_positions=448 if scale == "bench" else 64,
        eos_token_id=ids["<|endoftext|>"],
        bos_token_id=ids["<|endoftext|>"],
        pad_token_id=ids["<|endoftext|>"],
        decoder_start_token_id=ids["<|startoftranscript|>"],
        begin_suppress_tokens=[],
        suppress_tokens=[],
        tie_word_embeddings=False,
        **size,
    )
    model = WhisperForConditionalGeneration(config)
    generation = model.generation_config
    generation.no_timestamps_token_id = ids["<|notimestamps|>"]
    generation.is_multilingual = False
    # A random model ends at once; make it decode as much as speech would
    # (about 4 tokens a second, so 120 for a 30 s chunk) so timings are realistic.
    generation.min_new_tokens = 120 if scale == "bench" else 6
    generation.max_length = 448 if scale == "bench" else 24
    model.save_pretrained(dest)


def tone(seconds: float, hertz: float) -> np.ndarray:
    t = np.arange(int(RATE * seconds)) / RATE
    return (np.sin(2 * np.pi * hertz * t) * 0.3 * 32767).astype(np.int16)


def write_wav(path: Path, samples: np.ndarray, rate: int = RATE) -> Path:
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(samples.tobytes())
    return path


def check_endpoints(client, app_dir: Path) -> None:
    """A 44.1 kHz stereo-free WAV (resampled by the app) and a 16 kHz one both transcribe."""
    from gradio_client import handle_file

    for rate in (44_100, RATE):
        path = write_wav(app_dir / f"tone-{rate}.wav", tone(1.5, 440)[: int(rate * 1.5)], rate)
        text = client.predict(handle_file(str(path)), api_name="/transcribe")
        assert isinstance(text, str), f"transcript is {type(text)}"


def concurrent_call(client, index: int):
    import tempfile

    from gradio_client import handle_file

    folder = Path(tempfile.mkdtemp(prefix="zg-asr-"))
    path = write_wav(folder / f"tone-{index}.wav", tone(0.5 + 0.25 * index, 220 * (index + 1)))
    return client.predict(handle_file(str(path)), api_name="/transcribe"), []


def browse(page) -> None:
    import tempfile

    path = write_wav(Path(tempfile.mkdtemp()) / "tone.wav", tone(1.0, 440))
    # The microphone is the first source; switch the component to upload.
    page.locator("button[aria-label*='pload' i]").first.click()
    page.locator("input[type=file]").first.set_input_files(str(path))
    page.locator("audio, [data-testid='waveform-Audio']").first.wait_for(
        state="attached", timeout=30_000
    )
    page.get_by_role("button", name="Transcribe").click()
    page.wait_for_timeout(3000)


def bench_calls() -> list[tuple[str, tuple, dict]]:
    calls = []
    for seconds in (5, 30, 120):
        audio = (RATE, tone(seconds, 440))
        calls.append((f"{seconds} s of audio", (audio,), {"audio_seconds": seconds}))
    return calls
