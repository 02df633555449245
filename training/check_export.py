"""Proves that export.py's llama2.c file means to the project what training/model.py means to torch.

    python3 training/check_export.py            (numpy; needs the repo's node_modules for the TS half)

For a tiny random model it
  1. writes the weights through export.write_llama2c, the code path of a real export;
  2. reads the file back with the project's importer (src/gguf/llama2c.ts) and compares every tensor's
     name, ggml dims and values with the arrays it wrote;
  3. runs a numpy forward pass (adjacent-pair RoPE, GQA, SwiGLU: training/model.py's math) over a short
     sequence and compares its logits with the project's CPU reference (src/engine/reference.ts) on the
     converted model, for each stage-2 RoPE variant (rope, pi ×8, abf base 500,000), tolerance 1e-4;
  4. as a negative control, shows that Hugging Face's rotate-half RoPE would NOT match;
  5. where torch is installed (the GPU machine), runs training/model.py's Llama on the same weights
     and compares its logits with the numpy pass too.
Exits 1 on any mismatch.
"""
import json
import os
import subprocess
import sys
import tempfile

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
sys.dont_write_bytecode = True  # leave no __pycache__ in the source tree
sys.path.insert(0, HERE)
from export import LAYER_ARRAYS, expected_shapes, write_llama2c  # noqa: E402

TOLERANCE = 1e-4
CONFIG = {"dim": 32, "hidden_dim": 48, "n_layers": 2, "n_heads": 4, "n_kv_heads": 2, "vocab_size": 64}
SEQ_LEN = 16
TOKENS = [1, 5, 9, 63, 17, 2, 40, 33, 8, 8, 21, 50]
VARIANTS = {"rope": (10_000.0, 1.0), "pi": (10_000.0, 8.0), "abf": (500_000.0, 1.0)}

# llama.cpp names of state-dict arrays, as src/gguf/llama2c.ts assigns them.
GGUF_NAMES = {
    "attention_norm.weight": "attn_norm", "attention.wq.weight": "attn_q", "attention.wk.weight": "attn_k",
    "attention.wv.weight": "attn_v", "attention.wo.weight": "attn_output", "ffn_norm.weight": "ffn_norm",
    "feed_forward.w1.weight": "ffn_gate", "feed_forward.w2.weight": "ffn_down", "feed_forward.w3.weight": "ffn_up",
}


def random_weights(seed: int = 7) -> dict:
    rng = np.random.default_rng(seed)
    weights = {}
    for name, shape in expected_shapes(CONFIG).items():
        if len(shape) == 1:  # norms: near 1, but not 1, so a skipped norm would show
            weights[name] = (1 + 0.1 * rng.standard_normal(shape)).astype(np.float32)
        else:  # large enough that attention is far from uniform and RoPE matters
            weights[name] = (0.3 * rng.standard_normal(shape)).astype(np.float32)
    return weights


