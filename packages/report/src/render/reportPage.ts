import type { RenderedChart } from '../charts/renderCharts.js';
import type { SkippedRun } from '../read/types.js';
import { escapeHtml } from './escapeHtml.js';
import { shortPercent } from './formatValues.js';
import { REPORT_STYLE } from './reportStyle.js';
import type { SummarySection } from './summarySections.js';
import type { SummaryTable } from './summaryTable.js';

/** One run in the report's list of runs. */
export interface ListedRun {
  label: string;
  colour: string;
  dir: string;
  seed: number;
  roundsFinished: number;
  roundsPlanned: number;
  warnings: string[];
}

/** Everything the report page shows, already computed. */
export interface ReportPage {
  title: string;
  generatedAt: Date;
  target?: number;
  groups: number;
  /** The summary's tables, the main one first (see {@link summarySections}). */
  sections: SummarySection[];
  /** Present when a baseline was asked for: the label the differences are measured from. */
  baseline?: string;
  /** Present when late accuracy was asked for: how many last evaluations it averages. */
  lateEvaluations?: number;
  /** Colour of each table row's group, as in the charts. */
  rowColours: string[];
  charts: RenderedChart[];
  runs: ListedRun[];
  sharedSettings: [string, string][];
  skipped: readonly SkippedRun[];
}

/** Charts wide enough (several panels) to take a whole row of the grid. */
const WIDE_CHARTS = new Set(['uplink-per-round', 'participation']);

/**
 * The report as one HTML document with its style and charts inline. The content security policy
 * forbids every fetch, so the page provably needs no network when opened.
 */
