// Sampling the next token on the GPU, as llama.cpp's default chain: repetition penalty → top-k →
// top-p → min-p → temperature → draw. Only the chosen id leaves the GPU. One workgroup of 256:
//   1. penalty: each distinct recent token's logit is divided by the penalty if positive, else
//      multiplied (in place; the LM head rewrites the logits every step).
//   2. with M the max logit and d_i = logit_i − M: top-k keeps d_i ≥ δ_k, the largest threshold that
//      keeps ≥ k tokens; top-p keeps d_i ≥ δ_p, the largest threshold whose kept mass Σ e^(d_i)
//      reaches p of the top-k mass; min-p keeps e^(d_i) ≥ min_p (the top token has e^0 = 1).
//      The thresholds are found by bisection over d ∈ [−DELTA_RANGE, 0] (reductions over the vocab,
//      no sort); ties at a threshold are all kept.
//   3. weights w_i = e^(d_i / T) over the kept set; a PCG hash of (seed, counter) gives u ∈ [0,1);
//      the token where the running sum of weights crosses u·Σw is the draw (prefix sums over
//      contiguous per-thread slices). Temperature 0 takes the top token instead.

const WG: u32 = 256u;
const DELTA_RANGE: f32 = 80.0; // e^(−80) ≈ 2e−35: tokens below carry no probability in f32
const BISECTION_STEPS: u32 = 28u;

override VOCAB: u32;
override STRIDE: u32;

struct Sampler {
  temperature: f32,
  top_k: u32,          // 0 = off
  top_p: f32,          // 1 = off
  min_p: f32,          // 0 = off
  repeat_penalty: f32, // 1 = off
  penalty_count: u32,  // entries of `recent` in use
  seed: u32,
  counter: u32,        // tokens drawn so far in this generation
}

@group(0) @binding(0) var<uniform> step: Step;
@group(0) @binding(1) var<uniform> sampler: Sampler;
@group(0) @binding(2) var<storage, read_write> logits: array<f32>;
@group(0) @binding(3) var<storage, read> recent: array<u32>;
@group(0) @binding(4) var<storage, read_write> result: array<u32>;

var<workgroup> red_f: array<f32, 256>;
var<workgroup> red_u: array<u32, 256>;

fn sum_f(v: f32, lid: u32) -> f32 {
  red_f[lid] = v;
  workgroupBarrier();
  for (var half = WG / 2u; half > 0u; half >>= 1u) {
    if (lid < half) {
      red_f[lid] += red_f[lid + half];
    }
    workgroupBarrier();
  }
  let r = red_f[0];
  workgroupBarrier();
  return r;
}

fn max_f(v: f32, lid: u32) -> f32 {
  red_f[lid] = v;
  workgroupBarrier();
  for (var half = WG / 2u; half > 0u; half >>= 1u) {
    if (lid < half) {
      red_f[lid] = max(red_f[lid], red_f[lid + half]);
    }
    workgroupBarrier();
  }
  let r = red_f[0];
  workgroupBarrier();
  return r;
}

fn sum_u(v: u32, lid: u32) -> u32 {
  red_u[lid] = v;
  workgroupBarrier();
  for (var half = WG / 2u; half > 0u; half >>= 1u) {
    if (lid < half) {
      red_u[lid] += red_u[lid + half];
    }
    workgroupBarrier();
  }
  let r = red_u[0];
  workgroupBarrier();
  return r;
}

fn pcg(v: u32) -> u32 {
  let state = v * 747796405u + 2891336453u;
  let word = ((state >> ((state >> 28u) + 4u)) ^ state) * 277803737u;
  return (word >> 22u) ^ word;
}

fn count_at_least(base: u32, m: f32, delta: f32, lid: u32) -> u32 {
  var n = 0u;
  for (var i = lid; i < VOCAB; i += WG) {
    n += select(0u, 1u, logits[base + i] - m >= delta);
  }
  return sum_u(n, lid);
}

fn mass_at_least(base: u32, m: f32, delta: f32, lid: u32) -> f32 {
  var s = 0.0;
  for (var i = lid; i < VOCAB; i += WG) {
    let d = logits[base + i] - m;
    s += select(0.0, exp(d), d >= delta);
  }
  return sum_f(s, lid);
}

