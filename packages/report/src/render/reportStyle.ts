/** The report's stylesheet, inlined so the page needs nothing from the network. */
export const REPORT_STYLE = `
:root {
  --ink: #1f2328; --muted: #59636e; --rule: #d8dee4; --soft: #f6f8fa; --accent: #4e79a7;
  font-family: -apple-system, BlinkMacSystemFont, "Segoe UI", "Helvetica Neue", Helvetica, Arial, sans-serif;
  color: var(--ink); background: #fff; line-height: 1.45;
}
* { box-sizing: border-box; }
body { margin: 0; }
main { max-width: 1120px; margin: 0 auto; padding: 32px 28px 48px; }
header { border-bottom: 1px solid var(--rule); padding-bottom: 14px; margin-bottom: 8px; }
h1 { font-size: 26px; font-weight: 600; margin: 0 0 4px; letter-spacing: -0.01em; }
h2 { font-size: 18px; font-weight: 600; margin: 32px 0 12px; }
h3 { font-size: 15px; font-weight: 600; margin: 0; }
h3.table-title { margin: 24px 0 8px; }
.meta { color: var(--muted); margin: 0; font-size: 14px; }
.note { color: var(--muted); font-size: 13px; margin: 8px 0 0; }
code { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 12.5px; }
.table-wrap { overflow-x: auto; border: 1px solid var(--rule); border-radius: 6px; }
table { border-collapse: collapse; width: 100%; font-size: 13.5px; }
th, td { padding: 7px 10px; border-bottom: 1px solid var(--rule); vertical-align: top; }
tbody tr:last-child td { border-bottom: none; }
th { background: var(--soft); font-weight: 600; text-align: left; white-space: nowrap; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
.spread { color: var(--muted); font-size: 12px; }
.swatch { display: inline-block; width: 11px; height: 11px; border-radius: 2px; margin-right: 8px; vertical-align: -1px; }
.label { font-weight: 500; }
.charts { display: grid; grid-template-columns: repeat(auto-fit, minmax(500px, 1fr)); gap: 20px; }
figure { margin: 0; padding: 14px 14px 8px; border: 1px solid var(--rule); border-radius: 6px; break-inside: avoid; }
figure.wide { grid-column: 1 / -1; }
figcaption p { color: var(--muted); font-size: 13px; margin: 2px 0 8px; }
figure svg { display: block; max-width: 100%; height: auto; margin: 0 auto; }
.warning { color: #9a6700; }
ul.skipped { padding-left: 20px; font-size: 13.5px; }
dl.settings { display: grid; grid-template-columns: repeat(auto-fill, minmax(320px, 1fr)); gap: 2px 24px; margin: 0; font-size: 13px; }
dl.settings div { display: flex; gap: 8px; padding: 3px 0; border-bottom: 1px dotted var(--rule); }
dl.settings dt { color: var(--muted); flex: 0 0 auto; }
dl.settings dd { margin: 0 0 0 auto; text-align: right; overflow-wrap: anywhere; }
footer { margin-top: 36px; color: var(--muted); font-size: 12px; }
@media print { main { padding: 0; } figure { border: none; } .table-wrap { border: none; } }
`;
