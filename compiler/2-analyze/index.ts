import type { Program } from '../1-parse/ast.ts';
import type { DiagnosticBuilder, DiagnosticSink } from '../diagnostics/diagnostic.ts';
import type { Graph } from '../ir/graph.ts';
import type { Span } from '../source/span.ts';
import { checkLimits, type Limits } from './check-limits.ts';
import { checkUnused } from './check-unused.ts';
import { inferShapes } from './infer-shapes.ts';
import { Resolver } from './resolve.ts';

export { DEFAULT_LIMITS, type Limits } from './check-limits.ts';

/** A checking pass over a graph whose shapes are known: reports user errors, changes nothing. */
interface GraphCheck {
  readonly name: string;
  readonly why: string;
  run(graph: Graph, limits: Limits, report: (d: DiagnosticBuilder) => void): void;
}

/** Checks that need every shape, in order. */
export const GRAPH_CHECKS: readonly GraphCheck[] = [
  {
    name: 'check-limits',
    why: 'sizes that would exhaust memory or overflow indexing, before anything is allocated',
    run: checkLimits,
  },
  {
    name: 'check-unused',
    why: 'a layer computed for nothing is usually a missing `<-`',
    run: (g, _l, r) => checkUnused(g, r),
  },
];

/**
 * The checking passes, in order, each reporting user errors into the sink:
 * resolve (names, blocks, arguments: needs no shapes, so it sees everything first),
 * inferShapes (PyTorch's shape rules, node by node), then GRAPH_CHECKS.
 */
export function analyze(
  programs: readonly Program[],
  sink: DiagnosticSink,
  text: (s: Span) => string,
  limits: Limits,
  inputShapes: Readonly<Record<string, readonly number[]>> = {},
  inputShapesModel: string | null = null,
): Graph[] {
  const report = sink.report.bind(sink);
  const resolved = new Resolver(report, text, inputShapes, inputShapesModel).resolve(programs);
  const graphs = resolved.map((m) => inferShapes(m, report, text));
  // graph checks judge a model whose layers all checked; after an error they would mostly echo it
  if (sink.hasErrors) return graphs;
  for (const g of graphs) for (const check of GRAPH_CHECKS) check.run(g, limits, report);
  return graphs;
}
