import type { SourceFile } from '../../source/source-file.ts';
import type { Diagnostic } from '../diagnostic.ts';
import { displayPath, locate, primaryLabel, printedCode } from './locate.ts';

/**
 * One line per diagnostic, for editors and grep: `lenet.cnn:7:17: error E0301: message`.
 * The position is the primary span's start; each line ends with a newline.
 */
export function renderShort(diags: readonly Diagnostic[], files: ReadonlyMap<string, SourceFile>): string {
  return diags.map((d) => `${shortLine(d, files)}\n`).join('');
}

function shortLine(d: Diagnostic, files: ReadonlyMap<string, SourceFile>): string {
  const message = d.message.replace(/\s*[\r\n]+\s*/g, ' ');
  const body = `${d.severity} ${printedCode(d)}: ${message}`;
  const label = primaryLabel(d);
  if (!label) return body;
  const file = files.get(label.span.file);
  if (!file) return `${displayPath(files, label.span.file)}: ${body}`;
  const at = locate(file, label.span);
  return `${file.path}:${at.line}:${at.column}: ${body}`;
}
