// Finished probe results in IndexedDB, so they survive reloads. A tiny wrapper over the raw API (one
// object store, four operations): the `idb` package would only save the promise plumbing below.
// Records are structured-cloned, so the results' typed arrays are stored as they are.
import type { ProbeRequest, ProbeResult } from '../probes/index.ts';

export interface StoredProbeResult {
  /** Unique per run (time + random), the key in the store. */
  id: string;
  /** The request exactly as it ran; `requestKey(request)` finds it again from a shared URL. */
  request: ProbeRequest;
  key: string;
  result: ProbeResult;
  /** Milliseconds the run took (wall clock, in the worker's page). */
  runMs: number;
}

const DB_NAME = 'rope-lab-probes';
const STORE = 'results';

/** A canonical text of a request: the same request always gives the same key (key order fixed). */
export function requestKey(request: ProbeRequest): string {
  const sortKeys = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(sortKeys);
    if (typeof value !== 'object' || value === null) return value;
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((k) => [k, sortKeys((value as Record<string, unknown>)[k])]),
    );
  };
  return JSON.stringify(sortKeys(request));
}

export function isProbeStorageAvailable(): boolean {
  return typeof indexedDB !== 'undefined';
}

function open(): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    const request = indexedDB.open(DB_NAME, 1);
    request.onupgradeneeded = () => request.result.createObjectStore(STORE, { keyPath: 'id' });
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error ?? new Error('IndexedDB could not be opened'));
    request.onblocked = () => reject(new Error('IndexedDB is blocked by another tab holding an older version'));
  });
}

async function transact<T>(mode: IDBTransactionMode, work: (store: IDBObjectStore) => IDBRequest<T>): Promise<T> {
  const db = await open();
  try {
    return await new Promise<T>((resolve, reject) => {
      const tx = db.transaction(STORE, mode);
      const request = work(tx.objectStore(STORE));
      tx.oncomplete = () => resolve(request.result);
      tx.onerror = () => reject(tx.error ?? request.error ?? new Error('IndexedDB transaction failed'));
      tx.onabort = () => reject(tx.error ?? new Error('IndexedDB transaction was aborted (storage full?)'));
    });
  } finally {
    db.close();
  }
}

/** Every stored result, newest first. */
export async function listProbeResults(): Promise<StoredProbeResult[]> {
  const all = await transact('readonly', (store) => store.getAll() as IDBRequest<StoredProbeResult[]>);
  return all.sort((a, b) => b.result.provenance.finishedAt.localeCompare(a.result.provenance.finishedAt));
}

export async function saveProbeResult(record: StoredProbeResult): Promise<void> {
  await transact('readwrite', (store) => store.put(record));
}

export async function deleteProbeResult(id: string): Promise<void> {
  await transact('readwrite', (store) => store.delete(id));
}
