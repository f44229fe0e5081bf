"""chat-lora: an OPT base without a chat template plus a LoRA adapter on q_proj/v_proj;
/chat streams. The base is saved in the model folder, the adapter in its `adapter/`."""

import string
from pathlib import Path

from . import _chat
from ._chat import check_streamed_reply, greedy_reply, send_message
from ._tokens import WORDS, byte_level_vocab

HANDLER = "chat"
SPECIALS = ["<pad>", "<unk>", "</s>"]
SIZES = {
    # CPU tests: a word-level vocabulary and a few thousand parameters.
    "tiny": dict(
        model=dict(
            hidden_size=16,
            word_embed_proj_dim=16,
            ffn_dim=32,
            num_hidden_layers=2,
            num_attention_heads=2,
            max_position_embeddings=256,
        ),
        lora=dict(r=4, lora_alpha=8),
    ),
    # GPU benchmark: facebook/opt-350m's shape (about 331M parameters, 50265
    # byte-level BPE tokens in a 50272-row embedding) with ybelkada/opt-350m-lora's
    # rank-16 adapter.
    "bench": dict(
        model=dict(
            hidden_size=1024,
            word_embed_proj_dim=512,
            ffn_dim=4096,
            num_hidden_layers=24,
            num_attention_heads=16,
            max_position_embeddings=2048,
            do_layer_norm_before=False,
            vocab_size=50_272,
        ),
        lora=dict(r=16, lora_alpha=32, lora_dropout=0.05),
    ),
}


def adapter_dir(model_dir: Path) -> Path:
    return model_dir / "adapter"


def app_env(model_dir: Path) -> dict[str, str]:
    return {"ADAPTER_ID": str(adapter_dir(model_dir))}


def word_tokenizer():
    """A word-level fast tokenizer without a chat template (the app adds a plain one)."""
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers
    from transformers import PreTrainedTokenizerFast

    pieces = [*SPECIALS, *string.ascii_letters, *string.punctuation, *WORDS, "User", "Assistant"]
    vocab = {piece: index for index, piece in enumerate(dict.fromkeys(pieces))}
    backend = Tokenizer(models.WordLevel(vocab=vocab, unk_token="<unk>"))
    backend.pre_tokenizer = pre_tokenizers.Whitespace()
    backend.decoder = decoders.WordPiece(prefix="##")  # joins words with spaces
    return PreTrainedTokenizerFast(
        tokenizer_object=backend, pad_token="<pad>", unk_token="<unk>", eos_token="</s>"
    )


def bpe_tokenizer(vocab_size: int):
    """OPT's kind: byte-level BPE (GPT-2's), `</s>` both starting and ending a text."""
    from transformers import GPT2Tokenizer

    specials = ["<s>", "<pad>", "</s>", "<unk>"]
    extra = vocab_size - len(byte_level_vocab(specials))
    return GPT2Tokenizer(
        vocab=byte_level_vocab(specials, extra_words=extra),
        merges=[],
        bos_token="</s>",
        eos_token="</s>",
        pad_token="<pad>",
        unk_token="<unk>",
    )


def config(scale: str, tokenizer):
    from transformers import OPTConfig

    size = dict(SIZES[scale]["model"])
    return OPTConfig(
        vocab_size=size.pop("vocab_size", len(tokenizer)),
        pad_token_id=tokenizer.pad_token_id,
        bos_token_id=tokenizer.eos_token_id,
        eos_token_id=tokenizer.eos_token_id,
        **size,
    )


def build_model(dest: Path, scale: str = "tiny") -> None:
    import torch
    from peft import LoraConfig, get_peft_model
    from transformers import GenerationConfig, OPTForCausalLM

    dest.mkdir(parents=True, exist_ok=True)
    tokenizer = word_tokenizer() if scale == "tiny" else bpe_tokenizer(50_265)
    tokenizer.save_pretrained(dest)
    torch.manual_seed(0)
    base = OPTForCausalLM(config(scale, tokenizer))
    base.save_pretrained(dest)
    # A random model may pick the end token at once; ask for a few tokens first.
    GenerationConfig(
        eos_token_id=tokenizer.eos_token_id, pad_token_id=tokenizer.pad_token_id, min_new_tokens=4
    ).save_pretrained(dest)
    # Non-zero adapter weights (a fresh LoRA's B is zero), so the adapter changes the replies.
    lora = LoraConfig(
        target_modules=["q_proj", "v_proj"], init_lora_weights=False, **SIZES[scale]["lora"]
    )
    get_peft_model(base, lora).save_pretrained(adapter_dir(dest))


def check_endpoints(client, app_dir: Path) -> None:
    check_streamed_reply(client, "what is a gpu", "write a haiku about the snow")


def concurrent_call(client, index: int):
    return greedy_reply(client, index)


def browse(page) -> None:
    send_message(page)


def bench_calls() -> list[tuple[str, tuple, dict]]:
    return _chat.bench_calls("chat-lora")
