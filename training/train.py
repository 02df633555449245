"""Trains the tiny long-context Llama family of the RoPE ablation (Xiong et al. 2023 in miniature).

    stage 1:  python training/train.py --stage 1 --tokens N             (256 tokens, RoPE base 10,000)
    stage 2:  python training/train.py --stage 2 --variant rope|pi|abf --tokens N
              (2,048 tokens from stage 1's final weights: base 10,000 / positions ÷ 8 / base 500,000)

A run lives in <runs>/<name>/ (stage1, stage2-rope, ...): log.jsonl and ckpt.pt. With --time-limit the
run checkpoints and exits 0 printing RESUME before the limit; --resume continues it from ckpt.pt with
the same data order, so one run can span several short machine calls.
"""
import argparse
import contextlib
import json
import math
import os
import sys
import time

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from model import Llama, ModelConfig, RopeSettings, parameter_count  # noqa: E402

STAGE1_SEQ_LEN = 256
STAGE2_SEQ_LEN = 2048
VARIANTS = {  # stage-2 RoPE variants of the paper's ablation
    "rope": RopeSettings(base=10_000.0, pi_factor=1.0),
    "pi": RopeSettings(base=10_000.0, pi_factor=STAGE2_SEQ_LEN / STAGE1_SEQ_LEN),
    "abf": RopeSettings(base=500_000.0, pi_factor=1.0),
}
SMOKE_MODEL = ModelConfig(dim=64, n_layers=2, n_heads=4, n_kv_heads=2, hidden_dim=192)


def parse_args() -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--stage", type=int, choices=(1, 2), required=True)
    p.add_argument("--variant", choices=sorted(VARIANTS), help="stage-2 RoPE variant")
    p.add_argument("--data", default="training/work/data", help="directory of train.bin, heldout.bin, data.json")
    p.add_argument("--runs", default="training/work/runs", help="directory holding one directory per run")
    p.add_argument("--stage1-ckpt", help="stage-1 checkpoint for stage 2 (default <runs>/stage1/ckpt.pt)")
    p.add_argument("--tokens", type=int, help="training token budget (default 2^28; smoke 16 steps)")
    p.add_argument("--batch-tokens", type=int, help="tokens per optimizer step (default 2^17; smoke 2^12)")
    p.add_argument("--micro-batch-tokens", type=int, default=16_384, help="tokens per forward/backward pass")
    p.add_argument("--lr", type=float, help="peak learning rate (default 1e-3 stage 1, 3e-4 stage 2)")
    p.add_argument("--warmup-steps", type=int, help="linear warmup (default 100 stage 1, 20 stage 2, ≤ 10%% of steps)")
    p.add_argument("--eval-every", type=int, help="held-out loss every K steps and at the end (default 50; smoke 4)")
    p.add_argument("--eval-windows", type=int, help="first N non-overlapping held-out windows (default 64; smoke 4)")
    p.add_argument("--ckpt-every", type=int, default=500, help="checkpoint every K steps (and at the end)")
    p.add_argument("--time-limit", type=float, help="seconds: checkpoint and exit 0 printing RESUME before this")
    p.add_argument("--resume", action="store_true", help="continue the run from its ckpt.pt")
    p.add_argument("--seed", type=int, default=1234)
    p.add_argument("--device", default="cuda" if torch.cuda.is_available() else "cpu")
    p.add_argument("--compile", action="store_true", help="torch.compile the model")
    p.add_argument("--smoke", action="store_true", help="tiny model, few steps: checks the pipeline, not the science")
    args = p.parse_args()
    if args.stage == 2 and args.variant is None:
        p.error("--stage 2 needs --variant rope, pi or abf")
    if args.stage == 1 and args.variant is not None:
        p.error("--variant applies to stage 2 only (stage 1 is plain RoPE, base 10,000)")
    if args.eval_every is None:
        args.eval_every = 4 if args.smoke else 50
    if args.eval_windows is None:
        args.eval_windows = 4 if args.smoke else 64
    return args


