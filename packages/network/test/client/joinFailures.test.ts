import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  createFedtuneContainer,
  encodeFloat32Payload,
  expandRuns,
  indexLayout,
  isFedtuneError,
  parseExperiment,
  planRun,
  prepareFederation,
  runFingerprint,
  type Experiment,
  type RefusalReason,
  type RunSpec,
} from '@fedtune/core';
import { joinFederation, type JoinFederationOptions } from '../../src/index.js';
import { FakeServer, type Peer } from './fakeServer.js';

const experiment = parseExperiment({
  name: 'join-failures',
  seed: 1,
  data: { numClients: 4, partition: { kind: 'iid' }, trainLimit: 400, testLimit: 100 },
  adapter: { rank: 2, alpha: 4 },
  training: { rounds: 1, localSteps: 3 },
});

const tokens = new Map([
  [0, 'secret-of-zero'],
  [1, 'secret-of-one'],
]);

let server: FakeServer;
beforeEach(async () => {
  server = await FakeServer.start();
});
afterEach(async () => {
  await server.close();
});

/** Joins the fake server; the error it fails with, held at once so no rejection goes unhandled. */
function joinAndFail(overrides: Partial<JoinFederationOptions> = {}): Promise<Error> {
  const joined = joinFederation({
    url: overrides.url ?? server.url,
    tokens,
    dataDir: mkdtempSync(join(tmpdir(), 'fedtune-join-fail-')),
    resolveFrom: fileURLToPath(new URL('.', import.meta.url)),
    log: () => {},
    ...overrides,
  });
  return joined.then(
    () => {
      throw new Error('joinFederation resolved; it was expected to fail');
    },
    (error: Error) => error,
  );
}

/** Reads the join and welcomes every id it asked for into `welcomed`. */
async function welcome(peer: Peer, welcomed: Experiment = experiment): Promise<void> {
  const join = await peer.expect('join');
  const clientIds = join.clients.map((client) => client.clientId);
  peer.send({ type: 'welcome', experimentJson: JSON.stringify(welcomed), fingerprint: runFingerprint(welcomed), clientIds });
}

/** An assignment of client `clientId` in run `runIndex`, round 0, whatever its start vector. */
function assign(runIndex: number, clientId: number) {
  return { type: 'assign', runIndex, round: 0, clientId, slot: 0, forced: false, start: encodeFloat32Payload(new Float32Array(4)) } as const;
}

