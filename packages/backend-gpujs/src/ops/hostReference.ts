import { ReferenceBackend } from '@fedtune/core';

/**
 * The reference backend, for the few host-side steps whose result must be bit-identical to it (the
 * float64 norm that QSGD codes depend on, selecting among subnormal magnitudes). Calling it rather
 * than restating it keeps them identical by construction. Stateless, so one instance is shared.
 */
export const hostReference = new ReferenceBackend();
