// The merge loop both of llama.cpp's tokenizer sessions share (llm_tokenizer_spm_session and
// llm_tokenizer_bpe_session): symbols form a doubly linked list over the text; repeatedly merge the
// adjacent pair with the best priority (highest first, leftmost on ties), re-queuing the merged symbol's
// two new neighbour pairs. What a pair's priority is (a token's score, or minus a merge's rank) is the
// caller's; heap entries made stale by an earlier merge are recognised by their merged length.
import { Heap } from './heap.ts';

/** Symbol i is text[start[i] .. start[i] + len[i]); merged-away symbols have len 0; -1 ends the list. */
export interface SymbolList {
  start: Int32Array;
  len: Int32Array;
  prev: Int32Array;
  next: Int32Array;
}

interface Candidate {
  left: number;
  right: number;
  priority: number;
  /** Length of the merged text, to detect entries made stale by an earlier merge. */
  size: number;
}

const betterFirst = (a: Candidate, b: Candidate) => a.priority > b.priority || (a.priority === b.priority && a.left < b.left);

/**
 * Merges the first `count` symbols of `list` in place. `priorityOf(left, right)` is the priority of
 * merging two adjacent symbols, or undefined when they may not merge.
 */
export function mergeSymbols(list: SymbolList, count: number, priorityOf: (left: number, right: number) => number | undefined): void {
  const { len, prev, next } = list;
  const queue = new Heap<Candidate>(betterFirst);
  const consider = (left: number, right: number) => {
    if (left === -1 || right === -1) return;
    const priority = priorityOf(left, right);
    if (priority !== undefined) queue.push({ left, right, priority, size: len[left] + len[right] });
  };
  for (let i = 1; i < count; i++) consider(i - 1, i);

  for (let pair = queue.pop(); pair; pair = queue.pop()) {
    const { left, right } = pair;
    if (len[left] === 0 || len[right] === 0 || len[left] + len[right] !== pair.size) continue;
    len[left] += len[right];
    len[right] = 0;
    next[left] = next[right];
    if (next[right] >= 0) prev[next[right]] = left;
    consider(prev[left], left);
    consider(left, next[left]);
  }
}
