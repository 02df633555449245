// Paints a (rows × columns) value matrix in [−1, 1] into a PNG data URL, one pixel per cell, for an SVG
// <image> (so the heat map is part of the SVG and exports with it).
import { interpolateRdBu } from 'd3';

const LUT_SIZE = 256;
const lut = Array.from({ length: LUT_SIZE }, (_, k) => {
  // cos = +1 (aligned) is red, −1 (opposed) blue, 0 white.
  const rgb = interpolateRdBu(1 - k / (LUT_SIZE - 1))
    .match(/\d+/g)!
    .map(Number);
  return rgb;
});

/** Colour of a value in [−1, 1], the same mapping as the image (for the colour legend). */
export function heatColor(value: number): string {
  const [r, g, b] = lut[Math.round(((value + 1) / 2) * (LUT_SIZE - 1))];
  return `rgb(${r},${g},${b})`;
}

/**
 * `values` is row-major (distances × pairs); the image has one column per distance and one row per
 * pair, pair 0 on top.
 */
export function heatmapDataUrl(values: Float32Array, distances: number, pairs: number): string {
  const canvas = document.createElement('canvas');
  canvas.width = distances;
  canvas.height = pairs;
  const context = canvas.getContext('2d');
  if (!context) throw new Error('this browser cannot create a 2D canvas for the heat map');
  const image = context.createImageData(distances, pairs);
  for (let n = 0; n < distances; n++) {
    for (let i = 0; i < pairs; i++) {
      const v = Math.max(-1, Math.min(1, values[n * pairs + i]));
      const [r, g, b] = lut[Math.round(((v + 1) / 2) * (LUT_SIZE - 1))];
      const o = (i * distances + n) * 4;
      image.data[o] = r;
      image.data[o + 1] = g;
      image.data[o + 2] = b;
      image.data[o + 3] = 255;
    }
  }
  context.putImageData(image, 0, 0);
  return canvas.toDataURL('image/png');
}
