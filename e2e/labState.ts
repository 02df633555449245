// Helpers for the lab's URL state in tests: `?s=` is base64url(JSON) (see src/state/urlCodec.ts). Written
// independently of the app's codec, with Node's Buffer, so a codec bug cannot hide itself.
export interface LabStateJson {
  v: number;
  series: Array<{ name: string; color: string; config: Record<string, unknown>; pretrained?: { base: number; context: number } }>;
  view: string;
  [key: string]: unknown;
}

export function stateFromUrl(url: string): LabStateJson {
  const encoded = new URL(url).searchParams.get('s');
  if (encoded === null) throw new Error(`no s parameter in ${url}`);
  return JSON.parse(Buffer.from(encoded, 'base64url').toString('utf8')) as LabStateJson;
}

export function encodeState(state: unknown): string {
  return Buffer.from(JSON.stringify(state), 'utf8').toString('base64url');
}

/** A complete valid state, written out by hand (the app's default has the same shape). */
export function sampleState(overrides: Partial<LabStateJson> = {}): LabStateJson {
  return {
    v: 1,
    series: [
      { name: 'Llama 2', color: '#4e79a7', config: { headDim: 128, base: 10000, type: 'default' } },
      { name: 'ABF', color: '#f28e2b', config: { headDim: 128, base: 500000, type: 'default' } },
    ],
    view: 'decay',
    xScale: 'log',
    decayMetric: 'allOnesLogit',
    maxDistance: 32768,
    contexts: [4096],
    focus: 0,
    pair: 10,
    granularity: { origBase: 10000, abfBase: 500000, piFactor: 8, baseContext: 4096, targetContext: 32768 },
    ...overrides,
  };
}
