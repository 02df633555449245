// Variant colours: the same variant index gets the same colour in every probe chart.
import { schemeTableau10 } from 'd3';

export function variantColor(index: number): string {
  return schemeTableau10[index % schemeTableau10.length];
}
