export * from './scoreTokens.js';
export * from './scoringText.js';
export * from './hfLanguageModel.js';
