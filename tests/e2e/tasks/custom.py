"""custom: a tiny DistilBERT with a WordPiece tokenizer; /run returns a JSON summary."""

from pathlib import Path

from ._tokens import WORDS

HANDLER = "run"
SIZES = {
    "tiny": dict(dim=32, hidden_dim=64, n_layers=2, n_heads=4),
    # GPU benchmark: distilbert-base-uncased's shape (about 66M parameters).
    "bench": dict(dim=768, hidden_dim=3072, n_layers=6, n_heads=12),
}


def build_model(dest: Path, scale: str = "tiny") -> None:
    import torch
    from transformers import DistilBertConfig, DistilBertModel, DistilBertTokenizer

    dest.mkdir(parents=True, exist_ok=True)
    letters = list("abcdefghijklmnopqrstuvwxyz0123456789.,!?'-")
    tokens = [
        "[PAD]",
        "[UNK]",
        "[CLS]",
        "[SEP]",
        "[MASK]",
        *WORDS,
        *letters,
        *(f"##{c}" for c in letters),
    ]
    vocab_file = dest / "vocab.txt"
    vocab_file.write_text("\n".join(dict.fromkeys(tokens)) + "\n")
    tokenizer = DistilBertTokenizer(vocab=str(vocab_file), model_max_length=512)
    tokenizer.save_pretrained(dest)
    torch.manual_seed(0)
    DistilBertModel(
        DistilBertConfig(vocab_size=len(tokenizer), max_position_embeddings=512, **SIZES[scale])
    ).save_pretrained(dest)


def check_endpoints(client, app_dir: Path) -> None:
    result = client.predict("ZeroGPU lends this Space a GPU", api_name="/run")
    assert isinstance(result, dict), f"not a JSON object: {result!r}"
    assert result["tokens"] >= 8, result
    assert result["dimensions"] == SIZES["tiny"]["dim"], result
    assert len(result["first_values"]) == 8 and result["norm"] > 0, result


def concurrent_call(client, index: int):
    result = client.predict(" ".join(WORDS[: 3 + index * 4]), api_name="/run")
    assert result["tokens"] == 3 + index * 4 + 2, result  # words + [CLS] + [SEP]
    return repr(result), []


def browse(page) -> None:
    page.get_by_label("Text").fill("ZeroGPU lends this Space a GPU")
    page.get_by_role("button", name="Submit").click()
    page.get_by_text('"dimensions"').first.wait_for(timeout=60_000)


def bench_calls() -> list[tuple[str, tuple, dict]]:
    calls = []
    for words in (10, 100, 400):
        text = " ".join((WORDS * 20)[:words])
        calls.append((f"{words} words", (text,), {"chars": len(text)}))
    return calls
