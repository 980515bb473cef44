import { readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const SOURCE = fileURLToPath(new URL('../../../src/', import.meta.url));
const SPECIFIER = /(?:from|import)\s*\(?\s*['"]([^'"]+)['"]/g;

/** Every source file the protocol's entry reaches, with the modules each names. */
function importClosure(entry: string): Map<string, string[]> {
  const seen = new Map<string, string[]>();
  const visit = (file: string): void => {
    if (seen.has(file)) return;
    const specifiers = [...readFileSync(file, 'utf8').matchAll(SPECIFIER)].map((match) => match[1] as string);
    seen.set(file, specifiers);
    for (const specifier of specifiers) {
      if (specifier.startsWith('.')) visit(join(dirname(file), specifier.replace(/\.js$/, '.ts')));
    }
  };
  visit(join(SOURCE, entry));
  return seen;
}

describe('the protocol codec runs in browsers', () => {
  it('reaches only relative core modules, with no node: import and no Buffer', () => {
    const closure = importClosure('wire/protocol/index.ts');
    expect(closure.size).toBeGreaterThan(5);
    for (const [file, specifiers] of closure) {
      const name = relative(SOURCE, file);
      expect(
        specifiers.filter((specifier) => !specifier.startsWith('.')),
        name,
      ).toEqual([]);
      expect(readFileSync(file, 'utf8'), name).not.toMatch(/\bBuffer\b|\bprocess\./);
    }
  });
});
