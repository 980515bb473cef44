import type { Backend } from '@fedtune/core';
import { fromWire, toWire, type Wire } from './wire.js';

/** Runs each wired call (a Backend method and its arguments) on `backend`; returns the wired results. */
export function runCalls(backend: Backend, calls: Wire): Wire[] {
  return (fromWire(calls) as { method: string; args: unknown[] }[]).map(({ method, args }) => {
    const kernel = (backend as unknown as Record<string, (...values: unknown[]) => unknown>)[method]!;
    return toWire(kernel.apply(backend, args));
  });
}
