import type { SourceFile } from '../../source/source-file.ts';
import type { Span } from '../../source/span.ts';
import type { Diagnostic, Label } from '../diagnostic.ts';
import { CATALOGUE } from '../catalogue.ts';

/** 1-based start and end positions of a span; end is the position of the (exclusive) end offset. */
export interface SpanLocation {
  readonly line: number;
  readonly column: number;
  readonly endLine: number;
  readonly endColumn: number;
  /** The span clamped into the file and with start <= end. */
  readonly start: number;
  readonly end: number;
  /** The line of the last character the span covers (the start line for an empty span). */
  readonly lastLine: number;
}

/** Spans from a stale or foreign source may point past the end or be reversed: clamp, never throw. */
export function locate(file: SourceFile, s: Span): SpanLocation {
  const len = file.text.length;
  const a = clamp(Math.min(s.start, s.end), len);
  const b = clamp(Math.max(s.start, s.end), len);
  const from = file.position(a);
  const to = file.position(b);
  const last = b > a ? file.position(b - 1) : from;
  return {
    line: from.line,
    column: from.column,
    endLine: to.line,
    endColumn: to.column,
    start: a,
    end: b,
    lastLine: last.line,
  };
}

function clamp(offset: number, len: number): number {
  if (!Number.isFinite(offset)) return offset > 0 ? len : 0;
  return Math.max(0, Math.min(Math.trunc(offset), len));
}

/** The primary label: the one marked primary, else labels[0]. */
export function primaryLabel(d: Diagnostic): Label | undefined {
  return d.labels.find((l) => l.primary) ?? d.labels[0];
}

/** The printed code (`E0301`) of a diagnostic whose `code` field holds a catalogue key. */
export function printedCode(d: Diagnostic): string {
  return (CATALOGUE as Record<string, { code: string } | undefined>)[d.code]?.code ?? String(d.code);
}

/** The path to show for a span: the SourceFile's own path when it is known. */
export function displayPath(files: ReadonlyMap<string, SourceFile>, file: string): string {
  return files.get(file)?.path ?? file;
}
