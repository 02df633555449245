// Public API of the rope analytics (pure math: no DOM, no GPU). See notes/rope-api.md for the contract.
export { ROPE_TYPES, type RopeConfig, type RopeTable, type RopeType } from './config.ts';
export { computeRope, ropeForLength, rotatedDim, wavelengths, yarnGetMscale } from './frequencies.ts';
export { validateRopeConfig } from './validate.ts';
export { criticalDimension, equivalentPlainBase, fullTurnPairs, rotationMatrix, type CriticalDimension } from './analysis.ts';
export {
  allOnesLogit,
  decayCurves,
  DEFAULT_XPOS_SCALE_BASE,
  linearDistances,
  logSpacedDistances,
  menB,
  roformerBound,
  type DecayCurves,
} from './decay.ts';
export {
  baseContextSweep,
  DEFAULT_MAX_DISTANCE,
  firstNegativeDistance,
  minBase,
  type MinBaseOptions,
  type MinBaseResult,
} from './baseBound.ts';
export { granularityComparison, type GranularityComparison, type GranularityOptions, type MethodGranularity } from './granularity.ts';
export { ropeConfigFromGGUF, type RopeFactorTensors } from './gguf.ts';
export { ROPE_PRESETS, type RopePreset } from './presets.ts';
export { formatBase, ROPE_TYPE_NAMES, ropeName, variantName } from './names.ts';
