import { classNameOf } from '../2-analyze/ops/registry.ts';
import type { Diagnostic } from '../diagnostics/diagnostic.ts';
import { diagnosticToJson } from '../diagnostics/render/json.ts';
import { renderRich, renderSummary } from '../diagnostics/render/rich.ts';
import { renderShort } from '../diagnostics/render/short.ts';
import { check, type CheckResult } from '../front-end.ts';
import { shapeToJson } from '../ir/dim.ts';
import { readText } from './io.ts';
import { terminalSafe, terminalSafeDiagnostics } from './terminal-text.ts';

export type DiagnosticFormat = 'rich' | 'short' | 'json';

export interface Output {
  out(text: string): void;
  err(text: string): void;
  readonly color: boolean;
}

export function checkFile(
  path: string,
  limits?: { maxTensorBytes?: number },
  inputShapes?: Readonly<Record<string, readonly number[]>>,
  model?: string,
): CheckResult {
  return check(readText(path, 'model file'), { file: path, limits, inputShapes, model });
}

/** Prints diagnostics in the chosen format on stderr (rich, short) and the closing summary line. */
export function printDiagnostics(result: CheckResult, file: string, format: DiagnosticFormat, io: Output): void {
  if (result.diagnostics.length === 0) return;
  // messages quote strings and paths from files: shown escaped, they cannot act on the terminal
  const { diagnostics: diags, files } = terminalSafeDiagnostics(result.diagnostics, result.files);
  if (format === 'short') io.err(renderShort(diags, files));
  else
    io.err(
      `${renderRich(diags, files, { color: io.color })}\n${renderSummary(diags, terminalSafe(file), { color: io.color })}`,
    );
}

/** The JSON of `cnnc check --json`: every node of every model, and every diagnostic. */
export function checkJson(result: CheckResult) {
  return {
    ok: result.ok,
    models: result.graphs.map((g) => ({
      name: g.name,
      inputs: g.inputs.map((i) => ({ name: i.name, shape: shapeToJson(i.shape) })),
      outputs: g.outputNames,
      nodes: g.nodes.map((n) => ({
        name: n.id,
        op: classNameOf(n),
        shape: n.shape ? shapeToJson(n.shape) : null,
        params: n.params.map((p) => ({ key: p.key, shape: p.shape })),
      })),
    })),
    diagnostics: result.diagnostics.map((d: Diagnostic) => diagnosticToJson(d, result.files)),
  };
}
