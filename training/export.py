"""Writes a training run's final weights as a llama2.c legacy (version 0) float32 checkpoint, the format
the project's importer (src/gguf/llama2c.ts) and llama.cpp's convert-llama2c-to-ggml read, plus a JSON
of the run's RoPE settings, and prints the `lab convert` command that turns it into a GGUF.

    python training/export.py training/work/runs/stage2-abf [--out DIR]

Layout (llama2.c export.py `legacy_export`): 7 int32 (dim, hidden_dim, n_layers, n_heads, n_kv_heads,
vocab_size — negative because the classifier is not shared —, seq_len), then float32 arrays: embedding,
rms_att, wq, wk, wv, wo, rms_ffn, w1, w2, w3 (each stacked over layers), rms_final, freq_cis real and
imaginary (seq_len × head_dim/2 each; importers skip them), wcls. Matrices are nn.Linear's (out, in),
row-major, which is what llama2.c's matmul reads (it writes `w.detach().cpu().view(-1)`).

The serialisation takes anything numpy can turn into an array, so check_export.py drives the same code
with numpy weights on a machine without torch; torch is imported only to read the run's checkpoint.
"""
import argparse
import hashlib
import json
import os
import shlex
import subprocess
import struct
import sys

import numpy as np

# The per-layer arrays in file order, by their state-dict suffix under `layers.<l>.`.
LAYER_ARRAYS = [
    "attention_norm.weight",
    "attention.wq.weight",
    "attention.wk.weight",
    "attention.wv.weight",
    "attention.wo.weight",
    "ffn_norm.weight",
    "feed_forward.w1.weight",
    "feed_forward.w2.weight",
    "feed_forward.w3.weight",
]


def legacy_rope_tables(head_dim: int, seq_len: int, base: float, pi_factor: float):
    """The legacy freq_cis block: cos and sin of (p / pi_factor)·base^(−2i/head_dim), (seq_len, head_dim/2)."""
    inv_freq = base ** (-np.arange(0, head_dim, 2, dtype=np.float64) / head_dim)
    angles = np.outer(np.arange(seq_len, dtype=np.float64) / pi_factor, inv_freq)
    return np.cos(angles), np.sin(angles)


