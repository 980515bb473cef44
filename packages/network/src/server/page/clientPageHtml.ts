import { PAGE_SCRIPT } from './clientPageBundle.js';

/** Escapes text for HTML element content and attribute values. */
function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (character) => `&#${character.charCodeAt(0)};`);
}

/**
 * The client page: a form for the client id, its secret and where to train (or all in the URL
 * fragment, `#client=ID&token=SECRET[&tf=webgpu|webgl]`), then the run, the round, its progress and the
 * bytes sent. The page's script fills the elements by id.
 */
export function clientPageHtml(experimentName: string): string {
  const name = escapeHtml(experimentName);
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="icon" href="data:,">
<title>fedtune client · ${name}</title>
<style>
body { font: 16px/1.5 system-ui, sans-serif; max-width: 42rem; margin: 2rem auto; padding: 0 1rem; color: #1d1d1f; }
label { display: block; margin: 0.5rem 0; }
input, select { font: inherit; width: 100%; box-sizing: border-box; }
progress { width: 100%; height: 1rem; }
dl { display: grid; grid-template-columns: max-content 1fr; gap: 0.25rem 1rem; }
dd { margin: 0; font-variant-numeric: tabular-nums; }
#error { color: #b00020; }
pre { background: #f4f4f5; padding: 0.75rem; overflow-x: auto; max-height: 20rem; font-size: 0.85rem; }
</style>
</head>
<body>
<h1>fedtune client</h1>
<p>Experiment <strong>${name}</strong>. This tab trains as one client: its data is split from the
experiment's seed here, and only the compressed updates are sent to the server.</p>
<form id="join-form" hidden>
<label>Client id <input name="client" inputmode="numeric" autocomplete="off" required></label>
<label>Token <input name="token" type="password" autocomplete="off" required></label>
<label>Train with <select name="tf">
<option value="experiment" selected>the experiment's tfjs backend (the same numbers as every other client)</option>
<option value="webgpu">this device's GPU (WebGPU: faster; the last bits may differ)</option>
<option value="webgl">this device's GPU (WebGL: faster; the last bits may differ)</option>
</select></label>
<button type="submit">Join</button>
</form>
<section id="progress" hidden>
<p id="phase"></p>
<dl>
<dt>Run</dt><dd id="run">–</dd>
<dt>Round</dt><dd id="round">–</dd>
<dt>Uploads</dt><dd id="uploads">0</dd>
<dt>Payload bytes sent</dt><dd id="payload-bytes">0</dd>
<dt>Bytes on the wire</dt><dd id="frame-bytes">0</dd>
</dl>
<progress id="round-progress" value="0" max="1"></progress>
<p><button id="leave" type="button">Leave the federation</button></p>
</section>
<p id="error" role="alert"></p>
<pre id="log" aria-live="polite"></pre>
<script type="module" src="${PAGE_SCRIPT}"></script>
</body>
</html>
`;
}
