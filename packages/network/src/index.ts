export { TokenStore, type TokenCoverage } from './tokens/tokenStore.js';
export { parseTokensFile, readTokensFile, formatTokensFile } from './tokens/tokensFile.js';
export { generateClientTokens, writeTokensFile, SECRET_BYTES, TOKENS_FILE_MODE } from './tokens/clientTokens.js';
export { JoinRateLimiter, type JoinDecision, type JoinRateLimitOptions } from './rateLimit/joinRateLimiter.js';
