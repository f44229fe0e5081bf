"""zero-shot-classification: an NLI classifier (tiny BERT; BART-large for the benchmark);
/classify returns label scores."""

from pathlib import Path

from ._tokens import WORDS, byte_level_vocab, bytes_to_unicode
from ._wordpiece import bert_tokenizer

HANDLER = "classify"
# The pipeline finds the entailment class by its label, whatever the architecture.
NLI_LABELS = ["contradiction", "neutral", "entailment"]
SIZES = {
    # CPU tests: a BERT of a few tens of thousands of parameters.
    "tiny": dict(
        hidden_size=32,
        intermediate_size=37,
        num_hidden_layers=2,
        num_attention_heads=4,
        max_position_embeddings=128,
    ),
    # GPU benchmark: facebook/bart-large-mnli's shape (BartForSequenceClassification,
    # about 407M parameters, 50265 byte-level BPE tokens).
    "bench": dict(
        d_model=1024,
        encoder_layers=12,
        decoder_layers=12,
        encoder_attention_heads=16,
        decoder_attention_heads=16,
        encoder_ffn_dim=4096,
        decoder_ffn_dim=4096,
        max_position_embeddings=1024,
        vocab_size=50_265,
    ),
}
MAX_LABELS = 20  # the app's limit
TEXT = "The match went to penalties after a goalless draw."
LABELS = "sports, politics, science"


def labels() -> dict:
    id2label = dict(enumerate(NLI_LABELS))
    return dict(id2label=id2label, label2id={v: k for k, v in id2label.items()})


def config(scale: str, vocab_size: int, pad_token_id: int = 0):
    from transformers import BartConfig, BertConfig

    if scale == "tiny":
        return BertConfig(
            vocab_size=vocab_size, pad_token_id=pad_token_id, **SIZES[scale], **labels()
        )
    # BART's ids: <s> 0, <pad> 1, </s> 2, as in bart-large-mnli.
    return BartConfig(
        **{**SIZES[scale], "vocab_size": vocab_size},
        pad_token_id=1,
        bos_token_id=0,
        eos_token_id=2,
        decoder_start_token_id=2,
        forced_bos_token_id=0,
        scale_embedding=False,
        **labels(),
    )


def bart_tokenizer(dest: Path, vocab_size: int):
    """Byte-level BPE with merges that make each of WORDS (after a space) one token, so
    the benchmark's texts cost about as many tokens per character as English does."""
    from transformers import BartTokenizer

    space = bytes_to_unicode()[ord(" ")]
    vocab = byte_level_vocab(["<s>", "<pad>", "</s>", "<unk>"])
    merges = []
    for word in WORDS:
        piece = space
        for char in word:
            if (piece, char) not in merges:
                merges.append((piece, char))
            vocab.setdefault(piece + char, len(vocab))
            piece += char
    for n in range(vocab_size - len(vocab) - 1):  # fillers; <mask> comes last
        vocab.setdefault(f"{space}w{n}", len(vocab))
    vocab["<mask>"] = len(vocab)
    tokenizer = BartTokenizer(vocab=vocab, merges=merges, model_max_length=1024)
    tokenizer.save_pretrained(dest)
    return tokenizer


def build_model(dest: Path, scale: str = "tiny") -> None:
    import torch
    from transformers import BartForSequenceClassification, BertForSequenceClassification

    dest.mkdir(parents=True, exist_ok=True)
    if scale == "tiny":
        tokenizer = bert_tokenizer(dest, model_max_length=SIZES[scale]["max_position_embeddings"])
        model_class = BertForSequenceClassification
    else:
        tokenizer = bart_tokenizer(dest, SIZES[scale]["vocab_size"])
        model_class = BartForSequenceClassification
    torch.manual_seed(0)
    model_class(config(scale, len(tokenizer), tokenizer.pad_token_id)).save_pretrained(dest)


def scores_of(result, labels: str, multi_label: bool = False) -> dict[str, float]:
    """gr.Label's answer through gradio_client, checked against the labels asked for."""
    assert isinstance(result, dict) and "confidences" in result, f"not a Label: {result!r}"
    found = {item["label"]: item["confidence"] for item in result["confidences"]}
    assert set(found) == {label.strip() for label in labels.split(",")}, found
    assert all(0.0 <= value <= 1.0 for value in found.values()), found
    if not multi_label:  # one softmax over the labels
        assert abs(sum(found.values()) - 1.0) < 1e-3, found
    assert result["label"] == max(found, key=found.get), result
    return found


def check_endpoints(client, app_dir: Path) -> None:
    """Scores for every label (summing to one unless multi-label); no labels, and too
    many, are refused with the app's messages."""
    from gradio_client.exceptions import AppError

    scores_of(client.predict(TEXT, LABELS, False, api_name="/classify"), LABELS)
    multi = "space, cat, dog, robot"
    scores_of(client.predict("A telescope", multi, True, api_name="/classify"), multi, True)
    too_many = ", ".join(f"label {n}" for n in range(MAX_LABELS + 1))
    for text, labels, message in (
        (TEXT, " , ,", "Type at least one label"),
        (TEXT, too_many, f"Use at most {MAX_LABELS} labels"),
        ("  ", LABELS, "Type a text to classify"),
    ):
        try:
            client.predict(text, labels, False, api_name="/classify")
        except AppError as error:
            assert message in str(error), error
        else:
            raise AssertionError(f"{text!r} / {labels!r} was not refused")


def concurrent_call(client, index: int):
    words = ["sports", "politics", "science", "space", "food", "finance", "music", "weather"]
    labels = ", ".join([*words[: 2 + index % 4], f"topic {index}"])
    text = f"Report number {index}: the robot saw a fox in the snow at dawn."
    return scores_of(client.predict(text, labels, False, api_name="/classify"), labels), []


def browse(page) -> None:
    page.get_by_label("Text").fill(TEXT)
    page.get_by_label("Labels, comma-separated").fill(LABELS)
    page.get_by_role("button", name="Submit").click()
    page.locator("[data-testid='label-output-value']").first.wait_for(timeout=60_000)


def bench_calls() -> list[tuple[str, tuple, dict]]:
    """From a sentence and 3 labels to the app's 20 labels on a long text."""
    sentence = " ".join(WORDS) + " "  # one token a word
    calls = []
    for count, chars in ((3, 60), (10, 500), (MAX_LABELS, 2000)):
        text = (sentence * (chars // len(sentence) + 1))[:chars].strip()
        labels = ", ".join(f"topic {n}" for n in range(count))
        calls.append(
            (
                f"{count} labels, {len(text)} characters",
                (text, labels, False),
                {"labels": count, "chars": len(text)},
            )
        )
    return calls
