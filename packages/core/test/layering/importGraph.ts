import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

/** The monorepo's root, whose package.json lists the workspaces. */
export const REPOSITORY_ROOT = fileURLToPath(new URL('../../../../', import.meta.url));

/** Source file → the source files it imports, both as paths relative to the repository root. */
export type ImportGraph = ReadonlyMap<string, readonly string[]>;

/** Every workspace package folder (a `folder/*` pattern expanded one level, as npm does). */
export function workspacePackages(root: string = REPOSITORY_ROOT): string[] {
  const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { workspaces: string[] };
  return manifest.workspaces.flatMap((pattern) => {
    if (!pattern.endsWith('/*')) return [join(root, pattern)];
    const parent = join(root, pattern.slice(0, -2));
    return readdirSync(parent, { withFileTypes: true })
      .filter((entry) => entry.isDirectory())
      .map((entry) => join(parent, entry.name));
  });
}

/**
 * The import graph of each package's `src/`: static imports, re-exports, `import type` and dynamic
 * `import()` alike, since a type-only or lazy import still ties two files into one unit. Specifiers
 * are resolved by TypeScript with the package's own tsconfig, so `./x.js` finds `./x.ts` exactly as
 * the compiler does; imports that leave the package's `src/` (other packages' `dist/`, node
 * modules) are not edges.
 */
export function sourceImportGraph(packageFolders: readonly string[], root: string = REPOSITORY_ROOT): ImportGraph {
  const graph = new Map<string, string[]>();
  for (const folder of packageFolders) {
    const configPath = join(folder, 'tsconfig.json');
    if (!existsSync(configPath)) continue;
    const config = ts.getParsedCommandLineOfConfigFile(configPath, undefined, {
      ...ts.sys,
      onUnRecoverableConfigFileDiagnostic: (diagnostic) => {
        throw new Error(ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n'));
      },
    });
    if (config === undefined) throw new Error(`${configPath}: cannot be read`);
    const sourceRoot = join(folder, 'src') + sep;
    const inSource = (file: string) => file.startsWith(sourceRoot) && !file.endsWith('.d.ts');
    const cache = ts.createModuleResolutionCache(folder, (name) => name, config.options);
    for (const file of config.fileNames.map((name) => join(name)).filter(inSource)) {
      const mode = ts.getImpliedNodeFormatForFile(file, cache.getPackageJsonInfoCache(), ts.sys, config.options);
      const imported = moduleSpecifiers(file).flatMap((specifier) => {
        const resolved = ts.resolveModuleName(specifier, file, config.options, ts.sys, cache, undefined, mode).resolvedModule;
        const target = resolved === undefined ? undefined : join(resolved.resolvedFileName);
        return target !== undefined && inSource(target) ? [relative(root, target)] : [];
      });
      graph.set(relative(root, file), [...new Set(imported)]);
    }
  }
  return graph;
}

/**
 * Every module a file names: imports and re-exports (`export * as` included), `import x = require()`,
 * `import()` calls and `import('…')` types, read from the syntax tree rather than scanned.
 */
function moduleSpecifiers(file: string): string[] {
  const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest);
  const found: string[] = [];
  const visit = (node: ts.Node): void => {
    if ((ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) && node.moduleSpecifier !== undefined) {
      if (ts.isStringLiteral(node.moduleSpecifier)) found.push(node.moduleSpecifier.text);
    } else if (ts.isImportEqualsDeclaration(node) && ts.isExternalModuleReference(node.moduleReference)) {
      if (ts.isStringLiteral(node.moduleReference.expression)) found.push(node.moduleReference.expression.text);
    } else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) {
      const [argument] = node.arguments;
      if (argument !== undefined && ts.isStringLiteralLike(argument)) found.push(argument.text);
    } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument)) {
      if (ts.isStringLiteral(node.argument.literal)) found.push(node.argument.literal.text);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

/**
 * The import cycles, enough of them that every file caught in one appears: for each group of files
 * that import each other round (a strongly connected component), the shortest cycle through each
 * file no earlier cycle passed. Empty when the graph has none.
 */
export function importCycles(graph: ImportGraph): string[][] {
  const cycles: string[][] = [];
  for (const group of stronglyConnected(graph)) {
    const members = new Set(group);
    const covered = new Set<string>();
    for (const file of [...group].sort()) {
      const loopsOnItself = (graph.get(file) ?? []).includes(file);
      if (covered.has(file) || (group.length === 1 && !loopsOnItself)) continue;
      const cycle = shortestCycle(graph, members, file);
      for (const member of cycle) covered.add(member);
      cycles.push(cycle);
    }
  }
  return cycles;
}

/** Tarjan's algorithm: the graph's strongly connected components. */
function stronglyConnected(graph: ImportGraph): string[][] {
  const index = new Map<string, number>();
  const lowLink = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const groups: string[][] = [];
  const visit = (node: string): void => {
    index.set(node, index.size);
    lowLink.set(node, index.get(node) as number);
    stack.push(node);
    onStack.add(node);
    for (const next of graph.get(node) ?? []) {
      if (!index.has(next)) {
        visit(next);
        lowLink.set(node, Math.min(lowLink.get(node) as number, lowLink.get(next) as number));
      } else if (onStack.has(next)) {
        lowLink.set(node, Math.min(lowLink.get(node) as number, index.get(next) as number));
      }
    }
    if (lowLink.get(node) !== index.get(node)) return;
    const group: string[] = [];
    let member: string;
    do {
      member = stack.pop() as string;
      onStack.delete(member);
      group.push(member);
    } while (member !== node);
    groups.push(group);
  };
  for (const node of graph.keys()) if (!index.has(node)) visit(node);
  return groups;
}

/** Breadth-first search from `start` back to itself through `group` only. */
function shortestCycle(graph: ImportGraph, group: ReadonlySet<string>, start: string): string[] {
  const previous = new Map<string, string>();
  const queue = [start];
  for (let head = 0; head < queue.length; head++) {
    const node = queue[head] as string;
    for (const next of graph.get(node) ?? []) {
      if (next === start) {
        const path = [start];
        for (let at: string | undefined = node; at !== start && at !== undefined; at = previous.get(at)) path.splice(1, 0, at);
        return [...path, start];
      }
      if (group.has(next) && !previous.has(next)) {
        previous.set(next, node);
        queue.push(next);
      }
    }
  }
  throw new Error(`${start} is in a cycle group but no cycle leads back to it`);
}
