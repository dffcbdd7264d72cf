import type { Diagnostic } from '../diagnostic.ts';
import { paint } from './style.ts';

/**
 * The closing line the CLI prints after the diagnostics, ending with a newline:
 * `error: could not compile `lenet.cnn` due to 2 errors; 1 warning emitted`,
 * `warning: `lenet.cnn` generated 1 warning`, or '' when there is nothing to report.
 */
export function renderSummary(diags: readonly Diagnostic[], fileLabel: string, opts: { color?: boolean } = {}): string {
  const color = opts.color ?? false;
  const errors = diags.filter((d) => d.severity === 'error').length;
  const warnings = diags.length - errors;
  if (errors > 0) {
    const tail = warnings > 0 ? `; ${count(warnings, 'warning')} emitted` : '';
    return `${paint('error', 'errorBold', color)}${paint(`: could not compile \`${fileLabel}\` due to ${count(errors, 'error')}${tail}`, 'bold', color)}\n`;
  }
  if (warnings > 0) {
    return `${paint('warning', 'warningBold', color)}${paint(`: \`${fileLabel}\` generated ${count(warnings, 'warning')}`, 'bold', color)}\n`;
  }
  return '';
}

function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}
