import { DataError } from '../../errors.js';
import type { ImageHeader } from './imageHeader.js';
import { decodeJpegLuma, isJpeg, readJpegHeader } from './imageJpeg.js';
import { decodePngLuma, isPng, readPngHeader } from './imagePng.js';

/**
 * What the PNG or JPEG file in `bytes` declares, found from its signature (not its name) and its
 * header, after checking the declared width × height against `maxPixels`: nothing is decoded or
 * allocated for the pixels before that.
 * @throws DataError naming `path` when the bytes are neither format, the header is malformed, or
 *   the image declares more than `maxPixels` pixels.
 */
export function readImageHeader(bytes: Uint8Array, path: string, maxPixels: number): ImageHeader {
  let header: ImageHeader;
  if (isPng(bytes)) header = readPngHeader(bytes, path);
  else if (isJpeg(bytes)) header = readJpegHeader(bytes, path);
  else {
    throw new DataError(
      `${path} is neither a PNG nor a JPEG image (its first bytes are neither signature); ` +
        'convert it to PNG or JPEG, or move it out of the class folder.',
    );
  }
  const pixels = header.width * header.height;
  if (pixels > maxPixels) {
    throw new DataError(
      `${path} declares a ${header.width}×${header.height} ${header.format} image (${pixels} pixels), over the ` +
        `limit of ${maxPixels} pixels per image; shrink the image, or raise limits.maxPixels if it is genuine.`,
    );
  }
  return header;
}

/**
 * The image's grey levels in [0, 255], row-major, `header.height` rows of `header.width`, colour
 * turned to BT.601 luma and alpha composited over black (see `lumaOverBlack`).
 * @throws DataError naming `path` when the pixel data is corrupt or truncated.
 */
export function decodeImageLuma(bytes: Uint8Array, header: ImageHeader, path: string, maxPixels: number): Float32Array {
  return header.format === 'PNG' ? decodePngLuma(bytes, header, path) : decodeJpegLuma(bytes, header, path, maxPixels);
}
