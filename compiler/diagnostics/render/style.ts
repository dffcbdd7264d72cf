import type { Severity } from '../diagnostic.ts';

/** What a piece of rendered text is, so that colour can be applied (or not) in one place. */
export type Style = 'plain' | 'error' | 'warning' | 'gutter' | 'secondary' | 'bold' | 'errorBold' | 'warningBold';

const ANSI: Record<Style, string> = {
  plain: '',
  error: '\x1b[31m',
  warning: '\x1b[33m',
  gutter: '\x1b[34m',
  secondary: '\x1b[34m',
  bold: '\x1b[1m',
  errorBold: '\x1b[1;31m',
  warningBold: '\x1b[1;33m',
};
const RESET = '\x1b[0m';

export function paint(text: string, style: Style, color: boolean): string {
  if (!color || style === 'plain' || text === '') return text;
  return ANSI[style] + text + RESET;
}

export function severityStyle(severity: Severity, bold = false): Style {
  if (severity === 'warning') return bold ? 'warningBold' : 'warning';
  return bold ? 'errorBold' : 'error';
}
