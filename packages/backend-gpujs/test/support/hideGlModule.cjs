// Preloaded with `node --require` to make the optional `gl` module look uninstalled, as on a
// machine where its native build failed.
const Module = require('node:module');

const resolveFilename = Module._resolveFilename;
Module._resolveFilename = function resolveWithoutGl(request, ...rest) {
  if (request === 'gl') {
    const error = new Error("Cannot find module 'gl'");
    error.code = 'MODULE_NOT_FOUND';
    throw error;
  }
  return resolveFilename.call(this, request, ...rest);
};
