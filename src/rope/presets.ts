// Named configurations the page and CLI offer, mostly from Llama 2 Long (Xiong et al. 2023) and the
// methods it is compared against, all on Llama 2's head (d = 128, 4K trained context).
import type { RopeConfig } from './config.ts';

export interface RopePreset {
  id: string;
  label: string;
  description: string;
  config: RopeConfig;
  /** The plain RoPE the model was pretrained with, when this configuration extends it. */
  pretrained?: { base: number; context: number };
}

const LLAMA2_CONTEXT = 4096;
const HEAD_DIM = 128;
const FROM_LLAMA2 = { base: 10_000, context: LLAMA2_CONTEXT };

export const ROPE_PRESETS: ReadonlyArray<RopePreset> = [
  {
    id: 'llama2',
    label: 'Llama 2 (base 10K)',
    description: 'Plain RoPE as trained in Llama 2: θ_i = 10000^(−2i/128), 4K context.',
    config: { headDim: HEAD_DIM, base: 10_000, type: 'default' },
    pretrained: FROM_LLAMA2,
  },
  {
    id: 'llama2-long-abf',
    label: 'Llama 2 Long ABF (base 500K)',
    description: 'Adjusted base frequency: the base raised from 10,000 to 500,000 (Xiong et al. 2023).',
    config: { headDim: HEAD_DIM, base: 500_000, type: 'default' },
    pretrained: FROM_LLAMA2,
  },
  {
    id: 'pi-x4',
    label: 'Position interpolation ×4',
    description: 'Chen et al. 2023: every θ_i divided by 4 (positions squeezed into the trained range), 16K.',
    config: { headDim: HEAD_DIM, base: 10_000, type: 'linear', factor: 4 },
    pretrained: FROM_LLAMA2,
  },
  {
    id: 'pi-x8',
    label: 'Position interpolation ×8',
    description: 'Chen et al. 2023: every θ_i divided by 8, 32K.',
    config: { headDim: HEAD_DIM, base: 10_000, type: 'linear', factor: 8 },
    pretrained: FROM_LLAMA2,
  },
  {
    id: 'ntk-x8',
    label: 'NTK-aware ×8',
    description: 'Static NTK-aware scaling: base stretched to 10000·8^(128/126), high frequencies kept.',
    config: { headDim: HEAD_DIM, base: 10_000, type: 'ntk', factor: 8 },
    pretrained: FROM_LLAMA2,
  },
  {
    id: 'yarn-x8',
    label: 'YaRN ×8',
    description: 'Peng et al. 2023: per-pair ramp between keeping θ and θ/8 (β_fast 32, β_slow 1), attention ×(0.1 ln 8 + 1).',
    config: { headDim: HEAD_DIM, base: 10_000, type: 'yarn', factor: 8, originalContext: LLAMA2_CONTEXT },
    pretrained: FROM_LLAMA2,
  },
  {
    id: 'llama3.1',
    label: 'Llama 3.1 (llama3 ×8)',
    description: 'Llama 3.1 rope scaling: base 500K, wavelengths > 8192 divided by 8, < 2048 kept, smooth between.',
    config: {
      headDim: HEAD_DIM,
      base: 500_000,
      type: 'llama3',
      factor: 8,
      lowFreqFactor: 1,
      highFreqFactor: 4,
      originalContext: 8192,
    },
    pretrained: { base: 500_000, context: 8192 },
  },
  {
    id: 'codellama-1m',
    label: 'Code Llama (base 1M)',
    description: 'Code Llama (Rozière et al. 2023): base 1,000,000 for 16K training and 100K inference.',
    config: { headDim: HEAD_DIM, base: 1_000_000, type: 'default' },
    pretrained: FROM_LLAMA2,
  },
  {
    id: 'xpos',
    label: 'xPos (base 10K)',
    description: 'Sun et al. 2022: RoPE plus per-pair decay ζ_i^(Δ/512), ζ_i = (2i + 0.4d)/(1.4d).',
    config: { headDim: HEAD_DIM, base: 10_000, type: 'xpos', xposScaleBase: 512 },
  },
];
