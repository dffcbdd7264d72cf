import type { Severity } from '../diagnostic.ts';
import { Canvas } from './canvas.ts';
import { severityStyle, type Style } from './style.ts';

/** A label placed on one source line, in display columns (0-based, end exclusive, end > start). */
export interface LineLabel {
  readonly start: number;
  readonly end: number;
  readonly message: string;
  readonly primary: boolean;
}

/**
 * The rows drawn under one source line. All underlines go on the first row; the rightmost label's
 * message follows it there when nothing else reaches further right; every other message gets its own
 * row below, rightmost first, hanging from a `│` at its label's start column:
 *
 *     ^^^ -  - third
 *     │   │
 *     │   second
 *     first
 */
export function labelRows(labels: readonly LineLabel[], severity: Severity, color: boolean): string[] {
  const sorted = [...labels].sort(
    (a, b) => a.start - b.start || a.end - b.end || Number(b.primary) - Number(a.primary),
  );
  const styleOf = (l: LineLabel): Style => (l.primary ? severityStyle(severity) : 'secondary');
  const canvas = new Canvas();

  // Wider marks first, so a label nested in another stays visible; on equal width the primary wins.
  const drawOrder = [...sorted].sort(
    (a, b) => b.end - b.start - (a.end - a.start) || Number(a.primary) - Number(b.primary),
  );
  for (const l of drawOrder) {
    canvas.put(0, l.start, (l.primary ? '^' : '-').repeat(l.end - l.start), styleOf(l));
  }

  const last = sorted[sorted.length - 1];
  const maxEnd = Math.max(...sorted.map((l) => l.end));
  const inline = last && last.message !== '' && last.end >= maxEnd ? last : undefined;
  if (inline) canvas.putMessage(0, maxEnd + 1, inline.message, styleOf(inline));

  const hanging = sorted.filter((l) => l.message !== '' && l !== inline);
  if (hanging.length > 0) {
    for (const l of hanging) canvas.put(1, l.start, '│', styleOf(l));
    let row = 2;
    for (let i = hanging.length - 1; i >= 0; i--, row++) {
      const here = hanging[i];
      for (let j = 0; j < i; j++) {
        if (hanging[j].start < here.start) canvas.put(row, hanging[j].start, '│', styleOf(hanging[j]));
      }
      canvas.putMessage(row, here.start, here.message, styleOf(here));
    }
  }
  return canvas.render(color);
}
