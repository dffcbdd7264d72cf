import { parse } from './1-parse/index.ts';
import { analyze, DEFAULT_LIMITS, type Limits } from './2-analyze/index.ts';
import { diag, type Diagnostic, DiagnosticSink } from './diagnostics/diagnostic.ts';
import type { Graph } from './ir/graph.ts';
import { SourceFile } from './source/source-file.ts';
import type { Span } from './source/span.ts';

export interface CheckOptions {
  /** the path shown in diagnostics */
  readonly file?: string;
  readonly limits?: Partial<Limits>;
  /** concrete input shapes: symbols are bound and every check runs again on real sizes */
  readonly inputShapes?: Readonly<Record<string, readonly number[]>>;
  /** the model `inputShapes` are for (default: every model) */
  readonly model?: string;
}

export interface CheckResult {
  readonly ok: boolean;
  readonly diagnostics: readonly Diagnostic[];
  /** one graph per model, shapes filled in (null where an error left a shape unknown) */
  readonly graphs: readonly Graph[];
  readonly files: ReadonlyMap<string, SourceFile>;
}

/** Parse and the checking passes: everything that can be known before any data runs. */
export function check(source: string, options: CheckOptions = {}): CheckResult {
  const file = options.file ?? 'model.cnn';
  const sourceFile = new SourceFile(file, source);
  const files = new Map([[file, sourceFile]]);
  const text = (s: Span) => (files.get(s.file)?.text ?? '').slice(s.start, s.end);
  const sink = new DiagnosticSink();
  const parsed = parse(file, source);
  parsed.diagnostics.forEach((d) => sink.report(d));
  // a file with syntax errors is still analysed, so one run shows independent mistakes too;
  // but a statement lost to a syntax error would make every later use of its name an error
  const analysis = new DiagnosticSink();
  const graphs = analyze(
    [parsed.program],
    analysis,
    text,
    { ...DEFAULT_LIMITS, ...options.limits },
    options.inputShapes,
    options.model ?? null,
  );
  const cascades = new Set(['UnknownName', 'UseBeforeDefinition', 'NoInput', 'NothingToCompile', 'UnusedLayer']);
  const syntaxSpans = parsed.diagnostics.map((d) => d.labels[0].span);
  // a statement recovery patched up (a malformed number read as 0, a list cut short) repeats the syntax error
  const atSyntaxError = (d: Diagnostic) =>
    d.labels.some((l) =>
      syntaxSpans.some(
        (s) =>
          s.file === l.span.file &&
          s.start < Math.max(l.span.end, l.span.start + 1) &&
          l.span.start < Math.max(s.end, s.start + 1),
      ),
    );
  for (const d of analysis.items) {
    if (parsed.diagnostics.length > 0 && (cascades.has(d.code) || atSyntaxError(d))) continue;
    // "checked at run time" means nothing for a model that does not compile
    if (d.code === 'SymbolicCheck' && analysis.hasErrors) continue;
    sink.report(d);
  }
  if (graphs.length === 0 && !sink.hasErrors) {
    sink.report(
      diag('NothingToCompile', `\`${file}\` declares no model`, { file, start: 0, end: 0 }, 'no model here').help(
        'add `model Name { input x: [N, 3, 32, 32] ... }`',
      ),
    );
  }
  return { ok: !sink.hasErrors, diagnostics: sink.items, graphs, files };
}
