// Time left in a probe run from its measured speed. The first unit of work (a forward pass or a
// generation) also builds kernels and reads the text, so the clock starts when it has finished; once a
// few more units have finished, the rate over them gives the estimate. Before that: "estimating…".
// Every step of a preset experiment is a run of its own and gets its own estimate.

export interface ProgressSample {
  /** performance.now() when the progress was reported. */
  at: number;
  done: number;
}

/** The samples an estimate needs: the first one after the warm-up unit, and the latest. */
export interface EtaTrack {
  first: ProgressSample | null;
  last: ProgressSample | null;
}

export const EMPTY_TRACK: EtaTrack = { first: null, last: null };
/** Units that finish after the warm-up before a rate is trusted. */
export const MIN_MEASURED_UNITS = 2;

/** Adds a progress report; only reports that finish a unit count (a unit's start reports `done` unchanged). */
export function trackProgress(track: EtaTrack, sample: ProgressSample): EtaTrack {
  if (sample.done < 1) return track; // the warm-up unit has not finished
  if (track.last && sample.done <= track.last.done) return track;
  return { first: track.first ?? sample, last: sample };
}

/** Milliseconds left at `now`, or null while there is too little to measure. */
export function estimateTimeLeft(track: EtaTrack, total: number, now: number): number | null {
  const { first, last } = track;
  if (!first || !last) return null;
  const units = last.done - first.done;
  const elapsed = last.at - first.at;
  if (units < MIN_MEASURED_UNITS || elapsed <= 0) return null;
  const msPerUnit = elapsed / units;
  return Math.max(0, (total - last.done) * msPerUnit - (now - last.at));
}

/** "estimating…", "about 40 s left", "about 3 min left", "about 1 h 5 min left". */
export function formatTimeLeft(ms: number | null): string {
  if (ms === null) return 'estimating…';
  const seconds = Math.round(ms / 1000);
  if (seconds < 60) return seconds < 5 ? 'a few seconds left' : `about ${Math.round(seconds / 5) * 5} s left`;
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return `about ${minutes} min left`;
  return `about ${Math.floor(minutes / 60)} h ${minutes % 60} min left`;
}
