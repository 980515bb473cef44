import { ISOLATION_HEADERS } from '../webgpu/blockingSupport.js';
import type { GpujsEngine } from './engines.js';
import { isNodeRuntime, nodePlatform, xDisplay } from './platform.js';

/** Whether the optional `gl` package (headless-gl's native module) loaded, as gpu.js sees it. */
export type GlModuleState = 'loaded' | 'missing';

const GL_PREREQUISITES =
  "headless-gl comes from gpu.js's optional dependency `gl`, compiled by node-gyp at install time; " +
  'on Debian/Ubuntu install its build prerequisites (apt-get install build-essential python3 pkg-config ' +
  'libx11-dev libxi-dev libxext-dev), then run `npm rebuild gl` (offline, point node-gyp at the ' +
  'installed Node headers with npm_config_nodedir, e.g. npm_config_nodedir=/usr)';

/**
 * Why `engine` cannot open here and how to get it, as one sentence for an error message.
 * `glModule` matters only for headless-gl.
 */
export function unavailableReason(engine: GpujsEngine, glModule: GlModuleState): string {
  switch (engine) {
    case 'headlessgl':
      return headlessGlReason(glModule);
    case 'webgl2':
    case 'webgl':
      return isNodeRuntime()
        ? `${engine} exists only in a browser; in Node the GPU engine is headlessgl`
        : `this browser gives no ${
            engine === 'webgl2' ? 'WebGL2' : 'WebGL'
          } context (disabled, blocklisted GPU, or no GPU process); ` +
            'enable hardware acceleration, or in headless Chromium keep SwiftShader available (do not pass --disable-software-rasterizer)';
    case 'webgpu':
      return webGpuReason();
    case 'wasm':
      return 'this runtime has no WebAssembly';
    case 'cpu':
      return 'gpu.js could not create its cpu kernel';
  }
}

/**
 * gpu.js's WebGPU kernels return Promises (results come back through mapAsync) while every Backend
 * kernel is synchronous, so they run in another thread, the kernel host, while the backend's
 * thread blocks: this says how to set that up, or why Node cannot.
 */
function webGpuReason(): string {
  if (isNodeRuntime()) {
    return (
      "Node has no navigator.gpu, which gpu.js's WebGPU kernels need; in Node use headlessgl, and run webgpu " +
      'in a browser (a Web Worker served by the page: see the README)'
    );
  }
  return (
    "no WebGPU kernel host is connected in this thread. gpu.js's WebGPU kernels return Promises (results come back " +
    'through mapAsync) while every Backend kernel is synchronous, so they run in the thread that owns the GPU ' +
    'while this one waits in Atomics.wait: create the backend in a Web Worker that called ' +
    'connectWebGpuKernelHost(self), run serveWebGpuKernels(worker) in the page, and serve the page ' +
    `cross-origin isolated (${ISOLATION_HEADERS}) so that SharedArrayBuffer exists`
  );
}

function headlessGlReason(glModule: GlModuleState): string {
  if (!isNodeRuntime()) return 'headlessgl exists only in Node; in a browser the GPU engine is webgl2';
  if (glModule === 'missing') return `the native module \`gl\` is not installed or did not build. ${GL_PREREQUISITES}`;
  if (nodePlatform() === 'linux' && xDisplay() === undefined) {
    return (
      'headless-gl needs an X display and DISPLAY is not set: run the command under a virtual display, ' +
      '`xvfb-run -a <command>` (Debian/Ubuntu: apt-get install xvfb xauth; Mesa llvmpipe then renders in software)'
    );
  }
  const display = xDisplay();
  return (
    `\`gl\` is installed but could not create a WebGL context${
      display === undefined ? '' : ` on display ${display}`
    }; ` + 'check that the X server is running and offers GLX (`glxinfo -B`), or run under `xvfb-run -a`'
  );
}

/** The closing advice every "no GPU" message ends with. */
export const EMULATION_HINT =
  'To run the kernels without a GPU anyway, ask for an emulating engine by name: { "mode": "wasm" } or { "mode": "cpu" }';
