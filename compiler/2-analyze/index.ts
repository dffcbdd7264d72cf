import type { Program } from '../1-parse/ast.ts';
import type { DiagnosticSink } from '../diagnostics/diagnostic.ts';
import type { Graph } from '../ir/graph.ts';
import type { Span } from '../source/span.ts';
import { checkLimits, type Limits } from './check-limits.ts';
import { checkUnused } from './check-unused.ts';
import { inferShapes } from './infer-shapes.ts';
import { Resolver } from './resolve.ts';

export { DEFAULT_LIMITS, type Limits } from './check-limits.ts';

/**
 * The checking passes, in order: each reports user errors into the sink.
 * resolve: names, blocks and arguments (needs no shapes, so it runs first and sees everything);
 * inferShapes: PyTorch's shape rules, node by node;
 * checkLimits: sizes, once every shape is known;
 * checkUnused: layers computed for nothing (a warning).
 */
export function analyze(
  programs: readonly Program[],
  sink: DiagnosticSink,
  text: (s: Span) => string,
  limits: Limits,
  inputShapes: Readonly<Record<string, readonly number[]>> = {},
): Graph[] {
  const report = sink.report.bind(sink);
  const resolved = new Resolver(report, text, inputShapes).resolve(programs);
  const graphs = resolved.map((m) => inferShapes(m, report, text));
  for (const g of graphs) {
    checkLimits(g, limits, report);
    checkUnused(g, report);
  }
  return graphs;
}
