import type { ComponentListing, ListedComponent, ListedOption } from './componentListing.js';

/**
 * `fedtune list` for people: one section per kind naming the experiment field that picks it, each
 * component with its package and one line of help, and its options indented under it.
 */
export function componentListText(listing: ComponentListing): string {
  const lines: string[] = [];
  if (listing.plugins.length > 0) {
    lines.push(`plugins: ${listing.plugins.map((plugin) => `${plugin.name}@${plugin.version}`).join(', ')}`);
  }
  for (const { name, error } of listing.failed) lines.push(`warning: plugin ${name} did not load: ${error}`);
  for (const { kind, field, components } of listing.kinds) {
    lines.push('', `${kind} (${field})`);
    const width = Math.max(...components.map((component) => component.name.length)) + 2;
    for (const component of components) lines.push(...componentLines(component, width));
  }
  return `${lines.join('\n').trimStart()}\n`;
}

function componentLines(component: ListedComponent, width: number): string[] {
  const about = component.description === undefined ? '' : `  ${component.description}`;
  const head = `  ${component.name.padEnd(width)}${component.from}${about}`;
  if (component.options === null) return [head, '      options: not described by the component'];
  const optionWidth = Math.max(0, ...component.options.map((option) => option.name.length)) + 2;
  return [head, ...component.options.map((option) => `      ${optionLine(option, optionWidth)}`)];
}

function optionLine(option: ListedOption, width: number): string {
  const fallback = option.default === undefined ? '' : ` (default ${JSON.stringify(option.default)})`;
  const required = option.required ? ', required' : '';
  const about = option.description === undefined ? '' : `: ${option.description}`;
  return `${option.name.padEnd(width)}${option.type}${fallback}${required}${about}`;
}
