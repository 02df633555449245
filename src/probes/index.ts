// Public API of the long-context probes (no DOM, no GPU): what the worker, the CLI and the page import.
export {
  binIndex,
  binMeans,
  distanceBucket,
  distanceBucketCount,
  distanceBucketRange,
  logBinEdges,
  type BinnedMean,
} from '../engine/bins.ts';
export {
  accumulateRow,
  attentionStatsFromProbabilities,
  emptyAttentionStats,
  headSummary,
  meanBucketDistance,
  rowStats,
  rowStatsFromScores,
  type AttentionStats,
  type AttentionStatsShape,
  type HeadSummary,
  type RowStats,
} from './attention-stats.ts';
export { addPairNorms, emptyQkPairNorms, pairContribution, type QkPairNorms } from './qk-norms.ts';
export { hasProbeHooks, type AttentionStatsOptions, type ProbeHooks } from '../engine/probe-hooks.ts';
export {
  addDocumentLosses,
  binnedLoss,
  chunkedPlan,
  emptyPositionLosses,
  meanLoss,
  slidingPlan,
  windowIds,
  type PositionLosses,
  type ScoreWindow,
} from './loss.ts';
export {
  runLossByPosition,
  runPerplexity,
  type LossByPositionOptions,
  type LossByPositionResult,
  type LossSeries,
  type PerplexityOptions,
  type PerplexityPoint,
  type PerplexityResult,
} from './loss-probe.ts';
export {
  MAX_MAP_TOKENS,
  runAttentionProbe,
  type AttentionProbeOptions,
  type AttentionProbeResult,
  type AttentionSeries,
} from './attention-probe.ts';
export {
  runFirstSentence,
  runPasskey,
  seededShuffle,
  type FirstSentenceOptions,
  type FirstSentenceResult,
  type FirstSentenceTrial,
  type PasskeyOptions,
  type PasskeyResult,
  type PasskeyTrial,
} from './retrieval-probe.ts';
export * from './prompts.ts';
export { lcsLength, rougeL, rougeTokens, type RougeScore } from './rouge.ts';
export { mulberry32, randomInt } from './random.ts';
export {
  makeProvenance,
  sha256Hex,
  variantLabel,
  type ModelLabel,
  type ProbeKind,
  type ProbeText,
  type Provenance,
  type RopeVariant,
  type TextLabel,
} from './provenance.ts';
export { forEachVariant, ProgressCounter, type ProbeContext, type ProbeProgress } from './run-context.ts';
export { modelSwitcher, type LoadedModel, type ModelSwitcher } from './model-switch.ts';
export type { ProbeTokenizer } from './tokenizer.ts';
export { probeResultJson, roundMeasured } from './serialize.ts';
export {
  MAX_VARIANTS,
  PROBE_KINDS,
  contextNeeded,
  parseProbeRequest,
  runProbeRequest,
  type ProbeRequest,
  type ProbeResult,
} from './request.ts';
export { csvField, probeResultCsv } from './csv.ts';
export {
  FAMILY_VARIANTS,
  PRESET_CONTEXT,
  PRESET_TITLES,
  PRESETS,
  ROPE_PI_ABF,
  checkPresetContext,
  findPreset,
  passkeyLengths,
  presetModelMismatch,
  ropePiAbfSuite,
  type PresetDefinition,
  type PresetModel,
  type ProbeSuite,
} from './presets.ts';
export { EXTEND_CONTEXT, EXTEND_SMOLLM2, SMOLLM2_135M, extendContexts, extendSmolLM2Suite, extendVariants } from './preset-extend.ts';
export { SUITE_RECORD_FORMAT, reviveSuiteRecord, type SuiteRecord } from './suite-record.ts';
