#!/usr/bin/env python3
"""Reference θ tables from Hugging Face transformers for RoPE Lab's parity test.

Usage: python3 scripts/hf_rope_reference.py OUT.json   (needs torch + transformers)

For each RopeConfig below (RoPE Lab's camelCase shape) this builds a duck-typed model config, calls
transformers' own `ROPE_INIT_FUNCTIONS[rope_type](config, device=cpu, seq_len=...)` and writes
`[{config, invFreq, attentionFactor, transformersVersion}]`. The TypeScript test
(tests/rope/hf-parity.test.ts) recomputes each entry with `computeRope` and compares to 1e-6 relative.

Version notes. transformers 4.x reads `config.rope_scaling`, `config.rope_theta`,
`config.partial_rotary_factor`, `hidden_size // num_attention_heads`; 5.x reads `config.rope_parameters`
(after `config.standardize_rope_params()`) and `config.head_dim`. The config object below carries all of
them (one shared dict) so either reads the same values. Where versions disagree on semantics the configs
are chosen so every version agrees (yarn/longrope: max_position_embeddings = original · factor), and
features a version lacks (yarn `truncate`, yarn mscale, longrope choosing by seq_len) are detected from the
function source and the affected configs skipped with a note on stderr rather than given wrong values.
Types transformers lacks: 'ntk' (static NTK) is checked as 'default' with the stretched base
b·s^(d/(d−2)) — the definition — and 'xpos' is not covered (its θ is plain RoPE).
"""
import inspect
import json
import math
import sys

import torch
import transformers
from transformers import modeling_rope_utils as mru

CPU = torch.device("cpu")


def longrope_factors(pairs, scale, power):
    return [round(1.0 + scale * (i / max(pairs - 1, 1)) ** power, 6) for i in range(pairs)]


CONFIGS = [
    # plain RoPE: several head sizes, bases, partial rotary (incl. a non power-of-two rotated size)
    {"headDim": 128, "base": 10000, "type": "default"},
    {"headDim": 64, "base": 10000, "type": "default"},
    {"headDim": 128, "base": 500000, "type": "default"},
    {"headDim": 96, "base": 1000000, "type": "default"},
    {"headDim": 128, "base": 10000, "type": "default", "partialRotaryFactor": 0.5},
    {"headDim": 80, "base": 10000, "type": "default", "partialRotaryFactor": 0.4},
    {"headDim": 256, "base": 10000000, "type": "default", "partialRotaryFactor": 0.25},
    # position interpolation
    {"headDim": 128, "base": 10000, "type": "linear", "factor": 4},
    {"headDim": 64, "base": 10000, "type": "linear", "factor": 8},
    # static NTK (checked through 'default' with the stretched base)
    {"headDim": 128, "base": 10000, "type": "ntk", "factor": 8},
    {"headDim": 64, "base": 10000, "type": "ntk", "factor": 2},
    # dynamic NTK below and above the trained length
    {"headDim": 128, "base": 10000, "type": "dynamic", "factor": 4, "maxPositionEmbeddings": 4096, "seqLen": 2048},
    {"headDim": 128, "base": 10000, "type": "dynamic", "factor": 4, "maxPositionEmbeddings": 4096, "seqLen": 16384},
    {"headDim": 64, "base": 10000, "type": "dynamic", "factor": 2, "maxPositionEmbeddings": 2048, "seqLen": 5000,
     "partialRotaryFactor": 0.5},
    # YaRN
    {"headDim": 128, "base": 10000, "type": "yarn", "factor": 8, "originalContext": 4096, "maxPositionEmbeddings": 32768},
    {"headDim": 64, "base": 10000, "type": "yarn", "factor": 40, "originalContext": 4096, "maxPositionEmbeddings": 163840,
     "betaFast": 32, "betaSlow": 1, "mscale": 0.707, "mscaleAllDim": 0.707},
    {"headDim": 64, "base": 10000, "type": "yarn", "factor": 40, "originalContext": 4096, "maxPositionEmbeddings": 163840,
     "mscale": 1, "mscaleAllDim": 0.5},
    {"headDim": 128, "base": 1000000, "type": "yarn", "factor": 4, "originalContext": 32768, "maxPositionEmbeddings": 131072},
    {"headDim": 128, "base": 10000, "type": "yarn", "factor": 16, "originalContext": 4096, "maxPositionEmbeddings": 65536,
     "attentionFactor": 1.5, "betaFast": 16, "betaSlow": 2},
    {"headDim": 64, "base": 150000, "type": "yarn", "factor": 32, "originalContext": 4096, "maxPositionEmbeddings": 131072,
     "truncate": False},
    {"headDim": 256, "base": 10000000, "type": "yarn", "factor": 4, "originalContext": 262144, "maxPositionEmbeddings": 1048576,
     "partialRotaryFactor": 0.25},
    # Llama 3.1-style
    {"headDim": 128, "base": 500000, "type": "llama3", "factor": 8, "lowFreqFactor": 1, "highFreqFactor": 4,
     "originalContext": 8192, "maxPositionEmbeddings": 131072},
    {"headDim": 64, "base": 500000, "type": "llama3", "factor": 32, "lowFreqFactor": 1, "highFreqFactor": 4,
     "originalContext": 8192, "maxPositionEmbeddings": 131072},
    {"headDim": 128, "base": 500000, "type": "llama3", "factor": 8, "lowFreqFactor": 2, "highFreqFactor": 8,
     "originalContext": 8192, "maxPositionEmbeddings": 65536},
    # LongRoPE: short and long factor sets by seq_len vs the original context
    {"headDim": 96, "base": 10000, "type": "longrope", "originalContext": 4096, "maxPositionEmbeddings": 131072,
     "shortFactor": longrope_factors(48, 0.05, 1.0), "longFactor": longrope_factors(48, 40.0, 2.0), "seqLen": 2048},
    {"headDim": 96, "base": 10000, "type": "longrope", "originalContext": 4096, "maxPositionEmbeddings": 131072,
     "shortFactor": longrope_factors(48, 0.05, 1.0), "longFactor": longrope_factors(48, 40.0, 2.0), "seqLen": 8192},
    {"headDim": 64, "base": 10000, "type": "longrope", "originalContext": 2048, "maxPositionEmbeddings": 32768,
     "shortFactor": longrope_factors(32, 0.1, 1.0), "longFactor": longrope_factors(32, 12.0, 1.5), "seqLen": 10000,
     "attentionFactor": 1.2},
    {"headDim": 128, "base": 10000, "type": "longrope", "originalContext": 4096, "maxPositionEmbeddings": 16384,
     "shortFactor": longrope_factors(32, 0.02, 1.0), "longFactor": longrope_factors(32, 3.0, 1.0), "seqLen": 5000,
     "partialRotaryFactor": 0.5},
]