def run_plan(args: argparse.Namespace, vocab_size: int) -> dict:
    """Everything that defines the run (and must match on --resume)."""
    seq_len = STAGE1_SEQ_LEN if args.stage == 1 else STAGE2_SEQ_LEN
    model = ModelConfig(**{**(SMOKE_MODEL if args.smoke else ModelConfig()).to_dict(), "vocab_size": vocab_size})
    batch_tokens = args.batch_tokens or (2**12 if args.smoke else 2**17)
    tokens = args.tokens or (16 * batch_tokens if args.smoke else 2**28)
    micro_tokens = min(args.micro_batch_tokens, batch_tokens)
    for what, n in (("--batch-tokens", batch_tokens), ("--micro-batch-tokens", micro_tokens)):
        if n % seq_len != 0:
            sys.exit(f"train: {what} {n} is not a multiple of the sequence length {seq_len}")
    if batch_tokens % micro_tokens != 0:
        sys.exit(f"train: --batch-tokens {batch_tokens} is not a multiple of --micro-batch-tokens {micro_tokens}")
    total_steps = tokens // batch_tokens
    if total_steps < 1:
        sys.exit(f"train: --tokens {tokens} is less than one step of {batch_tokens}")
    default_warmup = 100 if args.stage == 1 else 20
    warmup = args.warmup_steps if args.warmup_steps is not None else min(default_warmup, max(1, total_steps // 10))
    rope = RopeSettings() if args.stage == 1 else VARIANTS[args.variant]
    return {
        "name": "stage1" if args.stage == 1 else f"stage2-{args.variant}",
        "stage": args.stage,
        "variant": args.variant or "rope",
        "smoke": args.smoke,
        "seq_len": seq_len,
        "original_context": None if args.stage == 1 else STAGE1_SEQ_LEN,
        "rope": rope.to_dict(),
        "model": model.to_dict(),
        "tokens_budget": total_steps * batch_tokens,
        "batch_tokens": batch_tokens,
        "micro_batch_tokens": micro_tokens,
        "total_steps": total_steps,
        "warmup_steps": warmup,
        "lr": args.lr or (1e-3 if args.stage == 1 else 3e-4),
        "min_lr_ratio": 0.1,
        "weight_decay": 0.1,
        "betas": (0.9, 0.95),
        "grad_clip": 1.0,
        "seed": args.seed,
        "eval_windows": args.eval_windows,
    }


def learning_rate(step: int, plan: dict) -> float:
    """Linear warmup to lr, then cosine decay to min_lr_ratio·lr at the last step."""
    peak, warmup, total = plan["lr"], plan["warmup_steps"], plan["total_steps"]
    if step < warmup:
        return peak * (step + 1) / warmup
    progress = (step - warmup) / max(1, total - warmup)
    floor = peak * plan["min_lr_ratio"]
    return floor + 0.5 * (peak - floor) * (1 + math.cos(math.pi * min(1.0, progress)))


class TokenData:
    """uint16 token streams: random training windows (seeded, resumable) and fixed held-out windows."""

    def __init__(self, data_dir: str, seq_len: int, seed: int):
        with open(os.path.join(data_dir, "data.json")) as f:
            self.meta = json.load(f)
        self.vocab_size = int(self.meta["vocabSize"])
        self.train = np.memmap(os.path.join(data_dir, "train.bin"), dtype="<u2", mode="r")
        self.heldout = np.memmap(os.path.join(data_dir, "heldout.bin"), dtype="<u2", mode="r")
        self.seq_len = seq_len
        if len(self.train) < seq_len + 2:
            sys.exit(f"train: {data_dir}/train.bin has {len(self.train)} tokens, fewer than one window of {seq_len + 1}")
        self.rng = np.random.Generator(np.random.PCG64(seed))

    def train_batch(self, sequences: int) -> tuple[np.ndarray, np.ndarray]:
        starts = self.rng.integers(0, len(self.train) - self.seq_len - 1, size=sequences)
        windows = np.stack([self.train[s : s + self.seq_len + 1] for s in starts]).astype(np.int64)
        return windows[:, :-1], windows[:, 1:]

    def heldout_windows(self, count: int) -> np.ndarray:
        span = self.seq_len + 1
        available = len(self.heldout) // span
        if available < count:
            sys.exit(f"train: heldout.bin has {available} windows of {span} tokens, --eval-windows wants {count}")
        return np.asarray(self.heldout[: count * span]).astype(np.int64).reshape(count, span)


def autocast(device: torch.device):
    if device.type == "cuda":
        return torch.autocast("cuda", dtype=torch.bfloat16)
    return contextlib.nullcontext()


@torch.no_grad()
def heldout_loss(model, windows: np.ndarray, sequences: int, device: torch.device) -> float:
    model.eval()
    total = 0.0
    for i in range(0, len(windows), sequences):
        chunk = torch.from_numpy(windows[i : i + sequences]).to(device)
        with autocast(device):
            total += model(chunk[:, :-1], chunk[:, 1:]).item() * len(chunk)
    model.train()
    return total / len(windows)


def make_optimizer(model: torch.nn.Module, plan: dict, device: torch.device) -> torch.optim.AdamW:
    # llama2.c: decay matrices and embeddings, not norm weights.
    params = [p for p in model.parameters() if p.requires_grad]
    groups = [
        {"params": [p for p in params if p.dim() >= 2], "weight_decay": plan["weight_decay"]},
        {"params": [p for p in params if p.dim() < 2], "weight_decay": 0.0},
    ]
    return torch.optim.AdamW(groups, lr=plan["lr"], betas=plan["betas"], fused=device.type == "cuda")


def load_stage1_weights(path: str, model: torch.nn.Module, plan: dict) -> None:
    if not os.path.exists(path):
        sys.exit(f"train: stage 2 needs the stage-1 checkpoint {path}; run --stage 1 first")
    ckpt = torch.load(path, map_location="cpu", weights_only=False)
    if ckpt["run"]["stage"] != 1 or not ckpt["finished"]:
        sys.exit(f"train: {path} is not a finished stage-1 run (stage {ckpt['run']['stage']}, step {ckpt['step']})")
    if ckpt["run"]["model"] != plan["model"]:
        sys.exit(f"train: {path} has model {ckpt['run']['model']}, this run wants {plan['model']}")
    model.load_state_dict(ckpt["model"])


def save_checkpoint(path: str, state: dict) -> None:
    tmp = path + ".partial"
    torch.save(state, tmp)
    os.replace(tmp, path)  # an interrupted save never replaces the previous checkpoint


def main() -> None:
    args = parse_args()
    device = torch.device(args.device)
    torch.backends.cudnn.deterministic = True
    torch.backends.cudnn.benchmark = False
    started = time.monotonic()

    with open(os.path.join(args.data, "data.json")) as f:
        vocab_size = int(json.load(f)["vocabSize"])
    plan = run_plan(args, vocab_size)
    run_dir = os.path.join(args.runs, plan["name"] + ("-smoke" if args.smoke else ""))
    ckpt_path = os.path.join(run_dir, "ckpt.pt")
    os.makedirs(run_dir, exist_ok=True)
    if plan["stage"] == 2:
        default_stage1 = os.path.join(args.runs, "stage1" + ("-smoke" if args.smoke else ""), "ckpt.pt")
        # As given, not absolute: each machine call may see the repository at another path.
        plan["stage1_checkpoint"] = args.stage1_ckpt or default_stage1

    torch.manual_seed(plan["seed"])
    data = TokenData(args.data, plan["seq_len"], plan["seed"])
    model = Llama(ModelConfig(**plan["model"]), RopeSettings(**plan["rope"]), plan["seq_len"]).to(device)
    optimizer = make_optimizer(model, plan, device)
    step, tokens_seen, train_seconds = 0, 0, 0.0

    if args.resume:
        if not os.path.exists(ckpt_path):
            sys.exit(f"train: --resume but there is no {ckpt_path}")
        ckpt = torch.load(ckpt_path, map_location="cpu", weights_only=False)
        if ckpt["run"] != plan:
            changed = sorted(k for k in set(plan) | set(ckpt["run"]) if plan.get(k) != ckpt["run"].get(k))
            sys.exit(f"train: {ckpt_path} was made with other settings ({', '.join(changed)}); resume with the same flags")
        if ckpt["finished"]:
            print(f"{plan['name']}: already finished at step {ckpt['step']} ({ckpt_path})")
            return
        model.load_state_dict(ckpt["model"])
        optimizer.load_state_dict(ckpt["optimizer"])
        step, tokens_seen, train_seconds = ckpt["step"], ckpt["tokens"], ckpt["seconds"]
        data.rng.bit_generator.state = ckpt["data_rng"]
        torch.set_rng_state(ckpt["torch_rng"])
        if device.type == "cuda" and ckpt.get("cuda_rng") is not None:
            torch.cuda.set_rng_state(ckpt["cuda_rng"])
    else:
        if os.path.exists(ckpt_path):
            sys.exit(f"train: {ckpt_path} exists; pass --resume to continue it or delete {run_dir} to start over")
        if plan["stage"] == 2:
            load_stage1_weights(plan["stage1_checkpoint"], model, plan)
        with open(os.path.join(run_dir, "log.jsonl"), "w"):
            pass

    log_file = open(os.path.join(run_dir, "log.jsonl"), "a")

    def log(record: dict) -> None:
        log_file.write(json.dumps(record) + "\n")
        log_file.flush()

    log({"event": "resume" if args.resume else "start", "step": step, "plan": plan, "device": str(device),
         "torch": torch.__version__, "parameters": parameter_count(ModelConfig(**plan["model"]))})

    forward = torch.compile(model) if args.compile else model
    windows = data.heldout_windows(plan["eval_windows"])
    sequences = plan["micro_batch_tokens"] // plan["seq_len"]
    accumulation = plan["batch_tokens"] // plan["micro_batch_tokens"]

    def checkpoint() -> None:
        save_checkpoint(ckpt_path, {
            "run": plan, "model": model.state_dict(), "optimizer": optimizer.state_dict(),
            "step": step, "tokens": tokens_seen, "seconds": train_seconds,
            "finished": step >= plan["total_steps"],
            "data_rng": data.rng.bit_generator.state, "torch_rng": torch.get_rng_state(),
            "cuda_rng": torch.cuda.get_rng_state() if device.type == "cuda" else None,
        })

    slowest_step = 0.0
    while step < plan["total_steps"]:
        # Leave room for the slowest step seen (it includes evals) and the checkpoint write.
        if args.time_limit and time.monotonic() - started + 2 * slowest_step + 15 > args.time_limit:
            checkpoint()
            log({"event": "pause", "step": step, "tokens": tokens_seen, "seconds": round(train_seconds, 2)})
            print(f"RESUME {plan['name']} at step {step}/{plan['total_steps']}")
            return
        step_started = time.monotonic()
        lr = learning_rate(step, plan)
        for group in optimizer.param_groups:
            group["lr"] = lr
        train_loss = 0.0
        for _ in range(accumulation):
            inputs, targets = (torch.from_numpy(a).to(device, non_blocking=True) for a in data.train_batch(sequences))
            with autocast(device):
                loss = forward(inputs, targets)
            (loss / accumulation).backward()
            train_loss += loss.item() / accumulation
        torch.nn.utils.clip_grad_norm_(model.parameters(), plan["grad_clip"])
        optimizer.step()
        optimizer.zero_grad(set_to_none=True)
        step += 1
        tokens_seen += plan["batch_tokens"]
        seconds = time.monotonic() - step_started
        train_seconds += seconds
        record = {"step": step, "tokens": tokens_seen, "train_loss": round(train_loss, 5), "lr": lr,
                  "tokens_per_s": round(plan["batch_tokens"] / seconds), "seconds": round(train_seconds, 2)}
        if step % args.eval_every == 0 or step == plan["total_steps"]:
            record["heldout_loss"] = round(heldout_loss(forward, windows, sequences, device), 5)
            print(f"{plan['name']} step {step}/{plan['total_steps']} tokens {tokens_seen} train {train_loss:.4f} "
                  f"heldout {record['heldout_loss']:.4f} lr {lr:.2e} {record['tokens_per_s']} tok/s", flush=True)
        log(record)
        slowest_step = max(slowest_step, time.monotonic() - step_started)
        if step % args.ckpt_every == 0 or step == plan["total_steps"]:
            checkpoint()

    log({"event": "finished", "step": step, "tokens": tokens_seen, "seconds": round(train_seconds, 2)})
    print(f"{plan['name']}: finished {step} steps, {tokens_seen} tokens -> {ckpt_path}")


if __name__ == "__main__":
    main()
