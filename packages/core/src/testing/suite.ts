import fc from 'fast-check';
import { describe, it } from 'vitest';
import type { Backend } from '../contracts/backend.js';

/** The resolved settings a conformance run uses. */
export interface SuiteSettings {
  /** The backend results are compared with. */
  reference: Backend;
  /** Length of the "past one texture" cases. */
  largeSize: number;
  /** fast-check runs per property. */
  numRuns: number;
  /** fast-check runs per property at the large size. */
  largeRuns: number;
  /** fast-check seed, for replaying a failure; random when undefined. */
  seed: number | undefined;
}

/** What each group of properties registers its tests with. */
export interface Suite {
  settings: SuiteSettings;
  /** The backend under test (available inside tests, once created). */
  backend(): Backend;
  /** Registers a test that checks `predicate` on `runs` values of `arbitrary` (default: settings.numRuns). */
  property<T>(title: string, arbitrary: fc.Arbitrary<T>, predicate: (value: T) => void, runs?: number): void;
  /** Registers a plain test. */
  test(title: string, body: () => void): void;
  /** Registers the tests `body` registers under one heading. */
  group(title: string, body: () => void): void;
}

/** A {@link Suite} over a backend that `backend` returns once it exists. */
export function createSuite(settings: SuiteSettings, backend: () => Backend): Suite {
  return {
    settings,
    backend,
    property(title, arbitrary, predicate, runs = settings.numRuns) {
      it(title, () => {
        fc.assert(fc.property(arbitrary, predicate), {
          numRuns: runs,
          ...(settings.seed === undefined ? {} : { seed: settings.seed }),
        });
      });
    },
    test(title, body) {
      it(title, body);
    },
    group(title, body) {
      describe(title, body);
    },
  };
}
