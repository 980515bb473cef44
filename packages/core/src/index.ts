import 'reflect-metadata';

export * from './contracts/index.js';
export * from './errors.js';
export * from './io/atomicWrite.js';
export * from './random/counterRandom.js';
export * from './wire/byteCodec.js';
export * from './wire/float32Payload.js';
export * from './wire/protocol/index.js';
export * from './backend/index.js';
export * from './data/index.js';
export * from './model/index.js';
export * from './experiment/index.js';
export * from './plugins/index.js';
export * from './builtins/index.js';
export * from './federation/index.js';
export * from './engine/index.js';
export * from './metrics/index.js';
