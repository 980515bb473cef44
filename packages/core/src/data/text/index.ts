export * from './fortuneFormat.js';
export * from './fortuneCorpus.js';
export * from './byteTokenizer.js';
export * from './textSplit.js';
export * from './textFeatures.js';
export * from './fortuneTasks.js';
