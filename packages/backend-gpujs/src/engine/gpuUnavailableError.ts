import { FedtuneError } from '@fedtune/core';

/**
 * The engine asked for cannot run here. The message says why and how to get one; the backend
 * never substitutes another engine.
 */
export class GpuUnavailableError extends FedtuneError {}
