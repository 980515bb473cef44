export type * from './adapter.js';
export * from './aggregator.js';
export type * from './backend.js';
export type * from './channel.js';
export type * from './compressor.js';
export type * from './memory.js';
export type * from './plugin.js';
export type * from './selector.js';
export * from './tokens.js';
