/// <reference lib="dom" />
import { ConfigError, pluginFromExports } from '@fedtune/core';
import { joinFederationFromBrowser } from '../browser/joinFromBrowser.js';
import { parseClientIdList } from '../client/clientIdList.js';
import { joinRequestFromFragment, trainingChoice, withRound, type ClientPageState, type JoinRequest } from './pageState.js';

/** The page's state, for its view and for automation. */
declare global {
  // eslint-disable-next-line no-var
  var fedtuneClient: ClientPageState | undefined;
}

/**
 * Runs the client page `fedtune serve` offers: it takes a client id, its secret and where to train
 * from the URL fragment (`#client=ID&token=SECRET[&tf=webgpu|webgl]`) or the form, joins the federation
 * of the server that served it, and shows the run, the round, the progress and the bytes sent,
 * until the server finishes.
 * @param pluginModules each plugin package the page was bundled with, by name, as its module exports.
 */
export function startClientPage(pluginModules: Readonly<Record<string, Readonly<Record<string, unknown>>>>): void {
  const plugins = Object.entries(pluginModules).map(([name, exports]) => pluginFromExports(name, exports));
  const view = new PageView(document);
  let state: ClientPageState = { phase: 'waiting-for-token', sent: { uploads: 0, payloadBytes: 0, frameBytes: 0 }, log: [] };
  const update = (next: ClientPageState) => {
    state = next;
    globalThis.fedtuneClient = state;
    view.show(state);
  };
  const log = (line: string) => update({ ...state, log: [...state.log, line] });
  update(state);

  const join = ({ client, token, tf }: JoinRequest) => {
    let clientId: number;
    let tfBackend: ReturnType<typeof trainingChoice>;
    try {
      const ids = parseClientIdList(client.trim());
      if (ids.length !== 1) throw new ConfigError(`"${client}" names ${ids.length} clients; a page plays one client id`);
      clientId = ids[0] as number;
      tfBackend = trainingChoice(tf);
    } catch (error) {
      update({ ...state, phase: 'waiting-for-token', error: (error as Error).message });
      return;
    }
    const leaving = new AbortController();
    view.onLeave(() => leaving.abort());
    update({ ...state, phase: 'joining', clientId, error: undefined });
    const page = new URL(location.href);
    const url = `${page.protocol === 'https:' ? 'wss' : 'ws'}://${page.host}`;
    joinFederationFromBrowser({
      url,
      tokens: new Map([[clientId, token]]),
      plugins,
      dataUrl: new URL('data/', page).href,
      wasmUrl: new URL('tfjs-wasm/', page).href,
      tfBackend,
      log: (line) => {
        log(line);
        if (state.phase === 'joining' && line.startsWith('experiment ')) update({ ...state, phase: 'playing' });
      },
      onRound: (event) => update(withRound(state, event)),
      signal: leaving.signal,
      reconnect: {},
    }).then(
      (totals) => update({ ...state, phase: 'finished', totals }),
      (error: unknown) => update({ ...state, phase: leaving.signal.aborted ? 'left' : 'failed', error: error instanceof Error ? error.message : String(error) }),
    );
  };

  const fromFragment = joinRequestFromFragment(location.hash);
  if (fromFragment !== undefined) {
    // The secret leaves the address bar (and the history) once read.
    history.replaceState(null, '', location.pathname + location.search);
    join(fromFragment);
  } else {
    view.onSubmit(join);
  }
}

/** The page's elements, which `fedtune serve`'s HTML provides by id. */
class PageView {
  private readonly form: HTMLFormElement;

  constructor(private readonly page: Document) {
    this.form = this.element('join-form') as HTMLFormElement;
    // Offered only where the browser has WebGPU; a fragment asking for it still gets the error that says why not.
    const webgpu = this.form.querySelector<HTMLOptionElement>('option[value="webgpu"]');
    if (webgpu !== null && !('gpu' in navigator)) webgpu.disabled = true;
  }

  onSubmit(join: (request: JoinRequest) => void): void {
    this.form.addEventListener('submit', (event) => {
      event.preventDefault();
      const fields = new FormData(this.form);
      join({ client: String(fields.get('client') ?? ''), token: String(fields.get('token') ?? ''), tf: String(fields.get('tf') ?? 'experiment') });
    });
  }

  onLeave(leave: () => void): void {
    this.element('leave').addEventListener('click', leave, { once: true });
  }

  show(state: ClientPageState): void {
    this.form.hidden = state.phase !== 'waiting-for-token';
    this.element('progress').hidden = state.phase === 'waiting-for-token';
    (this.element('leave') as HTMLButtonElement).disabled = state.phase !== 'joining' && state.phase !== 'playing';
    this.text('phase', PHASE_WORDS[state.phase] + (state.clientId === undefined ? '' : ` as client ${state.clientId}`));
    const round = state.lastRound;
    this.text('run', round === undefined ? '–' : round.label);
    this.text('round', round === undefined ? '–' : `${round.round + 1} of ${round.rounds}`);
    const bar = this.element('round-progress') as HTMLProgressElement;
    bar.max = round?.rounds ?? 1;
    bar.value = round === undefined ? 0 : round.round + 1;
    this.text('uploads', String(state.sent.uploads));
    this.text('payload-bytes', state.sent.payloadBytes.toLocaleString('en'));
    this.text('frame-bytes', state.sent.frameBytes.toLocaleString('en'));
    this.text('error', state.error ?? '');
    this.text('log', state.log.join('\n'));
  }

  private text(id: string, text: string): void {
    this.element(id).textContent = text;
  }

  private element(id: string): HTMLElement {
    const found = this.page.getElementById(id);
    if (found === null) throw new Error(`the client page has no element #${id}; serve it with fedtune serve`);
    return found;
  }
}

const PHASE_WORDS: Readonly<Record<ClientPageState['phase'], string>> = {
  'waiting-for-token': 'Waiting for a client id and token',
  joining: 'Joining',
  playing: 'Training',
  finished: 'Finished',
  failed: 'Stopped by an error',
  left: 'Left the federation',
};
