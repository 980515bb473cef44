import { describe, expect, it } from 'vitest';
import { markedTables, replaceMarkedTables } from '../src/index.js';

const README = `# Example

Text above, with a stray <!-- /fedtune:table --> that closes nothing.

<!-- fedtune:table fedtune compare results/a --format markdown -->
| run | final acc |
| --- | ---: |
| old | 1.00% |
<!-- /fedtune:table -->

Prose between the tables stays.
<!-- fedtune:table node examples/b.mjs "results/b c" -->
<!-- /fedtune:table -->
Text below.
`;

const TABLES: Record<string, string> = {
  'fedtune compare results/a --format markdown': '| run | final acc |\n| --- | ---: |\n| new | 80.00% |\n',
  'node examples/b.mjs "results/b c"': 'A line.',
};

describe('marked tables', () => {
  it('finds each marked section with its command, in document order', () => {
    const tables = markedTables(README);
    expect(tables.map((table) => table.command)).toEqual(Object.keys(TABLES));
    const [first] = tables;
    expect(README.slice(first?.start, first?.end)).toBe('\n| run | final acc |\n| --- | ---: |\n| old | 1.00% |\n');
  });

  it('replaces only what lies between the markers', () => {
    const updated = replaceMarkedTables(README, (command) => TABLES[command]);
    expect(updated).toBe(
      README.replace('| old | 1.00% |', '| new | 80.00% |').replace(
        '"results/b c" -->\n<!--',
        '"results/b c" -->\nA line.\n<!--',
      ),
    );
  });

  it('changes nothing when run again on its own output', () => {
    const once = replaceMarkedTables(README, (command) => TABLES[command]);
    expect(replaceMarkedTables(once, (command) => TABLES[command])).toBe(once);
  });

  it('leaves a section whose content is not given as it is', () => {
    const updated = replaceMarkedTables(README, (command) => (command.startsWith('node') ? 'A line.' : undefined));
    expect(updated).toContain('| old | 1.00% |');
    expect(updated).toContain('"results/b c" -->\nA line.\n<!--');
  });

  it('refuses a section that is never closed, or opened inside another, naming the line', () => {
    expect(() => markedTables('a\n<!-- fedtune:table x -->\n| t |\n')).toThrow(
      /line 2: .* is never closed; add <!-- \/fedtune:table -->/,
    );
    expect(() => markedTables('<!-- fedtune:table x -->\n<!-- fedtune:table y -->\n<!-- /fedtune:table -->')).toThrow(
      /line 2: a marked table opens inside the one opened on line 1/,
    );
  });
});