describe('joinFederation refused', () => {
  it.each<[RefusalReason, RegExp]>([
    ['bad-token', /refused the join: bad-token \(no such secret\); check --token/],
    ['duplicate-client', /duplicate-client \(no such secret\); another process holds that client id/],
    ['version-mismatch', /version-mismatch \(no such secret\); install the server's fedtune version/],
  ])('by %s rejects with the reason and the fix', async (reason, expected) => {
    const failure = joinAndFail();
    const peer = await server.nextPeer();
    await peer.expect('join');
    peer.send({ type: 'refused', reason, message: 'no such secret' });
    const error = await failure;
    expect(error.message).toMatch(expected);
    expect(isFedtuneError(error, 'ConfigError')).toBe(true);
    expect(await peer.closed).toBe(1000);
  });
});

describe('joinFederation leaves with an error frame', () => {
  it('when assigned a client id it did not join as', async () => {
    const failure = joinAndFail();
    const peer = await server.nextPeer();
    await welcome(peer);
    peer.send({ type: 'runStart', runIndex: 0, label: 'lora', restoreRound: 0 });
    peer.send(assign(0, 2));
    expect(await peer.expect('error')).toMatchObject({ code: 'wrong-client', message: expect.stringMatching(/client 2/) });
    await peer.closed;
    expect((await failure).message).toMatch(/assigned client 2, which this connection did not join as/);
  });

  it('when assigned a slot of a run the server has not started', async () => {
    const failure = joinAndFail();
    const peer = await server.nextPeer();
    await welcome(peer);
    peer.send(assign(0, 1));
    expect(await peer.expect('error')).toMatchObject({ code: 'out-of-order' });
    await peer.closed;
    expect((await failure).message).toMatch(/an assignment for run 0, but no run has started/);
  });

  it('when a run starts under another label than this client gives it', async () => {
    const failure = joinAndFail();
    const peer = await server.nextPeer();
    await welcome(peer);
    peer.send({ type: 'runStart', runIndex: 0, label: 'qsgd', restoreRound: 0 });
    expect(await peer.expect('error')).toMatchObject({ code: 'internal' });
    await peer.closed;
    expect((await failure).message).toMatch(/the server calls run 0 "qsgd" but this client calls it "lora"; .*install the server's fedtune version/);
  });

  it.each([
    ['goes on mid-run with a run this process never played', undefined, /goes on with run 0 \("lora"\), which this process has not played/],
    ['resumes from a checkpoint this process kept no memory of', 2, /from its checkpoint before round 2, and this process kept no copy/],
  ])('when the server %s, saying the client memory is lost', async (_, restoreRound, expected) => {
    const failure = joinAndFail();
    const peer = await server.nextPeer();
    await welcome(peer);
    peer.send({ type: 'runStart', runIndex: 0, label: 'lora', ...(restoreRound === undefined ? {} : { restoreRound }) });
    expect(await peer.expect('error')).toMatchObject({ code: 'internal' });
    await peer.closed;
    const message = (await failure).message;
    expect(message).toMatch(expected);
    expect(message).toMatch(/memory of skip rules and error feedback lives only on clients.*start the federation again without --resume/);
  });

  it('when the experiment names a plugin that is not installed, and says npm install', async () => {
    const failure = joinAndFail();
    const peer = await server.nextPeer();
    await welcome(peer, { ...experiment, plugins: ['fedtune-plugin-not-installed'] });
    expect(await peer.expect('error')).toMatchObject({ code: 'internal', message: expect.stringMatching(/npm install fedtune-plugin-not-installed/) });
    await peer.closed;
    const error = await failure;
    expect(isFedtuneError(error, 'PluginError')).toBe(true);
    expect(error.message).toMatch(/npm install fedtune-plugin-not-installed/);
  });

  it('when a frame is not a protocol frame', async () => {
    const failure = joinAndFail();
    const peer = await server.nextPeer();
    await peer.expect('join');
    peer.sendRaw('{"type":"welcome"}');
    expect(await peer.expect('error')).toMatchObject({ code: 'malformed', message: expect.stringMatching(/text message/) });
    await peer.closed;
    const error = await failure;
    expect(isFedtuneError(error, 'PayloadError')).toBe(true);
    expect(error.message).toMatch(/sent a malformed frame/);
  });
});

describe('joinFederation answers an assignment', () => {
  it('whose training diverged with a diverged upload, and goes on', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'fedtune-join-diverged-'));
    const [spec] = expandRuns(experiment);
    const planned = planRun(spec as RunSpec, await prepareFederation(experiment, dataDir), createFedtuneContainer());
    const length = indexLayout(planned.adapter.instance.layout).size;
    const failure = joinAndFail({ dataDir });
    const peer = await server.nextPeer();
    await welcome(peer);
    peer.send({ type: 'runStart', runIndex: 0, label: 'lora', restoreRound: 0 });
    peer.send({ ...assign(0, 1), start: encodeFloat32Payload(new Float32Array(length).fill(Number.NaN)) });
    const upload = await peer.expect('upload');
    expect(upload).toMatchObject({
      runIndex: 0,
      round: 0,
      clientId: 1,
      slot: 0,
      outcome: 'diverged',
      loss: 0,
      values: length,
      reason: expect.stringMatching(/^Local training of client 1 produced a non-finite loss/),
    });
    expect(upload.samples).toBeGreaterThan(0);
    // Still in the federation: a round end is taken, and only the dropped connection ends it.
    peer.send({ type: 'roundEnd', runIndex: 0, round: 0, checkpoint: false });
    peer.drop();
    expect((await failure).message).toMatch(/closed before the federation finished/);
  });

  it('whose start is not the client model\'s payload with a malformed error', async () => {
    const failure = joinAndFail();
    const peer = await server.nextPeer();
    await welcome(peer);
    peer.send({ type: 'runStart', runIndex: 0, label: 'lora', restoreRound: 0 });
    peer.send(assign(0, 1));
    expect(await peer.expect('error')).toMatchObject({ code: 'malformed', message: expect.stringMatching(/carries 4 values, the model has \d+/) });
    await peer.closed;
    expect(isFedtuneError(await failure, 'PayloadError')).toBe(true);
  });
});

describe('joinFederation rejects', () => {
  it('when the connection drops before finish', async () => {
    const failure = joinAndFail();
    const peer = await server.nextPeer();
    await welcome(peer);
    peer.send({ type: 'runStart', runIndex: 0, label: 'lora', restoreRound: 0 });
    peer.drop();
    expect((await failure).message).toMatch(/closed before the federation finished .*counts this client lost/);
  });

  it('when the server reports an error, without answering it', async () => {
    const failure = joinAndFail();
    const peer = await server.nextPeer();
    await welcome(peer);
    peer.send({ type: 'error', code: 'out-of-order', message: 'upload for round 7' });
    expect((await failure).message).toMatch(/reported an error \(out-of-order\) and dropped this client: upload for round 7/);
    expect(await peer.closed).toBe(1000);
  });

  it('when stopped through its signal', async () => {
    const controller = new AbortController();
    const failure = joinAndFail({ signal: controller.signal });
    const peer = await server.nextPeer();
    await peer.expect('join');
    controller.abort();
    expect((await failure).message).toMatch(/left the federation before it finished/);
    await peer.closed;
  });

  it('when the server cannot be reached, naming it', async () => {
    const url = server.url;
    await server.close();
    const error = await joinAndFail({ url });
    expect(error.message).toMatch(new RegExp(`cannot connect to ${url}: .*ECONNREFUSED.*fedtune serve`));
  });
});
