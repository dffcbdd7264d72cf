import type { SourceFile } from '../../source/source-file.ts';
import type { Span } from '../../source/span.ts';
import type { Diagnostic, Label, Severity } from '../diagnostic.ts';
import { displayPath, locate, primaryLabel, printedCode } from './locate.ts';

/** 1-based positions; end* is the position of the exclusive end offset. null where the file is unknown. */
interface JsonRange {
  file: string | null;
  line: number | null;
  column: number | null;
  endLine: number | null;
  endColumn: number | null;
}

export interface JsonLabel extends JsonRange {
  file: string;
  message: string;
  primary: boolean;
}

export interface JsonDiagnostic extends JsonRange {
  /** The printed code, e.g. `E0301`. */
  code: string;
  severity: Severity;
  message: string;
  labels: JsonLabel[];
  notes: string[];
  help: string | null;
}

export function diagnosticToJson(d: Diagnostic, files: ReadonlyMap<string, SourceFile>): JsonDiagnostic {
  const primary = primaryLabel(d);
  const where = primary
    ? range(primary.span, files)
    : { file: null, line: null, column: null, endLine: null, endColumn: null };
  return {
    code: printedCode(d),
    severity: d.severity,
    message: d.message,
    ...where,
    labels: d.labels.map((l) => jsonLabel(l, files)),
    notes: [...d.notes],
    help: d.help,
  };
}

/** A JSON array of all diagnostics, pretty-printed, ending with a newline. */
export function renderJson(diags: readonly Diagnostic[], files: ReadonlyMap<string, SourceFile>): string {
  return `${JSON.stringify(
    diags.map((d) => diagnosticToJson(d, files)),
    null,
    2,
  )}\n`;
}

function jsonLabel(l: Label, files: ReadonlyMap<string, SourceFile>): JsonLabel {
  return { ...range(l.span, files), file: displayPath(files, l.span.file), message: l.message, primary: l.primary };
}

function range(s: Span, files: ReadonlyMap<string, SourceFile>): JsonRange & { file: string } {
  const file = files.get(s.file);
  if (!file) return { file: s.file, line: null, column: null, endLine: null, endColumn: null };
  const at = locate(file, s);
  return { file: file.path, line: at.line, column: at.column, endLine: at.endLine, endColumn: at.endColumn };
}
