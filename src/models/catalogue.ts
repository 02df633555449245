// Pretrained chat models on Hugging Face that the engine runs, each one GGUF file loaded with one click
// through the page's URL path (download into the OPFS cache, or straight from the cache when it is there).
// Only quant types the engine reads are listed (Q8_0; Q4_K_M mixes Q4_K and Q6_K).
//
// The byte sizes are the files' sizes on the Hub, taken from public references that pin them (the Hub
// cannot be reached from the machines this was written on): catalogues and download scripts that record
// size and sha256 per file, several agreeing for each entry. An entry whose size could not be confirmed
// says so with `bytesApproximate`.

export interface CatalogueLicence {
  /** SPDX id or the licence's own name. */
  name: string;
  url: string;
  /** What loading it from the Hub asks of the user, if anything. */
  note?: string;
}

export interface CatalogueModel {
  /** Stable key (DOM ids, tests). */
  id: string;
  title: string;
  /** Who trained it and what it is for, in a few words. */
  description: string;
  parameters: string;
  /** Hugging Face repository, `owner/name`. */
  repo: string;
  /** The GGUF file inside the repository. */
  file: string;
  /** llama.cpp's name for the file's quantization mix. */
  quant: string;
  /** Size of the file in bytes. */
  bytes: number;
  /** True when `bytes` is a rounded figure, not the file's exact size. */
  bytesApproximate?: boolean;
  licence: CatalogueLicence;
}

const HUB = 'https://huggingface.co';

const APACHE_2 = { name: 'Apache-2.0', url: 'https://www.apache.org/licenses/LICENSE-2.0' };

export const CATALOGUE: readonly CatalogueModel[] = [
  {
    // 144,811,360 bytes at revision 09816acd (sha256 5a139571…).
    id: 'smollm2-135m-instruct',
    title: 'SmolLM2 135M Instruct',
    description: 'Hugging Face’s smallest SmolLM2 (2T training tokens), tuned to follow instructions.',
    parameters: '135M',
    repo: 'bartowski/SmolLM2-135M-Instruct-GGUF',
    file: 'SmolLM2-135M-Instruct-Q8_0.gguf',
    quant: 'Q8_0',
    bytes: 144_811_360,
    licence: APACHE_2,
  },
  {
    // 386,405,280 bytes.
    id: 'smollm2-360m-instruct',
    title: 'SmolLM2 360M Instruct',
    description: 'The middle SmolLM2 (4T training tokens), instruction-tuned.',
    parameters: '360M',
    repo: 'bartowski/SmolLM2-360M-Instruct-GGUF',
    file: 'SmolLM2-360M-Instruct-Q8_0.gguf',
    quant: 'Q8_0',
    bytes: 386_405_280,
    licence: APACHE_2,
  },
  {
    // 1,055,609,824 bytes at revision 1f034647.
    id: 'smollm2-1.7b-instruct',
    title: 'SmolLM2 1.7B Instruct',
    description: 'The largest SmolLM2 (11T training tokens), instruction-tuned.',
    parameters: '1.7B',
    repo: 'bartowski/SmolLM2-1.7B-Instruct-GGUF',
    file: 'SmolLM2-1.7B-Instruct-Q4_K_M.gguf',
    quant: 'Q4_K_M',
    bytes: 1_055_609_824,
    licence: APACHE_2,
  },
  {
    // 807,694,464 bytes at revision 067b946c (sha256 6f85a640…).
    id: 'llama-3.2-1b-instruct',
    title: 'Llama 3.2 1B Instruct',
    description: 'Meta’s small Llama 3.2 (128K-token vocabulary, llama3 RoPE scaling to 128K context).',
    parameters: '1.2B',
    repo: 'bartowski/Llama-3.2-1B-Instruct-GGUF',
    file: 'Llama-3.2-1B-Instruct-Q4_K_M.gguf',
    quant: 'Q4_K_M',
    bytes: 807_694_464,
    licence: {
      name: 'Llama 3.2 Community License',
      url: 'https://huggingface.co/meta-llama/Llama-3.2-1B-Instruct/blob/main/LICENSE.txt',
      note:
        'Meta’s own repository is gated: using it from Hugging Face means accepting the licence there. ' +
        'This file is a community conversion, whose access terms may differ; the licence applies either way.',
    },
  },
  {
    // 668,788,096 bytes at revision 52e7645b (sha256 9fecc3b3…).
    id: 'tinyllama-1.1b-chat',
    title: 'TinyLlama 1.1B Chat v1.0',
    description: 'Llama 2’s architecture and tokenizer at 1.1B parameters, pretrained on 3T tokens, then chat-tuned.',
    parameters: '1.1B',
    repo: 'TheBloke/TinyLlama-1.1B-Chat-v1.0-GGUF',
    file: 'tinyllama-1.1b-chat-v1.0.Q4_K_M.gguf',
    quant: 'Q4_K_M',
    bytes: 668_788_096,
    licence: APACHE_2,
  },
];

/** The file's download link: `https://huggingface.co/<repo>/resolve/main/<file>`. */
export function catalogueUrl(model: CatalogueModel): string {
  return `${HUB}/${model.repo}/resolve/main/${model.file}`;
}

/** The repository's page on the Hub. */
export function catalogueRepoUrl(model: CatalogueModel): string {
  return `${HUB}/${model.repo}`;
}

/** The catalogue entry whose download link is `url`, if any. */
export function findCatalogueModel(url: string): CatalogueModel | null {
  return CATALOGUE.find((m) => catalogueUrl(m) === url) ?? null;
}

/** Everything wrong with a catalogue, one sentence each (empty when it is sound). */
export function catalogueProblems(list: readonly CatalogueModel[]): string[] {
  const problems: string[] = [];
  const ids = new Set<string>();
  for (const m of list) {
    const at = `catalogue entry '${m.id}'`;
    if (!/^[a-z0-9][a-z0-9.-]*$/.test(m.id)) problems.push(`${at}: the id must be lower-case letters, digits, '.' and '-'`);
    if (ids.has(m.id)) problems.push(`${at}: the id is used twice`);
    ids.add(m.id);
    if (!/^[\w.-]+\/[\w.-]+$/.test(m.repo)) problems.push(`${at}: repo '${m.repo}' is not owner/name`);
    if (!/^[\w.-]+\.gguf$/.test(m.file)) problems.push(`${at}: file '${m.file}' is not a .gguf file name`);
    if (!Number.isSafeInteger(m.bytes) || m.bytes <= 0) problems.push(`${at}: bytes must be a positive integer, got ${m.bytes}`);
    if (!m.title.trim() || !m.description.trim() || !m.parameters.trim() || !m.quant.trim())
      problems.push(`${at}: title, description, parameters and quant are required`);
    if (!m.licence.name.trim()) problems.push(`${at}: no licence`);
    if (!/^https:\/\//.test(m.licence.url)) problems.push(`${at}: the licence link must be https`);
    let url: URL | null = null;
    try {
      url = new URL(catalogueUrl(m));
    } catch {
      problems.push(`${at}: ${catalogueUrl(m)} is not a URL`);
    }
    if (
      url &&
      (url.protocol !== 'https:' || url.hostname !== 'huggingface.co' || !/^\/[^/]+\/[^/]+\/resolve\/main\/[^/]+\.gguf$/.test(url.pathname))
    ) {
      problems.push(`${at}: ${url.href} is not a huggingface.co …/resolve/main/….gguf link`);
    }
  }
  return problems;
}
