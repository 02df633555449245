// The lab's top-level sections. Later issues add the model panel, the playground and the probes here.
import type { ComponentType } from 'react';
import { AnalyticsSection } from '../AnalyticsSection.tsx';
import { ModelSection } from '../model/ModelSection.tsx';
import { ProbesSection } from '../probes/ProbesSection.tsx';

export interface Section {
  id: string;
  label: string;
  component: ComponentType;
}

export const SECTIONS: readonly Section[] = [
  { id: 'analytics', label: 'RoPE analytics', component: AnalyticsSection },
  { id: 'model', label: 'Model & playground', component: ModelSection },
  { id: 'probes', label: 'Probes', component: ProbesSection },
];
