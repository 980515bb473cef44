/** The frozen Fashion-MNIST base that `"base": "embedded"` names, inside fedtune's data folder (`/`-separated). */
export const EMBEDDED_BASE_NAME = 'base/fashion-mnist-mlp.safetensors';

/** The byte-level transformer pre-trained on Debian's fortunes, inside fedtune's data folder (`/`-separated). */
export const FORTUNES_BASE_NAME = 'base/fortunes-transformer.safetensors';
