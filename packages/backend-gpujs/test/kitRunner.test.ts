import { expect, it } from 'vitest';
import * as kit from './browser/kitRunner.js';

it('reports every test the stand-in for vitest ran in the WebGPU worker, failures with their error', async () => {
  const order: string[] = [];
  kit.describe('suite', () => {
    kit.beforeAll(() => {
      order.push('setup');
    });
    kit.afterAll(() => {
      order.push('teardown');
    });
    kit.it('passes', () => {
      order.push('passes');
    });
    kit.it('fails', async () => {
      await Promise.resolve();
      throw new RangeError('axpy[3]: got 1, the reference gives 2');
    });
    kit.describe('broken setup', () => {
      kit.beforeAll(() => {
        throw new Error('the backend "x" was not created');
      });
      kit.it('never runs', () => {
        order.push('never');
      });
    });
  });
  expect(await kit.runKit()).toEqual([
    { title: 'suite > passes' },
    { title: 'suite > fails', error: 'RangeError: axpy[3]: got 1, the reference gives 2' },
    { title: 'suite > broken setup > never runs', error: 'Error: the backend "x" was not created' },
  ]);
  expect(order).toEqual(['setup', 'passes', 'teardown']);
  expect(await kit.runKit()).toEqual([]);
});
