import { InvalidArgumentError } from 'commander';
import { describe, expect, it } from 'vitest';
import { applySettings, parseSetting, settingsEdit } from '../src/settings.js';

const set = (...texts: string[]) => texts.map(parseSetting);

describe('--set path=value', () => {
  it('reads the value as JSON, and as text when it is no JSON', () => {
    expect(parseSetting('training.rounds=50')).toEqual({ path: ['training', 'rounds'], value: 50, text: 'training.rounds=50' });
    expect(parseSetting('training.optimizer=sgd').value).toBe('sgd');
    expect(parseSetting('name="quoted"').value).toBe('quoted');
    expect(parseSetting('data.upstreamClasses=[0,1]').value).toEqual([0, 1]);
    expect(parseSetting('label=a=b').value).toBe('a=b');
    expect(parseSetting('label=').value).toBe('');
  });

  it.each(['training.rounds', '=5', 'training..rounds=5', 'training.=5', '__proto__.polluted=1'])(
    'refuses %j, saying what it expects',
    (text) => {
      expect(() => parseSetting(text)).toThrow(InvalidArgumentError);
      expect(() => parseSetting(text)).toThrow(`expected path=value with a dotted path of field names, such as training.rounds=50, got "${text}"`);
    },
  );

  it('applies settings in order to a copy, creating missing objects and indexing lists by number', () => {
    const file = { training: { rounds: 20 }, data: { tasks: [{ name: 'a' }, { name: 'b' }] } };
    const edited = applySettings(
      file,
      set('training.rounds=50', 'training.rounds=60', 'evaluation.every=5', 'data.tasks.1.rotate=90', 'data.tasks.2={"name":"c"}'),
    );
    expect(edited).toEqual({
      training: { rounds: 60 },
      evaluation: { every: 5 },
      data: { tasks: [{ name: 'a' }, { name: 'b', rotate: 90 }, { name: 'c' }] },
    });
    expect(file).toEqual({ training: { rounds: 20 }, data: { tasks: [{ name: 'a' }, { name: 'b' }] } });
  });

  it("reads a component named alone as { name } when the path goes on into it", () => {
    expect(applySettings({ compressor: 'qsgd' }, set('compressor.options.levels=4'))).toEqual({
      compressor: { name: 'qsgd', options: { levels: 4 } },
    });
    expect(applySettings({}, set('compressor=qsgd', 'compressor.options.levels=4'))).toEqual({
      compressor: { name: 'qsgd', options: { levels: 4 } },
    });
  });

  it('leaves inherited fields alone', () => {
    const edited = applySettings({}, set('constructor.polluted=1')) as Record<string, unknown>;
    expect(Object.hasOwn(edited, 'constructor')).toBe(true);
    expect((Object as unknown as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('names the setting and the fix when a path leads through a value without fields or past a list', () => {
    expect(() => applySettings({ training: { rounds: 20 } }, set('training.rounds.x=1'))).toThrow(
      '--set training.rounds.x=1: training.rounds is 20, which has no fields; set training.rounds itself (--set training.rounds=<JSON value>)',
    );
    expect(() => applySettings({ data: { tasks: [{ name: 'a' }] } }, set('data.tasks.3.name=x'))).toThrow(
      '--set data.tasks.3.name=x: data.tasks is a list of 1; index it with a number from 0 to 1 (1 adds an entry), e.g. data.tasks.0',
    );
    expect(() => applySettings({ data: { tasks: [] } }, set('data.tasks.first=x'))).toThrow('data.tasks is a list of 0');
  });

  it('leaves a file that holds no object as it is, for the schema to refuse', () => {
    expect(applySettings([1], set('name=x'))).toEqual([1]);
    expect(applySettings('text', set('name=x'))).toBe('text');
  });

  it('is no edit without settings, and names every setting when there are some', () => {
    expect(settingsEdit([])).toBeUndefined();
    const edit = settingsEdit(set('training.rounds=5', 'seed=2'));
    expect(edit?.description).toBe('--set training.rounds=5 --set seed=2');
    expect(edit?.apply({ seed: 1 })).toEqual({ seed: 2, training: { rounds: 5 } });
  });
});
