// What a preset experiment is made of: its requests, its context and the model it is written for. Its own
// module because every preset (presets.ts and each preset-*.ts it lists) builds one.
import type { RopeConfig } from '../rope/config.ts';
import type { ProbeRequest } from './request.ts';

export interface ProbeSuite {
  preset: string;
  title: string;
  /** The context the experiment runs at (tokens). */
  ctx: number;
  requests: ProbeRequest[];
  /** The model the experiment is written for, when it runs on the loaded model rather than the lab's own. */
  model?: PresetModel;
}

/** A model a preset needs loaded: its variants are written against this RoPE. */
export interface PresetModel {
  name: string;
  /** Its entry in the page's model catalogue (src/models/catalogue.ts). */
  catalogueId: string;
  rope: RopeConfig;
  trainedContext: number;
  layers: number;
  heads: number;
  kvHeads: number;
}
