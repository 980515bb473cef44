/**
 * Control characters: C0 (escape, carriage return, backspace, …), DEL and C1 (which some terminals
 * obey as well, `\u009b` starting a command like escape and `[`). Printed raw, a label holding them
 * could move the cursor, rewrite earlier lines, recolour or retitle the terminal.
 */
const CONTROLS = /[\u0000-\u001f\u007f-\u009f]/g;
const CONTROLS_BUT_LINE_FEED = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/g;

/** Where line feeds stay: texts of several lines (tables, messages), as opposed to one-line labels. */
export interface TerminalTextOptions {
  keepLineFeeds?: boolean;
}

/**
 * `text` with every control character written out as a `\u001b`-style escape, so what an
 * experiment or a results folder holds reaches the terminal as text. The escapes are JSON's, so
 * JSON output stays valid and still decodes to the same strings.
 */
export function terminalText(text: string, options: TerminalTextOptions = {}): string {
  return text.replace(options.keepLineFeeds === true ? CONTROLS_BUT_LINE_FEED : CONTROLS, escapeControl);
}

function escapeControl(control: string): string {
  return `\\u${control.charCodeAt(0).toString(16).padStart(4, '0')}`;
}
