// The model description's shape: what every part of the engine reads about a model, whatever its family
// (model-config.ts reads it from a GGUF; architectures.ts holds the per-family differences).
import type { RopeConfig } from '../rope/config.ts';
import type { FeedForwardActivation, LayerAttention, RotationPairing } from './architectures.ts';

export interface ModelConfig {
  architecture: string;
  name: string;
  dim: number;
  layers: number;
  heads: number;
  kvHeads: number;
  headDim: number;
  /** Per gate (and up) projection; a fused `ffn_up` holds 2 × ffnDim rows. */
  ffnDim: number;
  vocabSize: number;
  /** `<arch>.context_length`. */
  trainedContext: number;
  rmsEps: number;
  /** RoPE of the metadata; includes `rope_freqs.weight` divisors or LongRoPE factor tensors when passed. */
  rope: RopeConfig;
  hasRopeFreqs: boolean;
  /** No `output.weight`: the LM head is the token embedding (tied weights). */
  tiedOutput: boolean;
  pairing: RotationPairing;
  activation: FeedForwardActivation;
  /** q, k, v from one `attn_qkv.weight` ((heads + 2·kvHeads)·headDim rows, q then k then v). */
  fusedQkv: boolean;
  /** q/k/v biases: none, `attn_q/k/v.bias`, or one fused `attn_qkv.bias`. */
  qkvBias: 'none' | 'separate' | 'fused';
  /** `ffn_up` holds gate then up rows; no `ffn_gate`. */
  fusedGateUp: boolean;
  /** Per-head RMSNorm of q and k before RoPE (`attn_q_norm`, `attn_k_norm`). */
  qkNorm: boolean;
  /** RMSNorm of each sublayer's output before its residual add (`post_attention_norm`, `post_ffw_norm`). */
  postNorms: boolean;
  /** Multiplies the embedding row (√dim in f32 for Gemma, else 1). */
  embeddingScale: number;
  /** Multiplies q·k (1/√headDim for most). */
  attentionScale: number;
  /** logits = c·tanh(logits/c); 0: none. */
  logitSoftcap: number;
  /** `output.bias` added to the logits. */
  outputBias: boolean;
  /** One entry per layer. */
  layerAttention: LayerAttention[];
  /** The RoPE of 'local' layers (Gemma 3's sliding-window layers); absent when no layer is local. */
  localRope?: RopeConfig;
}

/** The model description's former name, from when only Llama files were read. */
export type LlamaConfig = ModelConfig;

/**
 * What a model asks beyond the Llama forward pass (adjacent pairs, SwiGLU, one global RoPE, full causal
 * attention, no biases, norms or scales of its own): what the GPU kernels and the probes' traced pass do
 * not model yet. Empty for a Llama-shaped model.
 */
export function beyondLlama(c: ModelConfig): string[] {
  return familyTraits(c).map(({ what }) => what);
}

/**
 * What a model asks beyond the GPU engine's kernels: beyondLlama less what they apply as data (NEOX
 * pairing, q/k/v biases when separate, per-head q/k RMSNorm, NoPE layers). Empty when the GPU engine runs it.
 */
export function beyondGpu(c: ModelConfig): string[] {
  const fusedBias = c.qkvBias === 'fused' ? ['fused q/k/v bias'] : [];
  return [
    ...familyTraits(c)
      .filter(({ onGpu }) => !onGpu)
      .map(({ what }) => what),
    ...fusedBias,
  ];
}

/** The model's departures from Llama, each with whether the GPU kernels apply it (a fused bias is refused apart). */
function familyTraits(c: ModelConfig): { what: string; onGpu: boolean }[] {
  const traits: [boolean, string, boolean][] = [
    [c.pairing !== 'adjacent', 'NEOX rotation pairs', true],
    [c.activation !== 'silu', 'GeGLU', false],
    [c.fusedQkv, 'fused QKV', false],
    [c.qkvBias !== 'none', 'q/k/v biases', true],
    [c.fusedGateUp, 'fused gate|up', false],
    [c.qkNorm, 'q/k RMSNorm', true],
    [c.postNorms, 'post-attention/FFN norms', false],
    [c.embeddingScale !== 1, 'embedding scale', false],
    [c.attentionScale !== 1 / Math.sqrt(c.headDim), 'attention scale', false],
    [c.logitSoftcap !== 0, 'logit softcapping', false],
    [c.outputBias, 'output bias', false],
    [c.layerAttention.some((a) => a.rope === 'local'), 'per-layer RoPE bases', false],
    [c.layerAttention.some((a) => a.window > 0), 'sliding-window attention', false],
    [c.layerAttention.some((a) => a.rope === 'none'), 'NoPE layers', true],
    [c.rope.type === 'longrope' && !c.hasRopeFreqs, 'LongRoPE factors', false],
  ];
  return traits.filter(([on]) => on).map(([, what, onGpu]) => ({ what, onGpu }));
}

/** Why the GPU engine refuses this model (its kernels lack something the model asks), or null when it can run it. */
export function gpuEngineRefusal(c: ModelConfig): string | null {
  const beyond = beyondGpu(c);
  if (beyond.length === 0) return null;
  return (
    `the GPU engine cannot run this ${c.architecture} model yet: its kernels lack ${beyond.join(', ')}. ` +
    'The CPU reference runs it (`lab probe --engine cpu`: loss, perplexity, passkey and first-sentence probes; small models).'
  );
}