class DuckConfig:
    """The attributes transformers' rope initializers read, for 4.x (rope_scaling) and 5.x (rope_parameters)."""

    def __init__(self, cfg, rope_type, base):
        heads = 4
        self.head_dim = cfg["headDim"]
        self.hidden_size = cfg["headDim"] * heads
        self.num_attention_heads = heads
        self.rope_theta = float(base)
        self.partial_rotary_factor = float(cfg.get("partialRotaryFactor", 1.0))
        self.max_position_embeddings = cfg.get("maxPositionEmbeddings", cfg.get("originalContext", 4096))
        params = {"rope_type": rope_type, "rope_theta": float(base), "partial_rotary_factor": self.partial_rotary_factor}
        keys = {
            "factor": "factor", "originalContext": "original_max_position_embeddings",
            "betaFast": "beta_fast", "betaSlow": "beta_slow", "mscale": "mscale", "mscaleAllDim": "mscale_all_dim",
            "attentionFactor": "attention_factor", "lowFreqFactor": "low_freq_factor",
            "highFreqFactor": "high_freq_factor", "shortFactor": "short_factor", "longFactor": "long_factor",
            "truncate": "truncate",
        }
        for ours, theirs in keys.items():
            if ours in cfg and rope_type != "default":
                value = cfg[ours]
                # transformers' configs hold floats (its validators warn on ints); context lengths stay ints
                if type(value) is int and theirs != "original_max_position_embeddings":
                    value = float(value)
                params[theirs] = value
        if rope_type == "dynamic":
            params.setdefault("original_max_position_embeddings", self.max_position_embeddings)
        if rope_type == "longrope":
            # 4.x longrope reads the pretrained length from the top-level attribute
            self.original_max_position_embeddings = cfg["originalContext"]
        self.rope_scaling = params
        self.rope_parameters = params

    def standardize_rope_params(self):
        pass


def init_function(rope_type):
    fns = mru.ROPE_INIT_FUNCTIONS
    if rope_type in fns:
        return fns[rope_type]
    if rope_type == "default":
        if hasattr(mru, "_compute_default_rope_parameters"):
            return mru._compute_default_rope_parameters
        # transformers 5 dropped 'default' from the table; linear with factor 1 divides by 1.0 exactly
        linear = fns["linear"]

        def default_via_linear(config, device=None, seq_len=None):
            config.rope_scaling["factor"] = 1.0
            return linear(config, device=device, seq_len=seq_len)

        return default_via_linear
    raise KeyError(rope_type)


def unsupported(cfg, source):
    """Why this transformers version cannot serve as a reference for cfg, or None."""
    if cfg["type"] == "yarn":
        if "truncate" in cfg and "truncate" not in source:
            return "yarn truncate option not in this transformers"
        if "mscaleAllDim" in cfg and "mscale_all_dim" not in source:
            return "yarn mscale/mscale_all_dim not in this transformers"
        if "original_max_position_embeddings" not in source:
            return "yarn without original_max_position_embeddings (correction range uses max_position_embeddings)"
    if cfg["type"] == "longrope" and "seq_len >" not in source:
        return "longrope picks short/long by config, not seq_len, in this transformers"
    return None


def reference(cfg):
    d = int(cfg["headDim"] * cfg.get("partialRotaryFactor", 1.0))
    if cfg["type"] == "ntk":
        rope_type, base = "default", cfg["base"] * cfg["factor"] ** (d / (d - 2))
    else:
        rope_type, base = cfg["type"], cfg["base"]
    fn = init_function(rope_type)
    try:
        source = inspect.getsource(fn)
    except (OSError, TypeError):
        source = ""
    why = unsupported(cfg, source)
    if why:
        return None, why
    inv_freq, attention_factor = fn(DuckConfig(cfg, rope_type, base), device=CPU, seq_len=cfg.get("seqLen"))
    return {
        "config": cfg,
        "invFreq": [float(x) for x in inv_freq.to(torch.float32).tolist()],
        "attentionFactor": float(attention_factor),
        "transformersVersion": transformers.__version__,
    }, None


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: hf_rope_reference.py OUT.json")
    out = []
    for cfg in CONFIGS:
        entry, why = reference(cfg)
        if entry is None:
            print(f"skipped {json.dumps(cfg)[:120]}: {why}", file=sys.stderr)
        else:
            out.append(entry)
    with open(sys.argv[1], "w") as f:
        json.dump(out, f, indent=1)
    print(f"wrote {len(out)} of {len(CONFIGS)} configs (transformers {transformers.__version__}) to {sys.argv[1]}")


if __name__ == "__main__":
    main()