export function reportPageHtml(page: ReportPage): string {
  const title = escapeHtml(page.title);
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<title>${title}</title>
<style>${REPORT_STYLE}</style>
</head>
<body>
<main>
<header>
<h1>${title}</h1>
<p class="meta">${escapeHtml(metaLine(page))}</p>
</header>
<section aria-labelledby="summary">
<h2 id="summary">Summary</h2>
${page.sections.map((section) => sectionHtml(section, page)).join('\n')}
</section>
<section aria-labelledby="charts">
<h2 id="charts">Charts</h2>
<div class="charts">
${page.charts.map(chartHtml).join('\n')}
</div>
</section>
<section aria-labelledby="runs">
<h2 id="runs">Runs</h2>
${runsHtml(page.runs)}
</section>
${sharedSettingsHtml(page.sharedSettings)}
${skippedHtml(page.skipped)}
<footer>Made with fedtune report.</footer>
</main>
</body>
</html>
`;
}

function metaLine(page: ReportPage): string {
  const runs = `${page.runs.length} run${page.runs.length === 1 ? '' : 's'}`;
  const groups = `${page.groups} configuration${page.groups === 1 ? '' : 's'}`;
  const when = `${page.generatedAt.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
  const target = page.target === undefined ? [] : [`target accuracy ${shortPercent(page.target)}`];
  return [`${runs} in ${groups}`, ...target, `generated ${when}`].join(' · ');
}

/** The main table under the section's heading; every other table under its own title. */
function sectionHtml(section: SummarySection, page: ReportPage): string {
  const table = summaryTableHtml(section.id, section.table, page.rowColours);
  const note = `<p class="note">${escapeHtml(sectionNote(section.id, page))}</p>`;
  if (section.id === 'summary') return `${table}\n${note}`;
  return `<h3 class="table-title" id="table-${section.id}">${escapeHtml(section.title)}</h3>\n${table}\n${note}`;
}

function sectionNote(id: string, page: ReportPage): string {
  switch (id) {
    case 'summary':
      return [
        'Runs that differ only in their seed are one row: ± is the sample standard deviation over the seeds.',
        'Params: trainable parameters of one run. Losses: test cross-entropy at the last evaluation, mean training loss of the last round.',
        ...(page.lateEvaluations === undefined
          ? []
          : [
              `Last ${page.lateEvaluations} acc: each run's mean test accuracy over its last ${page.lateEvaluations} evaluations.`,
            ]),
        ...(page.baseline === undefined
          ? []
          : [
              `vs ${page.baseline}: percentage points above it, run by run on the same seed, so ± is the spread of the difference.`,
            ]),
        'MB = 10⁶ bytes.',
        ...(page.target === undefined
          ? []
          : ['Bits to target: uplink bits sent up to the first evaluated round at or above the target accuracy.']),
        'Wall time counts the rounds themselves.',
      ].join(' ');
    case 'tasks':
      return 'Test accuracy of each task at each run’s last evaluation, averaged over the task’s clients, each scored with the adapter it holds for the task.';
    case 'majority-adapter':
      return 'Test accuracy of each task with the adapter most of its clients hold alone, at each run’s last evaluation: it leaves out clients a clustering put elsewhere, so where it exceeds the table above, some clients of the task hold a worse adapter.';
    case 'clustering':
      return 'How the adapters the server hands out group by true task: the share of slots in a cluster matched to their task (best one-to-one matching), and the adjusted Rand index (1 is perfect, 0 is chance).';
    case 'adapter-metrics':
      return 'The diagnostics the adapter reports of the global parameters, at each run’s last evaluation.';
    case 'uploads':
      return 'Totals per run. Sent counts every upload, whether or not it arrived; skipped uploads were held back by a skip rule, lost ones dropped by the channel, rejected ones refused (diverged training or an invalid payload). Bits per value: uplink bits over the values the sent uploads carried.';
    default:
      return '';
  }
}

/** A summary table, its class the section's id (`summary` for the main one). */
function summaryTableHtml(className: string, table: SummaryTable, rowColours: readonly string[]): string {
  const rows = table.rows.map(([label = '', ...values], row) => [
    swatchLabel(rowColours[row] ?? 'transparent', label),
    ...values.map(valueHtml),
  ]);
  return tableHtml(
    className,
    table.header,
    table.align.map((align) => align === 'right'),
    rows,
  );
}

/** A table value with its `± std` part set in a lighter type, so the means stand out. */
function valueHtml(cell: string): string {
  const [mean = '', ...spread] = cell.split(' ± ');
  if (spread.length === 0) return escapeHtml(cell);
  return `${escapeHtml(mean)}<span class="spread"> ± ${escapeHtml(spread.join(' ± '))}</span>`;
}

function chartHtml(chart: RenderedChart): string {
  const wide = WIDE_CHARTS.has(chart.id) ? ' wide' : '';
  return `<figure class="chart${wide}" id="chart-${chart.id}" data-chart="${chart.id}">
<figcaption><h3>${escapeHtml(chart.title)}</h3><p>${escapeHtml(chart.caption)}</p></figcaption>
${chart.svg}
</figure>`;
}

function runsHtml(runs: readonly ListedRun[]): string {
  const rows = runs.map((run) => [
    swatchLabel(run.colour, run.label),
    `<code>${escapeHtml(run.dir)}</code>`,
    String(run.seed),
    `${run.roundsFinished} of ${run.roundsPlanned}`,
    run.warnings.map((warning) => `<span class="warning">${escapeHtml(warning)}</span>`).join('<br>'),
  ]);
  return tableHtml('runs', ['run', 'folder', 'seed', 'rounds', 'notes'], [false, false, true, true, false], rows);
}

/** A table in a frame that scrolls sideways on narrow screens; `rows` hold HTML, `numeric` columns align right. */
function tableHtml(
  className: string,
  header: readonly string[],
  numeric: readonly boolean[],
  rows: readonly string[][],
): string {
  const cell = (tag: 'th' | 'td', html: string, column: number) =>
    `<${tag}${numeric[column] === true ? ' class="num"' : ''}>${html}</${tag}>`;
  const head = header.map((title, column) => cell('th', escapeHtml(title), column)).join('');
  const body = rows.map((cells) => `<tr>${cells.map((html, column) => cell('td', html, column)).join('')}</tr>`);
  return [
    `<div class="table-wrap"><table class="${className}">`,
    `<thead><tr>${head}</tr></thead>`,
    '<tbody>',
    ...body,
    '</tbody></table></div>',
  ].join('\n');
}

/** A group's label behind the colour its lines have in the charts. */
function swatchLabel(colour: string, label: string): string {
  return `<span class="swatch" style="background:${colour}"></span><span class="label">${escapeHtml(label)}</span>`;
}

function sharedSettingsHtml(settings: readonly [string, string][]): string {
  if (settings.length === 0) return '';
  const items = settings.map(([path, value]) => `<div><dt>${escapeHtml(path)}</dt><dd>${escapeHtml(value)}</dd></div>`);
  return `<section aria-labelledby="settings">
<h2 id="settings">Settings shared by every run</h2>
<dl class="settings">
${items.join('\n')}
</dl>
</section>`;
}

function skippedHtml(skipped: readonly SkippedRun[]): string {
  if (skipped.length === 0) return '';
  const items = skipped.map((run) => `<li><code>${escapeHtml(run.dir)}</code>: ${escapeHtml(run.reason)}</li>`);
  return `<section aria-labelledby="skipped">
<h2 id="skipped">Folders left out</h2>
<ul class="skipped">
${items.join('\n')}
</ul>
</section>`;
}
