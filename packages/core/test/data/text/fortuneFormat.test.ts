import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { parseFortunes } from '../../../src/data/text/fortuneFormat.js';

describe('parseFortunes', () => {
  it('splits on lines holding only %, keeping each entry’s inner lines and indentation', () => {
    expect(parseFortunes('one\n%\ntwo lines\n\t-- someone\n%\nthree\n')).toEqual([
      'one',
      'two lines\n\t-- someone',
      'three',
    ]);
  });

  it('reads CRLF and CR line ends, a byte-order mark and trailing blanks as plain LF text', () => {
    expect(parseFortunes('\uFEFFone  \r\n% \r\ntwo\rlines\r%\r')).toEqual(['one', 'two\nlines']);
  });

  it('skips empty entries: a trailing %, repeated separators and blank-only entries', () => {
    expect(parseFortunes('%\n\none\n%\n%\n   \n\n%\ntwo\n%\n')).toEqual(['one', 'two']);
    expect(parseFortunes('')).toEqual([]);
    expect(parseFortunes('%\n%\n')).toEqual([]);
  });

  it('does not split on a % inside a line or on %%', () => {
    expect(parseFortunes('100% sure\n%%\nstill one\n%\nnext')).toEqual(['100% sure\n%%\nstill one', 'next']);
  });

  const entry = fc
    .array(fc.stringMatching(/^[a-z %][a-z %\t]{0,10}$/), { minLength: 1, maxLength: 3 })
    .map((lines) => lines.map((line) => line.trimEnd()).join('\n'))
    .filter((text) => text.trim() !== '' && !text.split('\n').some((line) => /^%\s*$/.test(line)))
    .map((text) => text.replace(/^\n+|\n+$/g, ''));

  test.prop([fc.array(entry, { maxLength: 6 }), fc.boolean()])(
    'gives back the entries a collection was written from, with either line end',
    (entries, crlf) => {
      const text = entries.map((e) => `${e}\n%\n`).join('');
      expect(parseFortunes(crlf ? text.replace(/\n/g, '\r\n') : text)).toEqual(entries);
    }
  );
});
