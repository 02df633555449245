// Speed and size of the current or last run: tokens so far (with a live rate while streaming), then the
// engine's own decode and prompt-processing rates once it finishes.
import { useLab } from '../LabStoreContext.tsx';
import type { PlaygroundState } from '../../state/modelPlayground.ts';
import { selectPlayground } from '../../state/modelStore.ts';

const STOP_REASONS = { eos: 'end of text', maxTokens: 'max tokens', context: 'context full', cancelled: 'stopped' } as const;

function liveRate(p: PlaygroundState): number | null {
  if (p.firstTokenAt === null || p.lastTokenAt === null || p.generated < 2) return null;
  const seconds = (p.lastTokenAt - p.firstTokenAt) / 1000;
  return seconds > 0 ? (p.generated - 1) / seconds : null;
}

export function GenerationStats() {
  const playground = useLab(selectPlayground);
  const { result, generated, status, mode } = playground;
  if (status === 'idle' && !result) return null;
  const rate = result ? result.tokensPerSecond : liveRate(playground);
  return (
    <p className="playground-stats" aria-label="Generation statistics">
      <span data-stat="tokens">{generated} tokens</span>
      {rate !== null && <span data-stat="tokens-per-second">{rate.toFixed(1)} tokens/s</span>}
      {result && (
        <>
          <span data-stat="prompt">
            prompt {result.promptTokens} tokens at {result.promptTokensPerSecond.toFixed(1)} tokens/s
          </span>
          <span data-stat="stopped-by">
            {mode === 'chat' && result.stoppedBy === 'eos' ? 'end of turn' : STOP_REASONS[result.stoppedBy]}
          </span>
        </>
      )}
    </p>
  );
}
