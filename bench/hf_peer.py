"""The peer of bench/run.ts: the same Llama shapes in PyTorch + Hugging Face transformers on the
same GPU, random weights in bf16, with eager and SDPA attention. Prints one JSON document on stdout
(progress on stderr); bench/merge.ts sets it beside ours and computes our/their ratios.

    python3 bench/hf_peer.py [--shapes stories15M,1B,8B] [--attn eager,sdpa] [--steps 64] [--small]

Decode: prefill `context` tokens, then `steps` greedy steps each feeding the last id with the KV cache
(past_key_values) and reading the id back to the CPU, as our engine does. Prefill: one forward pass over
the prompt with use_cache=True; time to first token includes the argmax read back. A run that does not
fit (eager attention at 32K materializes heads × n² scores) is reported with its error.
"""
import argparse
import datetime
import inspect
import json
import sys
import time

import torch
import transformers
from transformers import LlamaConfig, LlamaForCausalLM

# Keep in step with bench/shapes.ts.
SHAPES = {
    "stories15M": dict(dim=288, layers=6, heads=6, kv_heads=6, ffn=768, vocab=32000, tied=True, rope_base=10000.0),
    "1B": dict(dim=2048, layers=16, heads=32, kv_heads=8, ffn=8192, vocab=32000, tied=False, rope_base=500000.0),
    "8B": dict(dim=4096, layers=32, heads=32, kv_heads=8, ffn=14336, vocab=32000, tied=False, rope_base=500000.0),
}


def log(line):
    print(f"hf_peer: {line}", file=sys.stderr, flush=True)


def build(shape, attn, max_positions):
    s = SHAPES[shape]
    config = LlamaConfig(
        vocab_size=s["vocab"], hidden_size=s["dim"], intermediate_size=s["ffn"], num_hidden_layers=s["layers"],
        num_attention_heads=s["heads"], num_key_value_heads=s["kv_heads"], max_position_embeddings=max_positions,
        rope_theta=s["rope_base"], tie_word_embeddings=s["tied"], rms_norm_eps=1e-5,
    )
    config._attn_implementation = attn  # read when the attention modules are built (and, in newer versions, per call)
    torch.manual_seed(0)
    previous = torch.get_default_dtype()
    torch.set_default_dtype(torch.bfloat16)  # initialize straight into bf16 on the GPU: an 8B fp32 copy is 32 GB
    try:
        with torch.device("cuda"):
            model = LlamaForCausalLM(config)
    finally:
        torch.set_default_dtype(previous)
    return model.eval()


def forward(model, ids, past=None):
    """Logits of the last position only where the installed transformers can (our engine computes no others)."""
    params = inspect.signature(model.forward).parameters
    keep = next((name for name in ("logits_to_keep", "num_logits_to_keep") if name in params), None)
    return model(input_ids=ids, past_key_values=past, use_cache=True, **({keep: 1} if keep else {}))


def prompt(n, vocab):
    return torch.randint(3, vocab, (1, n), device="cuda", generator=torch.Generator("cuda").manual_seed(n))


def is_oom(err):
    return isinstance(err, torch.cuda.OutOfMemoryError) or "out of memory" in str(err).lower()


@torch.inference_mode()
def prefill(model, n, vocab):
    ids = prompt(n, vocab)
    torch.cuda.synchronize()
    t = time.perf_counter()
    out = forward(model, ids)
    first = int(out.logits[:, -1].argmax(-1))
    seconds = time.perf_counter() - t
    return out.past_key_values, first, seconds


@torch.inference_mode()
def decode(model, past, first, steps):
    next_id = torch.tensor([[first]], device="cuda")
    t = time.perf_counter()
    for _ in range(steps):
        out = forward(model, next_id, past)
        past = out.past_key_values
        next_id = out.logits[:, -1:].argmax(-1)
        int(next_id)  # read the id back every step, as our engine does
    return time.perf_counter() - t


def measure(shape, attn, decode_contexts, prefill_contexts, steps):
    vocab = SHAPES[shape]["vocab"]
    torch.cuda.empty_cache()
    torch.cuda.reset_peak_memory_stats()
    model = build(shape, attn, max(prefill_contexts + [c + steps + 1 for c in decode_contexts]))
    run = {"shape": shape, "attention": attn, "dtype": "bf16", "prefill": [], "decode": []}
    prefill(model, 16, vocab)  # warm-up: kernels, cuBLAS handles
    for n in sorted(set(prefill_contexts) | set(decode_contexts)):
        try:
            past, first, seconds = prefill(model, n, vocab)
            if n in prefill_contexts:
                run["prefill"].append({"tokens": n, "tokensPerSecond": n / seconds, "timeToFirstTokenMs": seconds * 1000})
            log(f"{shape} {attn}: prefill {n}: {n / seconds:.1f} tokens/s")
            if n in decode_contexts:
                seconds = decode(model, past, first, steps)
                run["decode"].append({"context": n, "steps": steps, "tokensPerSecond": steps / seconds, "msPerToken": seconds * 1000 / steps})
                log(f"{shape} {attn}: decode at {n}: {steps / seconds:.1f} tokens/s")
            del past
        except Exception as err:  # noqa: BLE001 (every failure is reported, the sweep goes on)
            if not is_oom(err):
                raise
            message = str(err).split("\n")[0]
            if n in prefill_contexts:
                run["prefill"].append({"tokens": n, "error": f"out of memory: {message}"})
            if n in decode_contexts:
                run["decode"].append({"context": n, "steps": steps, "error": f"out of memory: {message}"})
            log(f"{shape} {attn}: {n} tokens: out of memory")
        torch.cuda.empty_cache()
    run["peakGpuBytes"] = torch.cuda.max_memory_allocated()
    del model
    return run


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--shapes", default=None, help="comma-separated: stories15M,1B,8B")
    parser.add_argument("--attn", default="eager,sdpa", help="attention implementations")
    parser.add_argument("--steps", type=int, default=None, help="decode steps per context")
    parser.add_argument("--small", action="store_true", help="stories15M at 64/128 tokens (a quick check)")
    args = parser.parse_args()
    shapes = (args.shapes or ("stories15M" if args.small else "stories15M,1B,8B")).split(",")
    for s in shapes:
        if s not in SHAPES:
            parser.error(f"--shapes: unknown '{s}' (known: {', '.join(SHAPES)})")
    decode_contexts = [64] if args.small else [512, 4096]
    prefill_contexts = [64, 128] if args.small else [512, 4096, 32768]
    steps = args.steps or (4 if args.small else 64)
    runs = [measure(s, a, decode_contexts, prefill_contexts, steps) for s in shapes for a in args.attn.split(",")]
    print(json.dumps({
        "schema": "rope-lab-bench-peer/1",
        "date": datetime.datetime.now(datetime.timezone.utc).isoformat(),
        "device": torch.cuda.get_device_name(),
        "torch": torch.__version__,
        "transformers": transformers.__version__,
        "runs": runs,
    }, indent=1))


if __name__ == "__main__":
    main()
