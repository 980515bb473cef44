import { DataError } from '../../errors.js';

/** What an image file declares about itself before any pixel is decoded. */
export type ImageHeader =
  | {
      format: 'PNG';
      width: number;
      height: number;
      /** Bits per sample: 1, 2, 4, 8 or 16. */
      bitDepth: number;
      /** PNG colour type: 0 grey, 2 RGB, 3 palette, 4 grey + alpha, 6 RGBA. */
      colorType: number;
      interlaced: boolean;
    }
  | { format: 'JPEG'; width: number; height: number };

/** The error for a file whose bytes cannot be decoded as the format it starts as. */
export function unreadableImage(path: string, format: ImageHeader['format'], problem: string): DataError {
  return new DataError(
    `${path} is not a readable ${format} image (${problem}); the file is corrupt or truncated: ` +
      'export it again, or move it out of the class folder.',
  );
}
