/**
 * `@fedtune/network/browser`: the client side of fedtune's protocol for a browser tab, with the
 * native WebSocket and files fetched from the server. It reaches no `node:` module and not `ws`;
 * a bundle points `@fedtune/core` at `@fedtune/core/browser`.
 */
export { joinFederationFromBrowser, type BrowserJoinOptions } from './browser/joinFromBrowser.js';
export type { BrowserExperimentOptions } from './browser/browserExperiment.js';
export type { ClientRoundEvent, FederationTotals } from './client/session.js';
export type { ReconnectOptions } from './client/reconnect.js';
