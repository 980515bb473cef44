import { fileURLToPath } from 'node:url';

/**
 * A few invented fortunes in the installed layout: English `computers` and `food` (CRLF, one
 * fortune also in `computers`), German `de/computer` (UTF-8) and `de/kueche` (Latin-1), plus a
 * `.dat` index and an `off/` folder that the loader must skip.
 */
export const FIXTURE_ROOT = fileURLToPath(new URL('./fortunes/', import.meta.url));