def rotate(x: np.ndarray, positions: np.ndarray, base: float, pi_factor: float, half_split: bool) -> np.ndarray:
    """x (seq, heads, head_dim) rotated per position; adjacent pairs (2i, 2i+1) unless half_split (HF)."""
    head_dim = x.shape[-1]
    inv_freq = base ** (-np.arange(0, head_dim, 2, dtype=np.float64) / head_dim)
    angles = np.outer(positions / pi_factor, inv_freq)[:, None, :]  # (seq, 1, head_dim/2)
    cos, sin = np.cos(angles), np.sin(angles)
    if half_split:
        a, b = x[..., : head_dim // 2], x[..., head_dim // 2 :]
        return np.concatenate([a * cos - b * sin, a * sin + b * cos], axis=-1)
    a, b = x[..., 0::2], x[..., 1::2]
    out = np.empty_like(x)
    out[..., 0::2], out[..., 1::2] = a * cos - b * sin, a * sin + b * cos
    return out


def numpy_forward(w: dict, tokens: list, base: float, pi_factor: float, half_split: bool = False) -> np.ndarray:
    """Logits (seq, vocab) in float64 of the whole causal sequence: training/model.py's forward."""
    c = CONFIG
    head_dim = c["dim"] // c["n_heads"]
    group = c["n_heads"] // c["n_kv_heads"]
    w = {k: v.astype(np.float64) for k, v in w.items()}
    seq = len(tokens)
    positions = np.arange(seq, dtype=np.float64)
    causal = np.tril(np.ones((seq, seq), dtype=bool))

    def rmsnorm(x, weight):
        return x / np.sqrt((x * x).mean(-1, keepdims=True) + 1e-5) * weight

    x = w["tok_embeddings.weight"][tokens]
    for layer in range(c["n_layers"]):
        p = lambda name: w[f"layers.{layer}.{name}"]  # noqa: E731
        xn = rmsnorm(x, p("attention_norm.weight"))
        q = (xn @ p("attention.wq.weight").T).reshape(seq, c["n_heads"], head_dim)
        k = (xn @ p("attention.wk.weight").T).reshape(seq, c["n_kv_heads"], head_dim)
        v = (xn @ p("attention.wv.weight").T).reshape(seq, c["n_kv_heads"], head_dim)
        q, k = (rotate(t, positions, base, pi_factor, half_split) for t in (q, k))
        k, v = np.repeat(k, group, axis=1), np.repeat(v, group, axis=1)  # query head h → KV head h // group
        scores = np.einsum("qhd,khd->hqk", q, k) / np.sqrt(head_dim)
        scores = np.where(causal, scores, -np.inf)
        probs = np.exp(scores - scores.max(-1, keepdims=True))
        probs /= probs.sum(-1, keepdims=True)
        attn = np.einsum("hqk,khd->qhd", probs, v).reshape(seq, -1)
        x = x + attn @ p("attention.wo.weight").T
        xn = rmsnorm(x, p("ffn_norm.weight"))
        gate = xn @ p("feed_forward.w1.weight").T
        x = x + ((gate / (1 + np.exp(-gate))) * (xn @ p("feed_forward.w3.weight").T)) @ p("feed_forward.w2.weight").T
    return rmsnorm(x, w["norm.weight"]) @ w["output.weight"].T


# Reads each checkpoint with the project's importer, converts it to GGUF in memory with the variant's
# RoPE metadata (what `lab convert --rope-base/--rope-scaling` records) and runs the CPU reference.
TS_SCRIPT = """
import { readFileSync } from 'node:fs';
import { bytesSource, meta, readGGUF, readLlama2c, writeModelStream } from '__REPO__/src/gguf/index.ts';
import { loadReferenceWeights, ReferenceModel } from '__REPO__/src/engine/reference.ts';

const job = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const results = [];
for (const file of job.files) {
  const bytes = new Uint8Array(readFileSync(file.path));
  const model = await readLlama2c(bytesSource(bytes, file.path));
  const tensors = [];
  for (const t of model.tensors) tensors.push({ name: t.name, dims: t.dims, values: Array.from(new Float32Array((await t.read()).slice().buffer)) });
  model.metadata.push(['llama.rope.freq_base', meta.f32(file.base)]);
  if (file.piFactor !== 1) model.metadata.push(['llama.rope.scaling.type', meta.str('linear')], ['llama.rope.scaling.factor', meta.f32(file.piFactor)]);
  const chunks = [];
  await writeModelStream(model, (c) => void chunks.push(c.slice()));
  const gguf = await readGGUF(bytesSource(new Uint8Array(Buffer.concat(chunks))));
  const reference = new ReferenceModel(await loadReferenceWeights(gguf), job.tokens.length);
  const logits = job.tokens.map((token, pos) => Array.from(reference.forward(token, pos)));
  results.push({ config: model.config, tensors, logits });
}
console.log(JSON.stringify(results));
"""


def run_project_reference(paths: list, workdir: str) -> list:
    tsx = os.path.join(REPO, "node_modules", ".bin", "tsx")
    if not os.path.exists(tsx):
        raise FileNotFoundError(f"{tsx} is missing: run npm install in {REPO}")
    script = os.path.join(workdir, "reference.mts")  # .mts: ESM, for top-level await
    with open(script, "w") as f:
        f.write(TS_SCRIPT.replace("__REPO__", REPO))
    job = os.path.join(workdir, "job.json")
    with open(job, "w") as f:
        json.dump({"tokens": TOKENS, "files": [{"path": p, "base": b, "piFactor": pf} for p, (b, pf) in paths]}, f)
    out = subprocess.run([tsx, script, job], capture_output=True, text=True, cwd=REPO)
    if out.returncode != 0:
        raise RuntimeError(f"the TypeScript reference failed:\n{out.stderr}")
    return json.loads(out.stdout)


def check_tensors(result: dict, weights: dict) -> float:
    """Largest |difference| between the importer's tensors and the arrays written; names and dims must match."""
    expected = {"token_embd.weight": "tok_embeddings.weight", "output_norm.weight": "norm.weight", "output.weight": "output.weight"}
    for layer in range(CONFIG["n_layers"]):
        for suffix in LAYER_ARRAYS:
            expected[f"blk.{layer}.{GGUF_NAMES[suffix]}.weight"] = f"layers.{layer}.{suffix}"
    names = [t["name"] for t in result["tensors"]]
    if sorted(names) != sorted(expected):
        raise AssertionError(f"importer tensors {names} differ from {sorted(expected)}")
    worst = 0.0
    for t in result["tensors"]:
        array = weights[expected[t["name"]]]
        if t["dims"] != list(reversed(array.shape)):  # ggml dims are [row length, rows]
            raise AssertionError(f"{t['name']}: importer dims {t['dims']}, wrote {array.shape} (out, in)")
        worst = max(worst, float(np.abs(np.array(t["values"], dtype=np.float32) - array.reshape(-1)).max()))
    return worst


def torch_logits(weights: dict, base: float, pi_factor: float):
    """training/model.py's logits (seq, vocab) on the same weights, or None without torch."""
    try:
        import torch
    except ImportError:
        return None
    from model import Llama, ModelConfig, RopeSettings

    model = Llama(ModelConfig(**CONFIG), RopeSettings(base=base, pi_factor=pi_factor), SEQ_LEN)
    model.load_state_dict({k: torch.from_numpy(v) for k, v in weights.items()})
    with torch.no_grad():
        return model(torch.tensor([TOKENS]))[0].double().numpy()


def main() -> None:
    weights = random_weights()
    failures = []
    compared = 0
    with tempfile.TemporaryDirectory() as workdir:
        paths = []
        for name, (base, pi_factor) in VARIANTS.items():
            path = os.path.join(workdir, f"{name}.bin")
            size = write_llama2c(path, CONFIG, weights, SEQ_LEN, base, pi_factor)
            paths.append((path, (base, pi_factor)))
        print(f"wrote {len(paths)} checkpoints of {size} bytes (config {CONFIG}, seq_len {SEQ_LEN})")
        try:
            results = run_project_reference(paths, workdir)
        except (FileNotFoundError, RuntimeError) as err:
            results = None
            print(f"skipping the TypeScript comparison: {err}")

        for i, (name, (base, pi_factor)) in enumerate(VARIANTS.items()):
            ours = numpy_forward(weights, TOKENS, base, pi_factor)
            line = f"{name:>4} (base {base:g}, PI ×{pi_factor:g}):"
            if results is not None:
                r = results[i]
                tensor_diff = check_tensors(r, weights)
                theirs = np.array(r["logits"])
                logit_diff = float(np.abs(theirs - ours).max())
                half_split_diff = float(np.abs(theirs - numpy_forward(weights, TOKENS, base, pi_factor, half_split=True)).max())
                line += (f" importer config {r['config']}; tensor max|Δ| {tensor_diff:.1e}; logits vs src/engine/reference.ts"
                         f" max|Δ| {logit_diff:.2e} (|logit| up to {np.abs(ours).max():.1f});"
                         f" rotate-half control max|Δ| {half_split_diff:.2f}")
                compared += 1
                if tensor_diff != 0 or logit_diff > TOLERANCE:
                    failures.append(f"{name}: tensors {tensor_diff}, logits {logit_diff}")
                if half_split_diff <= TOLERANCE:
                    failures.append(f"{name}: the rotate-half control matched too, so the check cannot tell layouts apart")
            from_torch = torch_logits(weights, base, pi_factor)
            if from_torch is not None:
                torch_diff = float(np.abs(from_torch - ours).max())
                compared += 1
                line += f"; training/model.py (torch fp32) max|Δ| {torch_diff:.2e}"
                if torch_diff > TOLERANCE:
                    failures.append(f"{name}: torch logits differ by {torch_diff}")
            print(line)
        first = results[0]["tensors"][:3] if results else []
        for t in first:
            print(f"  {t['name']} dims {t['dims']} first values {[round(v, 5) for v in t['values'][:3]]}")
    if compared == 0:
        failures.append("nothing was compared (neither the TypeScript reference nor torch could run)")
    if failures:
        print("MISMATCH: " + "; ".join(failures))
        sys.exit(1)
    print(f"OK: export layout and RoPE convention agree (tolerance {TOLERANCE})")


if __name__ == "__main__":
    main()
