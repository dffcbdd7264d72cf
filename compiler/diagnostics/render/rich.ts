import type { SourceFile } from '../../source/source-file.ts';
import type { Diagnostic, Label } from '../diagnostic.ts';
import { toDisplayLine } from './display-line.ts';
import { labelRows, type LineLabel } from './label-rows.ts';
import { displayPath, locate, primaryLabel, printedCode, type SpanLocation } from './locate.ts';
import { paint, severityStyle } from './style.ts';

export { renderSummary } from './summary.ts';

export interface RichOptions {
  /** ANSI colours: red errors, yellow warnings, blue gutter, bold message. Off by default. */
  readonly color?: boolean;
}

/**
 * rustc/codespan-style rendering with source excerpts. Each diagnostic ends with a newline and
 * diagnostics are separated by a blank line; '' for no diagnostics. The summary line is not included
 * (see renderSummary).
 */
export function renderRich(
  diags: readonly Diagnostic[],
  files: ReadonlyMap<string, SourceFile>,
  opts: RichOptions = {},
): string {
  const color = opts.color ?? false;
  return diags.map((d) => `${renderOne(d, files, color).join('\n')}\n`).join('\n');
}

interface PlacedLabel {
  readonly label: Label;
  readonly at: SpanLocation;
}

/** The labels of one file; `file` is undefined when the source is not at hand. */
interface FileGroup {
  readonly key: string;
  readonly file: SourceFile | undefined;
  readonly labels: PlacedLabel[];
  readonly unplaced: Label[];
}

function renderOne(d: Diagnostic, files: ReadonlyMap<string, SourceFile>, color: boolean): string[] {
  const primary = primaryLabel(d);
  const groups = groupByFile(d, primary, files);
  const width = gutterWidth(groups);
  const pad = ' '.repeat(width);
  const gutter = (s: string) => paint(s, 'gutter', color);
  const out: string[] = [];

  out.push(
    paint(`${d.severity}[${printedCode(d)}]`, severityStyle(d.severity, true), color) +
      paint(`: ${d.message}`, 'bold', color),
  );

  for (const g of groups) {
    if (!g.file) {
      out.push(`${pad} ${gutter('┌─')} ${g.key}`);
      for (const l of g.unplaced) {
        const mark = paint(l.primary ? '^' : '-', l.primary ? severityStyle(d.severity) : 'secondary', color);
        const text = oneLine(l.message);
        out.push(`${pad} ${gutter('│')} ${mark} ${text}${text ? ' ' : ''}(source not available)`);
      }
      continue;
    }
    const anchor = g.labels.find((p) => p.label === primary) ?? g.labels[0];
    out.push(`${pad} ${gutter('┌─')} ${g.file.path}:${anchor.at.line}:${anchor.at.column}`);
    out.push(`${pad} ${gutter('│')}`);
    out.push(...renderExcerpt(g.file, g.labels, d, width, color));
  }

  const trailers = [
    ...d.notes.map((n) => ['note', n] as const),
    ...(d.help !== null ? [['help', d.help] as const] : []),
  ];
  if (trailers.length > 0 && groups.length > 0) out.push(`${pad} ${gutter('│')}`);
  for (const [kind, text] of trailers) {
    // Continuation lines of a multi-line note line up under its first character.
    const [first, ...rest] = text.split(/\r\n|\r|\n/);
    out.push(`${pad} ${gutter('=')} ${paint(`${kind}:`, 'bold', color)} ${first}`.trimEnd());
    for (const line of rest) out.push(`${pad}   ${' '.repeat(kind.length + 2)}${line}`.trimEnd());
  }
  return out;
}

/** The primary label's file first, then the others in the order their labels appear. */
function groupByFile(d: Diagnostic, primary: Label | undefined, files: ReadonlyMap<string, SourceFile>): FileGroup[] {
  const ordered = primary ? [primary, ...d.labels.filter((l) => l !== primary)] : [];
  const groups = new Map<string, FileGroup>();
  for (const label of ordered) {
    const key = label.span.file;
    let g = groups.get(key);
    if (!g) {
      g = { key: displayPath(files, key), file: files.get(key), labels: [], unplaced: [] };
      groups.set(key, g);
    }
    if (g.file) g.labels.push({ label, at: locate(g.file, label.span) });
    else g.unplaced.push(label);
  }
  return [...groups.values()];
}

function gutterWidth(groups: readonly FileGroup[]): number {
  let max = 1;
  for (const g of groups) for (const p of g.labels) max = Math.max(max, p.at.line);
  return String(max).length;
}

/** The labelled lines of one file, ascending, with `·` where lines are skipped. */
function renderExcerpt(
  file: SourceFile,
  placed: readonly PlacedLabel[],
  d: Diagnostic,
  width: number,
  color: boolean,
): string[] {
  const byLine = new Map<number, PlacedLabel[]>();
  for (const p of placed) {
    const list = byLine.get(p.at.line) ?? [];
    list.push(p);
    byLine.set(p.at.line, list);
  }
  const pad = ' '.repeat(width);
  const gutter = (s: string) => paint(s, 'gutter', color);
  const out: string[] = [];
  let previous: number | undefined;
  for (const line of [...byLine.keys()].sort((a, b) => a - b)) {
    if (previous !== undefined && line > previous + 1) out.push(`${pad} ${gutter('·')}`);
    previous = line;
    const raw = file.lineText(line);
    const shown = toDisplayLine(raw);
    out.push(`${gutter(`${String(line).padStart(width)} │`)} ${shown.text}`.trimEnd());
    const lineStart = byLine.get(line)![0].at.start - (byLine.get(line)![0].at.column - 1);
    const onLine = byLine.get(line)!.map((p) => lineLabel(p, lineStart, raw.length, shown));
    for (const row of labelRows(onLine, d.severity, color)) out.push(`${pad} ${gutter('│')} ${row}`.trimEnd());
  }
  return out;
}

/** Display columns of a label on its first line; a span over several lines runs to the line's end. */
function lineLabel(
  p: PlacedLabel,
  lineStart: number,
  lineLength: number,
  shown: ReturnType<typeof toDisplayLine>,
): LineLabel {
  const { at, label } = p;
  const startIndex = at.start - lineStart;
  const start = shown.columnAt(startIndex);
  const multiLine = at.lastLine > at.line;
  const endIndex = multiLine ? lineLength : Math.min(at.end - lineStart, lineLength);
  // A zero-width span, or one covering only the line break, still gets one mark.
  const end = Math.max(start + 1, shown.columnAt(endIndex));
  const more = multiLine ? `(continues to line ${at.lastLine})` : '';
  const message = [oneLine(label.message), more].filter((s) => s !== '').join(' ');
  return { start, end, message, primary: label.primary };
}

/** Label text goes on one row: line breaks become spaces, and blank text counts as none. */
function oneLine(text: string): string {
  return text.replace(/[\r\n\u2028\u2029]+/g, ' ').trim();
}
