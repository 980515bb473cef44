// Preloaded with `node --import`: prints every module URL the process resolves to stderr, so a test
// can see which packages a command loads.
import { register } from 'node:module';

register(
  `data:text/javascript,${encodeURIComponent(
    'export async function resolve(specifier, context, next) {' +
      " const resolved = await next(specifier, context); process.stderr.write('[resolved] ' + resolved.url + '\\n'); return resolved; }",
  )}`,
);
