// The analytics views, in tab order. Adding a view: a component that renders a ViewFrame and registers
// an exporter, an id in VIEW_IDS (state/experiment.ts), and a line here.
import type { ComponentType } from 'react';
import type { ViewId } from '../../state/experiment.ts';
import { BaseContextView } from './BaseContextView.tsx';
import { DecayView } from './DecayView.tsx';
import { GranularityView } from './GranularityView.tsx';
import { RotationView } from './RotationView.tsx';
import { SpectrumView } from './SpectrumView.tsx';

export const VIEWS: Record<ViewId, { label: string; component: ComponentType }> = {
  spectrum: { label: 'Spectrum', component: SpectrumView },
  rotation: { label: 'Rotation', component: RotationView },
  decay: { label: 'Decay', component: DecayView },
  base: { label: 'Base vs context', component: BaseContextView },
  granularity: { label: 'ABF vs PI', component: GranularityView },
};
