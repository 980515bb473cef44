// Stands in for `vitest` in the Web Worker bundle: core's conformance kit registers its tests with
// describe/it/beforeAll/afterAll, and a worker has no vitest. Registration builds a tree; runKit
// runs it the way vitest would (hooks around their block, tests in order) and reports each test.

type Body = () => unknown;

interface Block {
  title: string;
  beforeAll: Body[];
  afterAll: Body[];
  children: (Block | { title: string; body: Body })[];
}

/** One kit test's outcome: its full title (blocks joined by " > ") and, when it failed, why. */
export interface KitResult {
  title: string;
  error?: string;
}

const root: Block = { title: '', beforeAll: [], afterAll: [], children: [] };
let current = root;

export function describe(title: string, body: () => void): void {
  const block: Block = { title, beforeAll: [], afterAll: [], children: [] };
  current.children.push(block);
  const parent = current;
  current = block;
  try {
    body();
  } finally {
    current = parent;
  }
}

export function it(title: string, body: Body): void {
  current.children.push({ title, body });
}

export function beforeAll(body: Body): void {
  current.beforeAll.push(body);
}

export function afterAll(body: Body): void {
  current.afterAll.push(body);
}

/** Runs every registered test and forgets them; a failed beforeAll fails each test of its block. */
export async function runKit(): Promise<KitResult[]> {
  const results: KitResult[] = [];
  await runBlock(root, [], results);
  root.children = [];
  return results;
}

async function runBlock(block: Block, path: readonly string[], results: KitResult[]): Promise<void> {
  const titles = block.title === '' ? path : [...path, block.title];
  let setupError: string | undefined;
  for (const hook of block.beforeAll) setupError ??= await failureOf(hook);
  for (const child of block.children) {
    if ('body' in child) {
      const error = setupError ?? (await failureOf(child.body));
      results.push({ title: [...titles, child.title].join(' > '), ...(error === undefined ? {} : { error }) });
    } else if (setupError === undefined) {
      await runBlock(child, titles, results);
    } else {
      results.push({ title: [...titles, child.title].join(' > '), error: setupError });
    }
  }
  for (const hook of block.afterAll) await failureOf(hook);
}

async function failureOf(body: Body): Promise<string | undefined> {
  try {
    await body();
    return undefined;
  } catch (error) {
    return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  }
}
