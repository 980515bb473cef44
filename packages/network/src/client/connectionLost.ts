import { FedtuneError } from '@fedtune/core';

/**
 * The connection to the server ended before `finish`, or the server cannot be reached: a fault of
 * the network or the server, which a client that reconnects may get over by joining again.
 */
export class ConnectionLost extends FedtuneError {}
