/**
 * The benchmark's results: one row per figure (anchor, pocketbook's figure, their ratio, the
 * target), printed as a table and written into docs/PERFORMANCE.md between markers.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';

export interface Row {
  /** P1..P5. */
  readonly figure: string;
  /** What pocketbook's number measures, with its unit. */
  readonly what: string;
  /** What the anchor measures, with its unit; '' when the figure has none. */
  readonly anchorWhat: string;
  readonly anchor: number | null;
  readonly value: number | null;
  /** value ÷ anchor, or for a row without an anchor null. */
  readonly ratio: number | null;
  /** The target in words, e.g. ">= 0.25x" or "<= 2000 ms". */
  readonly target: string;
  /** True when met, false when missed, null when the row has no target. */
  readonly met: boolean | null;
  readonly note?: string;
}

/** value ÷ anchor, or null when either is missing or the anchor is zero. */
export function ratioOf(value: number | null, anchor: number | null): number | null {
  if (value === null || anchor === null || anchor === 0) return null;
  return value / anchor;
}

/** A number with about three significant digits (no exponent), or "-". */
export function fmt(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '-';
  const magnitude = Math.abs(value);
  if (magnitude >= 100) return Math.round(value).toLocaleString('en-US');
  if (magnitude >= 10) return value.toFixed(1);
  if (magnitude >= 1) return value.toFixed(2);
  if (magnitude >= 0.01) return value.toFixed(3);
  if (magnitude === 0) return '0';
  return value.toPrecision(2);
}

function verdict(met: boolean | null): string {
  return met === null ? '' : met ? 'met' : 'MISSED';
}

/** The rows as a fixed-width text table for the console. */
export function textTable(rows: readonly Row[]): string {
  const header = ['fig', 'pocketbook', 'value', 'anchor', 'anchor value', 'ratio', 'target', ''];
  const lines = rows.map((row) => [
    row.figure,
    row.what,
    fmt(row.value),
    row.anchorWhat || '-',
    fmt(row.anchor),
    row.ratio === null ? '-' : `${fmt(row.ratio)}x`,
    row.target || '-',
    verdict(row.met),
  ]);
  const widths = header.map((title, i) => Math.max(title.length, ...lines.map((line) => (line[i] ?? '').length)));
  const render = (cells: readonly string[]) => cells.map((cell, i) => (i === 2 || i === 4 || i === 5 ? cell.padStart(widths[i] ?? 0) : cell.padEnd(widths[i] ?? 0))).join('  ').trimEnd();
  const notes = rows.filter((row) => row.note).map((row) => `  ${row.figure} ${row.what}: ${row.note}`);
  return [render(header), render(widths.map((w) => '-'.repeat(w))), ...lines.map(render), ...(notes.length > 0 ? ['', 'notes:', ...notes] : [])].join('\n');
}

function cell(text: string): string {
  return text.replaceAll('|', '\\|');
}

/** The rows as a Markdown table. */
export function markdownTable(rows: readonly Row[]): string {
  const lines = [
    '| Figure | pocketbook | Value | Anchor | Anchor value | Ratio | Target | |',
    '| --- | --- | ---: | --- | ---: | ---: | --- | --- |',
    ...rows.map(
      (row) =>
        `| ${row.figure} | ${cell(row.what)} | ${fmt(row.value)} | ${cell(row.anchorWhat || '-')} | ${fmt(row.anchor)} | ${row.ratio === null ? '-' : `${fmt(row.ratio)}x`} | ${cell(row.target || '-')} | ${verdict(row.met)} |`,
    ),
  ];
  const notes = rows.filter((row) => row.note).map((row) => `- ${row.figure}, ${cell(row.what)}: ${cell(row.note ?? '')}`);
  return [...lines, ...(notes.length > 0 ? ['', ...notes] : [])].join('\n');
}

/** One line on the machine the run used: CPU model and count, memory, Node.js and PostgreSQL. */
export function machineLine(postgresVersion: string | null): string {
  const list = cpus();
  const model = (list[0]?.model ?? 'unknown CPU').replace(/\s+/g, ' ').trim();
  const memoryGiB = Math.round(totalmem() / 2 ** 30);
  return `${list.length} x ${model}, ${memoryGiB} GiB RAM, Node.js ${process.version}${postgresVersion ? `, PostgreSQL ${postgresVersion}` : ''}`;
}

const DOC_TITLE = '# Performance';

/**
 * Writes `body` into docs/PERFORMANCE.md of `projectDir` between the markers of `section`
 * (`<!-- bench:<section>:start -->` ... `end -->`), replacing what was there; a section that is not
 * in the file yet is appended at its end. Text outside the markers is kept as it is.
 */
export function writeSection(projectDir: string, section: string, heading: string, body: string): string {
  const path = join(projectDir, 'docs', 'PERFORMANCE.md');
  const start = `<!-- bench:${section}:start -->`;
  const end = `<!-- bench:${section}:end -->`;
  const block = `${start}\n${heading}\n\n${body}\n${end}`;
  const current = existsSync(path) ? readFileSync(path, 'utf8') : `${DOC_TITLE}\n`;
  const from = current.indexOf(start);
  const to = current.indexOf(end);
  const next =
    from >= 0 && to > from ? `${current.slice(0, from)}${block}${current.slice(to + end.length)}` : `${current.trimEnd()}\n\n${block}\n`;
  writeFileSync(path, next);
  return path;
}
