/**
 * Text from files (a .cnn string, a file name, a weights key) reaches stderr inside messages. Raw
 * control characters there would be terminal commands (colours, cursor moves, window titles) and
 * line breaks would split a one-line message, so the CLI shows them escaped, as `\u001b`.
 */
import type { Diagnostic } from '../diagnostics/diagnostic.ts';
import { SourceFile } from '../source/source-file.ts';

// C0/C1 controls, format characters (bidi overrides, zero-width), line/paragraph separators, lone surrogates
const UNSAFE = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/gu;

/** `text` with every character a terminal would act on (or break a line at) written as `\uXXXX`. */
export function terminalSafe(text: string): string {
  return text.replace(UNSAFE, (ch) => {
    const cp = ch.codePointAt(0)!;
    return cp > 0xffff ? `\\u{${cp.toString(16)}}` : `\\u${cp.toString(16).padStart(4, '0')}`;
  });
}

/** Diagnostics and their files with every message and path terminal-safe (source lines are already safe in the renderer). */
export function terminalSafeDiagnostics(
  diagnostics: readonly Diagnostic[],
  files: ReadonlyMap<string, SourceFile>,
): { diagnostics: Diagnostic[]; files: Map<string, SourceFile> } {
  const safeFiles = new Map<string, SourceFile>();
  for (const [path, f] of files)
    safeFiles.set(terminalSafe(path), terminalSafe(path) === path ? f : new SourceFile(terminalSafe(path), f.text));
  return {
    diagnostics: diagnostics.map((d) => ({
      ...d,
      message: terminalSafe(d.message),
      labels: d.labels.map((l) => ({
        ...l,
        message: terminalSafe(l.message),
        span: { ...l.span, file: terminalSafe(l.span.file) },
      })),
      notes: d.notes.map(terminalSafe),
      help: d.help === null ? null : terminalSafe(d.help),
    })),
    files: safeFiles,
  };
}
