/**
 * `@fedtune/network/testing`: helpers for tests that drive fedtune's browser client page with a
 * browser automation library (Playwright's `Page` fits {@link AutomatedPage}).
 */
export { playClientPage, type AutomatedPage, type ClientPageOutcome } from './clientPage.js';
