"""audio-classification: an Audio Spectrogram Transformer; /classify returns label scores."""

from pathlib import Path

from .speech_to_text import RATE, tone, write_wav

HANDLER = "classify"
TINY_LABELS = ["speech", "music", "dog"]
SIZES = {
    # CPU tests: 0.32 s of 16 mel bins per window, a few tens of thousands of parameters.
    "tiny": dict(
        hidden_size=32,
        intermediate_size=37,
        num_hidden_layers=2,
        num_attention_heads=4,
        patch_size=8,
        frequency_stride=8,
        time_stride=8,
        num_mel_bins=16,
        max_length=32,
        labels=len(TINY_LABELS),
    ),
    # GPU benchmark: MIT/ast-finetuned-audioset-10-10-0.4593's shape (about 87M
    # parameters, 10.24 s of 128 mel bins per window, 527 AudioSet labels).
    "bench": dict(
        hidden_size=768,
        intermediate_size=3072,
        num_hidden_layers=12,
        num_attention_heads=12,
        patch_size=16,
        frequency_stride=10,
        time_stride=10,
        num_mel_bins=128,
        max_length=1024,
        labels=527,
    ),
}
MAX_AUDIO_SECONDS = 600  # the app's limit


def config(scale: str):
    from transformers import ASTConfig

    size = dict(SIZES[scale])
    count = size.pop("labels")
    labels = [*TINY_LABELS, *(f"sound {n}" for n in range(len(TINY_LABELS), count))]
    return ASTConfig(
        id2label=dict(enumerate(labels)),
        label2id={label: n for n, label in enumerate(labels)},
        **size,
    )


def build_model(dest: Path, scale: str = "tiny") -> None:
    import torch
    from transformers import ASTFeatureExtractor, ASTForAudioClassification

    dest.mkdir(parents=True, exist_ok=True)
    size = SIZES[scale]
    ASTFeatureExtractor(
        num_mel_bins=size["num_mel_bins"], max_length=size["max_length"], sampling_rate=RATE
    ).save_pretrained(dest)
    torch.manual_seed(0)
    ASTForAudioClassification(config(scale)).save_pretrained(dest)


def assert_scores(scores) -> dict[str, float]:
    """gr.Label's answer through gradio_client: {"label": best, "confidences": [...]}."""
    assert isinstance(scores, dict) and "confidences" in scores, f"not a Label: {scores!r}"
    found = {item["label"]: item["confidence"] for item in scores["confidences"]}
    assert found and set(found) <= set(TINY_LABELS), found
    assert all(0.0 <= value <= 1.0 for value in found.values()), found
    assert scores["label"] == max(found, key=found.get), scores
    return found


def check_endpoints(client, app_dir: Path) -> None:
    """A 44.1 kHz WAV (resampled) and a 25 s one (three windows) both get scores;
    no audio is refused with the app's message."""
    from gradio_client import handle_file
    from gradio_client.exceptions import AppError

    for rate, seconds in ((44_100, 1.5), (RATE, 25.0)):
        samples = tone(seconds * rate / RATE, 440 * RATE / rate)
        path = write_wav(app_dir / f"tone-{rate}.wav", samples, rate)
        assert_scores(client.predict(handle_file(str(path)), api_name="/classify"))
    try:
        client.predict(None, api_name="/classify")
    except AppError as error:
        assert "Record or upload some audio first" in str(error), error
    else:
        raise AssertionError("no audio was not refused")


def concurrent_call(client, index: int):
    import tempfile

    from gradio_client import handle_file

    folder = Path(tempfile.mkdtemp(prefix="zg-audio-"))
    path = write_wav(folder / f"tone-{index}.wav", tone(0.5 + 1.5 * index, 110 * (index + 1)))
    return assert_scores(client.predict(handle_file(str(path)), api_name="/classify")), []


def browse(page) -> None:
    import tempfile

    path = write_wav(Path(tempfile.mkdtemp()) / "tone.wav", tone(3.0, 440))
    # The microphone is the first source; switch the component to upload.
    page.locator("button[aria-label*='pload' i]").first.click()
    page.locator("input[type=file]").first.set_input_files(str(path))
    page.locator("audio, [data-testid='waveform-Audio']").first.wait_for(
        state="attached", timeout=30_000
    )
    page.get_by_role("button", name="Submit").click()
    page.locator("[data-testid='label-output-value']").first.wait_for(timeout=60_000)


def bench_calls() -> list[tuple[str, tuple, dict]]:
    calls = []
    for seconds in (10, 60, MAX_AUDIO_SECONDS):
        audio = (RATE, tone(seconds, 440))
        calls.append((f"{seconds} s of audio", (audio,), {"audio_seconds": seconds}))
    return calls