def expected_shapes(config: dict) -> dict:
    """(out, in) shape of every array in `weights`, from the model config."""
    dim, hidden, vocab = config["dim"], config["hidden_dim"], config["vocab_size"]
    kv_dim = config["n_kv_heads"] * (dim // config["n_heads"])
    shapes = {"tok_embeddings.weight": (vocab, dim), "norm.weight": (dim,), "output.weight": (vocab, dim)}
    per_layer = {
        "attention_norm.weight": (dim,),
        "attention.wq.weight": (dim, dim),
        "attention.wk.weight": (kv_dim, dim),
        "attention.wv.weight": (kv_dim, dim),
        "attention.wo.weight": (dim, dim),
        "ffn_norm.weight": (dim,),
        "feed_forward.w1.weight": (hidden, dim),
        "feed_forward.w2.weight": (dim, hidden),
        "feed_forward.w3.weight": (hidden, dim),
    }
    for layer in range(config["n_layers"]):
        for suffix, shape in per_layer.items():
            shapes[f"layers.{layer}.{suffix}"] = shape
    return shapes


def write_llama2c(path: str, config: dict, weights: dict, seq_len: int, base: float, pi_factor: float) -> int:
    """Writes `weights` (state-dict names → arrays, (out, in) layout) to `path`; returns the byte count."""
    shapes = expected_shapes(config)
    for name, shape in shapes.items():
        if name not in weights:
            raise ValueError(f"weights lack {name}")
        if tuple(np.shape(weights[name])) != shape:
            raise ValueError(f"{name} has shape {tuple(np.shape(weights[name]))}, expected {shape} from the config")
    head_dim = config["dim"] // config["n_heads"]
    header = struct.pack(
        "<7i",
        config["dim"], config["hidden_dim"], config["n_layers"], config["n_heads"], config["n_kv_heads"],
        -config["vocab_size"],  # negative: a separate classifier (wcls) follows
        seq_len,
    )
    cos, sin = legacy_rope_tables(head_dim, seq_len, base, pi_factor)
    arrays = [weights["tok_embeddings.weight"]]
    for suffix in LAYER_ARRAYS:
        arrays += [weights[f"layers.{layer}.{suffix}"] for layer in range(config["n_layers"])]
    arrays += [weights["norm.weight"], cos, sin, weights["output.weight"]]
    tmp = path + ".partial"
    with open(tmp, "wb") as f:
        f.write(header)
        for array in arrays:
            f.write(np.ascontiguousarray(array, dtype="<f4").reshape(-1).tobytes())
        size = f.tell()
    os.replace(tmp, path)
    return size


def convert_command(bin_path: str, settings: dict, gguf_path: str, tokenizer: str, lab: list[str]) -> list[str]:
    """The `lab convert` invocation giving the GGUF the run's RoPE metadata (`lab`: how to call the CLI)."""
    cmd = [*lab, "convert", bin_path, "--tokenizer", tokenizer, "-o", gguf_path,
           "--type", "q8_0", "--name", settings["name"], "--rope-base", f"{settings['rope_base']:g}",
           "--context-length", str(settings["seq_len"])]
    if settings["pi_factor"] != 1:
        cmd += ["--rope-scaling", "linear", "--rope-factor", f"{settings['pi_factor']:g}"]
        # GGUF keeps an original context only with a scaling type (rope.scaling.original_context_length)
        if settings.get("original_context"):
            cmd += ["--rope-original-context", str(settings["original_context"])]
    return cmd


def split_file(path: str, parts_dir: str, part_mib: int) -> list[str]:
    """Copies `path` into numbered pieces of at most part_mib MiB (`cat NAME.bin.part* > NAME.bin` joins
    them): the GPU machine hands back files of at most 16 MiB, and an fp32 export is larger."""
    os.makedirs(parts_dir, exist_ok=True)
    parts = []
    with open(path, "rb") as f:
        while chunk := f.read(part_mib << 20):
            part = os.path.join(parts_dir, f"{os.path.basename(path)}.part{len(parts)}")
            with open(part, "wb") as out:
                out.write(chunk)
            parts.append(part)
    return parts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("run_dir", help="a run directory holding ckpt.pt (e.g. training/work/runs/stage1)")
    parser.add_argument("--out", help="output directory (default: the run directory)")
    parser.add_argument("--tokenizer", default="training/work/data/tokenizer.gguf",
                        help="vocabulary GGUF to name in the printed lab convert command")
    parser.add_argument("--parts-dir", help="also write the .bin (and its .json) here in pieces, e.g. $OUT on the GPU machine")
    parser.add_argument("--part-mib", type=int, default=15, help="largest piece in MiB (default 15)")
    parser.add_argument("--lab", default="npm run lab --",
                        help="how to call the lab CLI in the convert command (on the GPU machine: '.gpu/node .gpu/lab.mjs')")
    parser.add_argument("--convert", action="store_true", help="run the convert command too (Q8_0 GGUF beside the .bin)")
    parser.add_argument("--allow-unfinished", action="store_true", help="export a checkpoint that has not reached its token budget")
    args = parser.parse_args()

    import torch  # only here: the serialisation above must run without torch

    ckpt_path = os.path.join(args.run_dir, "ckpt.pt")
    if not os.path.exists(ckpt_path):
        sys.exit(f"export: no checkpoint at {ckpt_path}")
    ckpt = torch.load(ckpt_path, map_location="cpu", weights_only=False)
    if not ckpt["finished"] and not args.allow_unfinished:
        sys.exit(f"export: {ckpt_path} stopped at step {ckpt['step']} of {ckpt['run']['total_steps']}; "
                 "resume it to the end or pass --allow-unfinished")
    run = ckpt["run"]
    weights = {name: t.float().numpy() for name, t in ckpt["model"].items()}
    out_dir = args.out or args.run_dir
    os.makedirs(out_dir, exist_ok=True)
    name = run["name"]
    bin_path = os.path.join(out_dir, f"{name}.bin")
    size = write_llama2c(bin_path, run["model"], weights, run["seq_len"], run["rope"]["base"], run["rope"]["pi_factor"])

    settings = {
        "name": name,
        "stage": run["stage"],
        "variant": run["variant"],
        "rope_base": run["rope"]["base"],
        "pi_factor": run["rope"]["pi_factor"],
        "seq_len": run["seq_len"],
        # Stage 2 extends a model pretrained at stage 1's length; stage 1 has no original context.
        "original_context": run.get("original_context"),
        "bytes": size,
        "sha256": hashlib.sha256(open(bin_path, "rb").read()).hexdigest(),
        "tokens": ckpt["tokens"],
        "steps": ckpt["step"],
        "checkpoint": ckpt_path,
        "stage1_checkpoint": run.get("stage1_checkpoint"),
        "model": run["model"],
    }
    json_path = os.path.join(out_dir, f"{name}.json")
    with open(json_path, "w") as f:
        json.dump(settings, f, indent=2)
    gguf_path = os.path.join(out_dir, f"{name}-Q8_0.gguf")
    print(f"wrote {bin_path} ({size} bytes, sha256 {settings['sha256']}) and {name}.json")
    if args.parts_dir:
        parts = split_file(bin_path, args.parts_dir, args.part_mib)
        with open(os.path.join(args.parts_dir, f"{name}.json"), "w") as f:
            json.dump(settings, f, indent=2)
        print(f"split into {len(parts)} pieces in {args.parts_dir}: join with cat {name}.bin.part* > {name}.bin")
    command = convert_command(bin_path, settings, gguf_path, args.tokenizer, shlex.split(args.lab))
    print(shlex.join(command))
    if args.convert:
        subprocess.run(command, check=True)


if __name__ == "__main__":
    main()