@compute @workgroup_size(256)
fn main(@builtin(local_invocation_index) lid: u32) {
  let base = step.sample_row * STRIDE;

  // 1. repetition penalty, once per distinct token
  if (sampler.repeat_penalty != 1.0) {
    for (var j = lid; j < sampler.penalty_count; j += WG) {
      let tok = recent[j];
      var first = tok < VOCAB;
      for (var k = 0u; k < j; k++) {
        if (recent[k] == tok) {
          first = false;
        }
      }
      if (first) {
        let l = logits[base + tok];
        logits[base + tok] = select(l * sampler.repeat_penalty, l / sampler.repeat_penalty, l > 0.0);
      }
    }
  }
  storageBarrier();
  workgroupBarrier();

  var local_max = -3.0e38;
  var local_arg = 0xffffffffu;
  for (var i = lid; i < VOCAB; i += WG) {
    let l = logits[base + i];
    if (l > local_max) {
      local_max = l;
      local_arg = i;
    }
  }
  let m = max_f(local_max, lid);

  if (sampler.temperature <= 0.0) {
    // greedy: the lowest index holding the max
    red_u[lid] = select(0xffffffffu, local_arg, local_max == m);
    workgroupBarrier();
    for (var half = WG / 2u; half > 0u; half >>= 1u) {
      if (lid < half) {
        red_u[lid] = min(red_u[lid], red_u[lid + half]);
      }
      workgroupBarrier();
    }
    if (lid == 0u) {
      result[0] = red_u[0];
    }
    return;
  }

  // 2. thresholds on d = logit − m
  var delta = -DELTA_RANGE;
  if (sampler.top_k > 0u && sampler.top_k < VOCAB) {
    var lo = -DELTA_RANGE; // keeps ≥ k (or everything representable)
    var hi = 0.0;
    for (var it = 0u; it < BISECTION_STEPS; it++) {
      let mid = 0.5 * (lo + hi);
      if (count_at_least(base, m, mid, lid) >= sampler.top_k) {
        lo = mid;
      } else {
        hi = mid;
      }
    }
    delta = lo;
  }
  if (sampler.top_p < 1.0) {
    let wanted = sampler.top_p * mass_at_least(base, m, delta, lid);
    var lo = delta;
    var hi = 0.0;
    for (var it = 0u; it < BISECTION_STEPS; it++) {
      let mid = 0.5 * (lo + hi);
      if (mass_at_least(base, m, mid, lid) >= wanted) {
        lo = mid;
      } else {
        hi = mid;
      }
    }
    delta = lo;
  }
  if (sampler.min_p > 0.0) {
    delta = max(delta, log(sampler.min_p));
  }

  // 3. draw from w_i = e^(d_i / T) over the kept tokens: per-thread contiguous slices, prefix sums
  let per_thread = (VOCAB + WG - 1u) / WG;
  let begin = min(lid * per_thread, VOCAB);
  let end = min(begin + per_thread, VOCAB);
  var slice_sum = 0.0;
  for (var i = begin; i < end; i++) {
    let d = logits[base + i] - m;
    slice_sum += select(0.0, exp(d / sampler.temperature), d >= delta);
  }
  red_f[lid] = slice_sum;
  workgroupBarrier();
  if (lid == 0u) {
    var running = 0.0;
    for (var t = 0u; t < WG; t++) {
      let s = red_f[t];
      red_f[t] = running; // exclusive prefix
      running += s;
    }
    let u = f32(pcg(sampler.seed ^ pcg(sampler.counter)) >> 8u) / 16777216.0;
    let goal = u * running;
    var chosen = 0xffffffffu;
    var last_kept = 0u;
    for (var t = WG; t > 0u; t--) {
      if (red_f[t - 1u] <= goal) {
        // the draw falls in slice t − 1 (or past the end by rounding: take its last kept token)
        let b = min((t - 1u) * per_thread, VOCAB);
        let e = min(b + per_thread, VOCAB);
        var acc = red_f[t - 1u];
        for (var i = b; i < e; i++) {
          let d = logits[base + i] - m;
          if (d >= delta) {
            acc += exp(d / sampler.temperature);
            last_kept = i;
            if (acc > goal && chosen == 0xffffffffu) {
              chosen = i;
            }
          }
        }
        if (chosen == 0xffffffffu && acc > red_f[t - 1u]) {
          chosen = last_kept;
        }
        if (chosen != 0xffffffffu) {
          break;
        }
      }
    }
    result[0] = select(chosen, local_arg, chosen == 0xffffffffu);
  }
}
