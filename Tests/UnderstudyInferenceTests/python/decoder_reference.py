"""Makes tiny random decoders with transformers and a byte-level BPE tokenizer with tokenizers
(configured like distill/trainer: ByteLevel pre-tokenizer without prefix space, special tokens
first, added non-special tokens), saves each to OUT/<variant>/, and writes
OUT/<variant>/reference.json with token ids of varied strings, logits of every position for a
few prompts, and greedy `generate` outputs, for the Swift decoder tests.

usage: decoder_reference.py OUT"""
import json
import os
import random
import sys

os.environ.setdefault("HF_HUB_OFFLINE", "1")
sys.path.insert(0, os.path.dirname(__file__))
from varied_texts import varied_texts  # noqa: E402

SPECIALS = ["<|pad|>", "<|bos|>", "<|end|>", "<|user|>", "<|assistant|>", "<|tool|>", "<|answer|>"] + \
    [f"<S{i}>" for i in range(8)]
ADDED = ['{"content":null,"tool_calls":[', '{"name":"get_weather","arguments":', '{"name":"book_flight","arguments":']


def corpus(rng):
    texts = varied_texts(400, seed=3)
    for _ in range(300):
        city = rng.choice(["Paris", "Tokyo", "New York", "São Paulo", "Zürich"])
        texts.append(f'<|bos|><|user|>what is the weather in {city} tomorrow?<|answer|>'
                     f'{{"content":null,"tool_calls":[{{"name":"get_weather","arguments":{{"city":"{city}","days":{rng.randint(1, 9)}}}}}]}}<|end|>')
    return texts


def tokenizer_for(texts):
    from tokenizers import AddedToken, Tokenizer, decoders, models, pre_tokenizers, trainers
    tok = Tokenizer(models.BPE())
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False, use_regex=True)
    tok.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(vocab_size=600, min_frequency=2, special_tokens=SPECIALS,
                                  initial_alphabet=pre_tokenizers.ByteLevel.alphabet(), show_progress=False)
    tok.train_from_iterator(texts, trainer)
    tok.add_tokens([AddedToken(t, normalized=False, special=False) for t in ADDED])
    return tok


def test_strings(rng):
    base = varied_texts(300, seed=11)
    extra = ["", " ", "  ", "\n\n", "a  b", "a \n b", " \t x", "hello   world  ", "I'm you're they'll we've he'd it's",
             "'s 'S", "x'sy", "1234567 89", "ünïcödé ✓ 🤖🤖", "日本語 テキスト", "tab\there", "\u00a0nbsp\u2003em",
             "<|user|>hi<|answer|>", "<|bos|><|user|>what is the weather in Paris?<|answer|>", "<S3> and <S12>",
             '{"content":null,"tool_calls":[{"name":"get_weather","arguments":{"city":"<S0>"}}]}<|end|>',
             "x<|end|>y<|end|><|end|>", "<|pad|", "<|bos>", "   <|user|>   spaced   ", "\r\n\r\n", "a\u0301", "\x00\x01 ctl"]
    mixed = []
    for _ in range(150):
        parts = [rng.choice(base + extra + SPECIALS + ADDED) for _ in range(rng.randint(1, 6))]
        mixed.append(rng.choice(["", " ", "\n"]).join(parts))
    return base + extra + mixed


def main():
    out = sys.argv[1]
    import torch
    from transformers import LlamaConfig, LlamaForCausalLM, PreTrainedTokenizerFast, Qwen2Config, Qwen2ForCausalLM
    torch.manual_seed(0)
    torch.set_num_threads(2)
    rng = random.Random(5)
    tok = tokenizer_for(corpus(rng))
    vocab = tok.get_vocab_size()
    strings = test_strings(rng)
    prompts = ["<|bos|><|user|>what is the weather in Paris tomorrow?<|answer|>",
               "<|bos|><|user|>book a flight from Zürich to Tokyo on 2026-05-01<|answer|>" + ADDED[0],
               "<|bos|><|user|>" + "long prompt with many words " * 12 + "<|answer|>"]
    common = dict(vocab_size=vocab, hidden_size=64, intermediate_size=96, num_hidden_layers=2, num_attention_heads=4,
                  num_key_value_heads=2, max_position_embeddings=512, bos_token_id=1, eos_token_id=2, pad_token_id=0)
    variants = {
        "llama-f32": (LlamaForCausalLM, LlamaConfig(**common, rope_theta=10000.0, rms_norm_eps=1e-5,
                                                    tie_word_embeddings=False,
                                                    rope_scaling={"rope_type": "linear", "factor": 2.0}), torch.float32),
        "qwen2-bf16": (Qwen2ForCausalLM, Qwen2Config(**common, rope_theta=1000000.0, rms_norm_eps=1e-6,
                                                     tie_word_embeddings=True), torch.bfloat16),
        "llama-f16": (LlamaForCausalLM, LlamaConfig(**{**common, "num_key_value_heads": 4}, rope_theta=500.0,
                                                    tie_word_embeddings=True, attention_bias=True), torch.float16),
    }
    for name, (cls, config, dtype) in variants.items():
        model = cls(config)
        with torch.no_grad():
            for p in model.parameters():  # larger than init so logits differ visibly across tokens
                p.normal_(0, 0.2)
        model.eval()
        directory = os.path.join(out, name)
        # Round-trip through the storage dtype so the reference sees the stored weights.
        model = model.to(dtype)
        model.save_pretrained(directory, safe_serialization=True)
        PreTrainedTokenizerFast(tokenizer_object=tok, bos_token="<|bos|>", eos_token="<|end|>",
                                pad_token="<|pad|>").save_pretrained(directory)
        model = model.to(torch.float32)
        reference = {"tokenization": [{"text": s, "ids": tok.encode(s, add_special_tokens=False).ids} for s in strings],
                     "prompts": [], "generate": []}
        with torch.no_grad():
            for prompt in prompts:
                ids = tok.encode(prompt, add_special_tokens=False).ids
                logits = model(torch.tensor([ids])).logits[0]
                reference["prompts"].append({"ids": ids, "logits": logits.flatten().tolist(), "vocab": logits.shape[1]})
                generated = model.generate(torch.tensor([ids]), max_new_tokens=12, do_sample=False,
                                           eos_token_id=None, pad_token_id=0)[0][len(ids):].tolist()
                reference["generate"].append({"prompt_ids": ids, "output_ids": generated})
        with open(os.path.join(directory, "reference.json"), "w") as f:
            json.dump(reference, f, ensure_ascii=False)


if __name__ == "__main__":
    main()
