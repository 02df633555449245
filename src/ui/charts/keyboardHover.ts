// Keyboard access to a chart's hover readout: the plot's overlay takes focus, and the arrow keys walk
// the same index the pointer sets (Home/End jump to the ends, PageUp/PageDown by a tenth, Escape clears).
import type { KeyboardEvent } from 'react';

export function keyboardHover(current: number | null, count: number, set: (index: number | null) => void) {
  const page = Math.max(1, Math.round(count / 10));
  return {
    tabIndex: 0,
    role: 'slider',
    'aria-valuemin': 0,
    'aria-valuemax': count - 1,
    'aria-valuenow': current ?? undefined,
    onKeyDown: (event: KeyboardEvent) => {
      const from = current ?? 0;
      const step: Record<string, number> = {
        ArrowRight: 1,
        ArrowUp: 1,
        ArrowLeft: -1,
        ArrowDown: -1,
        PageUp: page,
        PageDown: -page,
      };
      let next: number | null;
      if (event.key in step) next = Math.max(0, Math.min(count - 1, from + step[event.key]));
      else if (event.key === 'Home') next = 0;
      else if (event.key === 'End') next = count - 1;
      else if (event.key === 'Escape') next = null;
      else return;
      event.preventDefault();
      set(next);
    },
    onBlur: () => set(null),
  } as const;
}
