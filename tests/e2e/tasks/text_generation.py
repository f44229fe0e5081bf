"""text-generation: a Qwen2 decoder with a WordLevel chat tokenizer; /chat streams."""

from pathlib import Path

from . import _chat
from ._chat import check_streamed_reply, greedy_reply, send_message
from ._tokens import byte_level_vocab

HANDLER = "chat"
CHAT_TEMPLATE = (
    "{% for m in messages %}<|im_start|>{{ m['role'] }} {{ m['content'] }}<|im_end|> "
    "{% endfor %}{% if add_generation_prompt %}<|im_start|>assistant\n{% endif %}"
)
SPECIALS = ["<|endoftext|>", "<|im_start|>", "<|im_end|>"]
SIZES = {
    # CPU tests: a few hundred thousand parameters.
    "tiny": dict(
        hidden_size=32,
        intermediate_size=64,
        num_hidden_layers=2,
        num_attention_heads=4,
        num_key_value_heads=2,
        extra_words=2000,
    ),
    # GPU benchmark: Qwen2.5-0.5B's shape (about 0.49B parameters).
    "bench": dict(
        hidden_size=896,
        intermediate_size=4864,
        num_hidden_layers=24,
        num_attention_heads=14,
        num_key_value_heads=2,
        extra_words=151_000,
    ),
}


def build_model(dest: Path, scale: str = "tiny") -> None:
    import torch
    from transformers import GenerationConfig, Qwen2Config, Qwen2ForCausalLM, Qwen2Tokenizer

    size = dict(SIZES[scale])
    vocab = byte_level_vocab(SPECIALS, extra_words=size.pop("extra_words"))
    tokenizer = Qwen2Tokenizer(
        vocab=vocab,
        merges=[],
        eos_token="<|im_end|>",
        pad_token="<|endoftext|>",
        unk_token="<|endoftext|>",
    )
    tokenizer.chat_template = CHAT_TEMPLATE
    tokenizer.save_pretrained(dest)
    torch.manual_seed(0)
    config = Qwen2Config(
        vocab_size=len(tokenizer),
        max_position_embeddings=2048,
        tie_word_embeddings=False,
        eos_token_id=tokenizer.eos_token_id,
        pad_token_id=tokenizer.pad_token_id,
        **size,
    )
    model = Qwen2ForCausalLM(config)
    model.save_pretrained(dest)
    # A random model may pick the end token at once; ask for a few tokens first
    # so that every reply streams in more than one piece.
    GenerationConfig(
        eos_token_id=tokenizer.eos_token_id, pad_token_id=tokenizer.pad_token_id, min_new_tokens=6
    ).save_pretrained(dest)


def check_endpoints(client, app_dir: Path) -> None:
    check_streamed_reply(client, "Explain what a GPU does", "Write a haiku about borrowed hardware")


def concurrent_call(client, index: int):
    return greedy_reply(client, index)


def browse(page) -> None:
    send_message(page)


def bench_calls() -> list[tuple[str, tuple, dict]]:
    return _chat.bench_calls("text-generation")
