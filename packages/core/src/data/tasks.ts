import { ConfigError } from '../errors.js';
import type { TaskSpec } from '../experiment/schema.js';
import type { LabelledImages } from './types.js';

/** The task every experiment without `data.tasks` has: the images and classes as they are. */
export const DEFAULT_TASK: TaskSpec = { name: 'classes', rotate: 0 };

/** Rotates every image clockwise by `degrees` (a multiple of 90; square images for 90 and 270). */
export function rotateImages(images: LabelledImages, degrees: 0 | 90 | 180 | 270): LabelledImages {
  if (degrees === 0) return images;
  const { rows, cols, count } = images;
  if (degrees !== 180 && rows !== cols) {
    throw new ConfigError(`rotate ${degrees}: images are ${rows}×${cols}; only square images rotate by 90° or 270°`);
  }
  const size = rows * cols;
  const pixels = new Uint8Array(images.pixels.length);
  for (let image = 0; image < count; image++) {
    const offset = image * size;
    for (let r = 0; r < rows; r++) {
      for (let c = 0; c < cols; c++) {
        // Destination (r, c) reads the source pixel that a clockwise turn moves there.
        const source =
          degrees === 90 ? (rows - 1 - c) * cols + r : degrees === 180 ? (rows - 1 - r) * cols + (cols - 1 - c) : c * cols + (cols - 1 - r);
        pixels[offset + r * cols + c] = images.pixels[offset + source] as number;
      }
    }
  }
  return { ...images, pixels };
}

/** Maps every label c to `relabel[c]`; the class count becomes max(relabel) + 1. */
export function relabelImages(images: LabelledImages, relabel: readonly number[]): LabelledImages {
  if (relabel.length < images.numClasses) {
    throw new ConfigError(`relabel lists ${relabel.length} classes; the data has ${images.numClasses}, give one new label per class`);
  }
  const labels = images.labels.map((label) => relabel[label] as number);
  return { ...images, labels, numClasses: Math.max(...relabel) + 1 };
}

/** The images as `task` asks for them: rotated, then relabelled. */
export function applyTask(images: LabelledImages, task: TaskSpec): LabelledImages {
  const rotated = rotateImages(images, task.rotate);
  return task.relabel ? relabelImages(rotated, task.relabel) : rotated;
}
