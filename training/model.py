# A small Llama, laid out exactly as llama2.c / GGUF `llama` / llama.cpp expect it, so the trained
# weights export without any permutation:
#   embedding → n_layers × [RMSNorm → GQA attention with RoPE → residual; RMSNorm → SwiGLU → residual]
#   → RMSNorm → separate (untied) classifier. No biases.
# RoPE rotates ADJACENT pairs (x[2i], x[2i+1]) by pos·θ_i, θ_i = base^(−2i/head_dim): Meta's and
# llama2.c's interleaved layout (ggml's "normal" RoPE), not Hugging Face's rotate-half split.
# Position interpolation (PI) uses position p as p / factor; ABF just changes the base.
import math
from dataclasses import asdict, dataclass

import torch
import torch.nn as nn
import torch.nn.functional as F


@dataclass
class ModelConfig:
    dim: int = 256
    n_layers: int = 8
    n_heads: int = 4
    n_kv_heads: int = 2
    hidden_dim: int = 768
    vocab_size: int = 4096
    norm_eps: float = 1e-5

    @property
    def head_dim(self) -> int:
        return self.dim // self.n_heads

    def validate(self) -> None:
        if self.dim % self.n_heads != 0:
            raise ValueError(f"dim {self.dim} is not a multiple of n_heads {self.n_heads}")
        if self.head_dim % 2 != 0:
            raise ValueError(f"head_dim {self.head_dim} must be even for RoPE pairs")
        if self.n_heads % self.n_kv_heads != 0:
            raise ValueError(f"n_heads {self.n_heads} is not a multiple of n_kv_heads {self.n_kv_heads}")

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass
class RopeSettings:
    base: float = 10_000.0
    # Position interpolation: position p is rotated as p / pi_factor (1 = plain RoPE).
    pi_factor: float = 1.0

    def to_dict(self) -> dict:
        return asdict(self)


def rope_angles(head_dim: int, seq_len: int, rope: RopeSettings) -> torch.Tensor:
    """Angles (seq_len, head_dim/2): (p / pi_factor) · base^(−2i/head_dim), computed in float64."""
    inv_freq = rope.base ** (-torch.arange(0, head_dim, 2, dtype=torch.float64) / head_dim)
    positions = torch.arange(seq_len, dtype=torch.float64) / rope.pi_factor
    return torch.outer(positions, inv_freq)


def apply_rope(x: torch.Tensor, cos: torch.Tensor, sin: torch.Tensor) -> torch.Tensor:
    """Rotates adjacent pairs of x (batch, seq, heads, head_dim); cos/sin: (seq, head_dim/2). fp32 math."""
    pairs = x.float().reshape(*x.shape[:-1], -1, 2)
    a, b = pairs[..., 0], pairs[..., 1]
    cos = cos[None, :, None, :]
    sin = sin[None, :, None, :]
    rotated = torch.stack((a * cos - b * sin, a * sin + b * cos), dim=-1)
    return rotated.flatten(-2).type_as(x)


class RMSNorm(nn.Module):
    def __init__(self, dim: int, eps: float):
        super().__init__()
        self.eps = eps
        self.weight = nn.Parameter(torch.ones(dim))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        xf = x.float()
        normed = xf * torch.rsqrt(xf.pow(2).mean(-1, keepdim=True) + self.eps)
        return normed.type_as(x) * self.weight


class Attention(nn.Module):
    def __init__(self, c: ModelConfig):
        super().__init__()
        self.n_heads, self.n_kv_heads, self.head_dim = c.n_heads, c.n_kv_heads, c.head_dim
        self.wq = nn.Linear(c.dim, c.n_heads * c.head_dim, bias=False)
        self.wk = nn.Linear(c.dim, c.n_kv_heads * c.head_dim, bias=False)
        self.wv = nn.Linear(c.dim, c.n_kv_heads * c.head_dim, bias=False)
        self.wo = nn.Linear(c.n_heads * c.head_dim, c.dim, bias=False)

    def forward(self, x: torch.Tensor, cos: torch.Tensor, sin: torch.Tensor) -> torch.Tensor:
        batch, seq, _ = x.shape
        q = self.wq(x).view(batch, seq, self.n_heads, self.head_dim)
        k = self.wk(x).view(batch, seq, self.n_kv_heads, self.head_dim)
        v = self.wv(x).view(batch, seq, self.n_kv_heads, self.head_dim)
        q, k = apply_rope(q, cos, sin), apply_rope(k, cos, sin)
        # Query head h reads KV head h // group, as llama.cpp does: repeat each KV head `group` times.
        group = self.n_heads // self.n_kv_heads
        k = k.repeat_interleave(group, dim=2)
        v = v.repeat_interleave(group, dim=2)
        out = F.scaled_dot_product_attention(q.transpose(1, 2), k.transpose(1, 2), v.transpose(1, 2), is_causal=True)
        return self.wo(out.transpose(1, 2).reshape(batch, seq, -1))


