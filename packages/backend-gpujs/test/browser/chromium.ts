import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';

/** Chromium to drive: FEDTUNE_CHROMIUM, or Debian's package. */
export const CHROMIUM_PATH = process.env.FEDTUNE_CHROMIUM ?? '/usr/bin/chromium';

/**
 * Headless Chromium with software WebGL2 and WebGPU (SwiftShader), a fresh profile, and nothing
 * that reaches the network. Close it with the returned `close`, which also removes the profile.
 * @throws Error saying how to install Chromium when it is not there.
 */
export async function launchChromium(): Promise<{ context: BrowserContext; close(): Promise<void> }> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(
      `no Chromium at ${CHROMIUM_PATH}: install it (Debian/Ubuntu: apt-get install chromium) ` +
        'or point FEDTUNE_CHROMIUM at a Chromium or Chrome binary'
    );
  }
  const profile = mkdtempSync(join(tmpdir(), 'fedtune-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      // WebGPU is still behind this flag on Linux; SwiftShader then gives an adapter without a GPU.
      '--enable-unsafe-webgpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
  return {
    context,
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}
