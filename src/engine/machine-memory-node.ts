// The machine's memory as Node sees it, for the load budget (load-budget.ts). Node only: kept out of
// the engine's imports, which the browser bundle shares; Node hosts pass it as EngineHost.memory.
import { freemem, totalmem } from 'node:os';
import type { MachineMemory } from './load-budget.ts';

export function nodeMachineMemory(): MachineMemory {
  const proc = process as { constrainedMemory?: () => number | undefined; availableMemory?: () => number };
  const limit = proc.constrainedMemory?.() ?? 0; // a container's limit; 0 when there is none
  const total = limit > 0 ? Math.min(limit, totalmem()) : totalmem();
  const free = Math.min(proc.availableMemory?.() ?? freemem(), total);
  return { total, free, source: 'this machine' };
}
