import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';

/** A module a source file loads at run time, as written and where TypeScript resolves it. */
export interface RuntimeImport {
  specifier: string;
  /** The resolved file, or undefined for a module TypeScript cannot resolve (a builtin such as `node:fs`). */
  resolved: string | undefined;
}

/**
 * Every source file `entry` loads at run time, with what each imports: static imports, re-exports
 * and `import()` calls, resolved by TypeScript with `tsconfig`'s options exactly as the compiler
 * resolves them. Type-only imports and exports are left out: they are erased, so no bundle holds them.
 * The walk stays inside `sourceRoot`; modules outside it (packages) are listed but not entered.
 */
export function runtimeImportClosure(entry: string, sourceRoot: string, tsconfig: string): Map<string, RuntimeImport[]> {
  const config = ts.getParsedCommandLineOfConfigFile(tsconfig, undefined, {
    ...ts.sys,
    onUnRecoverableConfigFileDiagnostic: (diagnostic) => {
      throw new Error(ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n'));
    },
  });
  if (config === undefined) throw new Error(`${tsconfig}: cannot be read`);
  const cache = ts.createModuleResolutionCache(sourceRoot, (name) => name, config.options);
  const closure = new Map<string, RuntimeImport[]>();
  const visit = (file: string): void => {
    if (closure.has(file)) return;
    const mode = ts.getImpliedNodeFormatForFile(file, cache.getPackageJsonInfoCache(), ts.sys, config.options);
    const imports = runtimeSpecifiers(file).map((specifier) => {
      const resolved = ts.resolveModuleName(specifier, file, config.options, ts.sys, cache, undefined, mode).resolvedModule;
      return { specifier, resolved: resolved === undefined ? undefined : join(resolved.resolvedFileName) };
    });
    closure.set(file, imports);
    for (const { resolved } of imports) {
      if (resolved !== undefined && resolved.startsWith(sourceRoot) && !resolved.endsWith('.d.ts')) visit(resolved);
    }
  };
  visit(entry);
  return closure;
}

/** The modules a file loads when it runs, read from its syntax tree. */
function runtimeSpecifiers(file: string): string[] {
  const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest);
  const found: string[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) {
      const clause = node.importClause;
      const typeOnly =
        clause !== undefined &&
        (clause.isTypeOnly ||
          (clause.name === undefined &&
            clause.namedBindings !== undefined &&
            ts.isNamedImports(clause.namedBindings) &&
            clause.namedBindings.elements.length > 0 &&
            clause.namedBindings.elements.every((element) => element.isTypeOnly)));
      if (!typeOnly) found.push(node.moduleSpecifier.text);
    } else if (ts.isExportDeclaration(node) && node.moduleSpecifier !== undefined && ts.isStringLiteral(node.moduleSpecifier)) {
      const clause = node.exportClause;
      const typeOnly =
        node.isTypeOnly ||
        (clause !== undefined && ts.isNamedExports(clause) && clause.elements.length > 0 && clause.elements.every((element) => element.isTypeOnly));
      if (!typeOnly) found.push(node.moduleSpecifier.text);
    } else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) {
      const [argument] = node.arguments;
      if (argument !== undefined && ts.isStringLiteralLike(argument)) found.push(argument.text);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}