class FeedForward(nn.Module):
    def __init__(self, c: ModelConfig):
        super().__init__()
        self.w1 = nn.Linear(c.dim, c.hidden_dim, bias=False)  # gate
        self.w2 = nn.Linear(c.hidden_dim, c.dim, bias=False)  # down
        self.w3 = nn.Linear(c.dim, c.hidden_dim, bias=False)  # up

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.w2(F.silu(self.w1(x)) * self.w3(x))


class Block(nn.Module):
    def __init__(self, c: ModelConfig):
        super().__init__()
        self.attention_norm = RMSNorm(c.dim, c.norm_eps)
        self.attention = Attention(c)
        self.ffn_norm = RMSNorm(c.dim, c.norm_eps)
        self.feed_forward = FeedForward(c)

    def forward(self, x: torch.Tensor, cos: torch.Tensor, sin: torch.Tensor) -> torch.Tensor:
        x = x + self.attention(self.attention_norm(x), cos, sin)
        return x + self.feed_forward(self.ffn_norm(x))


class Llama(nn.Module):
    def __init__(self, c: ModelConfig, rope: RopeSettings, max_seq_len: int):
        super().__init__()
        c.validate()
        self.config, self.rope, self.max_seq_len = c, rope, max_seq_len
        self.tok_embeddings = nn.Embedding(c.vocab_size, c.dim)
        self.layers = nn.ModuleList(Block(c) for _ in range(c.n_layers))
        self.norm = RMSNorm(c.dim, c.norm_eps)
        self.output = nn.Linear(c.dim, c.vocab_size, bias=False)
        angles = rope_angles(c.head_dim, max_seq_len, rope)
        # Not persistent: the RoPE variant is a property of the run, so a stage-1 state dict loads
        # unchanged into a stage-2 model with another base or PI factor.
        self.register_buffer("rope_cos", angles.cos().float(), persistent=False)
        self.register_buffer("rope_sin", angles.sin().float(), persistent=False)
        self._init_weights()

    def _init_weights(self) -> None:
        # llama2.c's model.py: N(0, 0.02) everywhere, then its "residual projections" (it scales w3 and
        # wo, both names matched by suffix) by 1/sqrt(2·n_layers), per GPT-2.
        for module in self.modules():
            if isinstance(module, (nn.Linear, nn.Embedding)):
                nn.init.normal_(module.weight, mean=0.0, std=0.02)
        for name, param in self.named_parameters():
            if name.endswith("w3.weight") or name.endswith("wo.weight"):
                nn.init.normal_(param, mean=0.0, std=0.02 / math.sqrt(2 * self.config.n_layers))

    def forward(self, tokens: torch.Tensor, targets: torch.Tensor | None = None):
        """tokens (batch, seq) → logits (batch, seq, vocab); with targets, the mean cross-entropy."""
        seq = tokens.shape[1]
        if seq > self.max_seq_len:
            raise ValueError(f"sequence of {seq} tokens exceeds the model's RoPE table of {self.max_seq_len}")
        cos, sin = self.rope_cos[:seq], self.rope_sin[:seq]
        x = self.tok_embeddings(tokens)
        for layer in self.layers:
            x = layer(x, cos, sin)
        logits = self.output(self.norm(x))
        if targets is None:
            return logits
        return F.cross_entropy(logits.float().view(-1, logits.size(-1)), targets.reshape(-1))


def parameter_count(c: ModelConfig) -> int:
    """Trainable parameters of the untied model, computed from the config (no torch allocation)."""
    kv_dim = c.n_kv_heads * c.head_dim
    per_layer = 2 * c.dim + 2 * c.dim * c.dim + 2 * c.dim * kv_dim + 3 * c.dim * c.hidden_dim
    return 2 * c.vocab_size * c.dim + c.dim + c.n_layers * per_layer
