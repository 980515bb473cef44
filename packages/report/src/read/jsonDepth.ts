import { lineNestedTooDeep, MAX_STORED_JSON_NESTING } from '@fedtune/core/files';

/** Why `text` (a file called `name`, or a line of it) is refused for its nesting, or `undefined`. */
export function nestingProblem(name: string, text: string, firstLine = 1): string | undefined {
  const line = lineNestedTooDeep(text);
  if (line === undefined) return undefined;
  return (
    `${name} line ${firstLine + line - 1} nests arrays or objects more than ${MAX_STORED_JSON_NESTING} deep, ` +
    'which fedtune never writes: the file is damaged or was not written by fedtune'
  );
}
