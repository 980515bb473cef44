import 'reflect-metadata';

export * from './contracts/index.js';
export * from './errors.js';
export * from './random/counterRandom.js';
export type * from './data/types.js';
export * from './experiment/schema.js';
