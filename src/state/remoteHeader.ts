// Before a model is downloaded, its header is read with HTTP Range requests (a few MB at most) and checked
// the way the engine will check it, so a link to something that is not a GGUF, or to a model this engine
// cannot run, fails in seconds instead of after a download of hundreds of MB. Servers that do not answer
// ranges (status 200) skip the check: the downloaded file is checked when the engine reads it.
import { gpuEngineRefusal, llamaConfigFromGGUF } from '../engine/model-config.ts';
import { GGUFError, readGGUF, urlSource } from '../gguf/index.ts';

/** The server's refusal as one sentence; 401/403 from the Hub usually means a gated repository. */
export function httpRefusal(url: string, status: number, statusText: string): Error {
  const answer = `the server answered HTTP ${status} ${statusText}`.trim();
  if ((status === 401 || status === 403) && /(^|\.)huggingface\.co$/.test(new URL(url).hostname)) {
    return new Error(`${answer}: the repository may be gated (accept its licence on huggingface.co) or private`);
  }
  return new Error(answer);
}

/** Throws a GGUFError naming what is wrong with the remote file's header; resolves when it looks runnable or cannot be checked. */
export async function checkRemoteHeader(url: string, fetchFn: typeof fetch, signal: AbortSignal): Promise<void> {
  const fetchAborting: typeof fetch = (input, init) => fetchFn(input, { ...init, signal });
  const probe = await fetchAborting(url, { headers: { Range: 'bytes=0-0' } });
  await probe.body?.cancel().catch(() => {});
  if (!probe.ok) throw httpRefusal(url, probe.status, probe.statusText);
  if (probe.status !== 206) return;
  const file = await readGGUF(await urlSource(url, { fetch: fetchAborting }));
  try {
    const refusal = gpuEngineRefusal(llamaConfigFromGGUF(file));
    if (refusal) throw new Error(refusal);
  } catch (err) {
    throw new GGUFError((err as Error).message);
  }
}
