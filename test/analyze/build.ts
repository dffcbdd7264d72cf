/**
 * Runs the shape-inference pass on layers given directly, as the resolver would hand them over:
 * for rules no .cnn file can reach yet (the pieces of Chunk and Split, ops the resolver makes from
 * expressions) and for checking many shapes at once.
 */
import { bindArgs, type EvaluatedArg } from '../../compiler/2-analyze/bind-args.ts';
import { inferShapes } from '../../compiler/2-analyze/infer-shapes.ts';
import type { OpDef } from '../../compiler/2-analyze/ops/op-def.ts';
import { OPS } from '../../compiler/2-analyze/ops/registry.ts';
import type { PendingLayer } from '../../compiler/2-analyze/resolve.ts';
import type { Spanned, Value } from '../../compiler/2-analyze/value.ts';
import { type Diagnostic, DiagnosticSink } from '../../compiler/diagnostics/diagnostic.ts';
import type { Shape } from '../../compiler/ir/dim.ts';
import type { Graph, IRNode } from '../../compiler/ir/graph.ts';
import type { Span } from '../../compiler/source/span.ts';

const SPAN: Span = { file: 'direct.cnn', start: 0, end: 0 };

/** A float is written `{ float: 2 }` when its value is whole (2.0), so the binder sees a float literal. */
export type ArgValue = Value | { readonly float: number };

function spanned(v: ArgValue): Spanned {
  if (v !== null && typeof v === 'object' && 'float' in v) return { value: v.float, span: SPAN, isFloat: true };
  const items = Array.isArray(v) ? (v as ArgValue[]).map(spanned) : undefined;
  const value = items ? items.map((i) => i.value) : (v as Value);
  return { value, span: SPAN, isFloat: typeof v === 'number' && !Number.isInteger(v), items };
}

export interface LayerSpec {
  readonly id: string;
  /** a registered class name, or a def (the scalar ops are not registered) */
  readonly op: string | OpDef;
  readonly args?: readonly ArgValue[];
  readonly kwargs?: Readonly<Record<string, ArgValue>>;
  readonly inputs: readonly string[];
  readonly piece?: { readonly index: number; readonly count: number };
}

export interface Run {
  readonly graph: Graph;
  readonly diagnostics: readonly Diagnostic[];
  node(id: string): IRNode;
  codes(): string[];
}

export function run(inputs: Readonly<Record<string, Shape>>, specs: readonly LayerSpec[]): Run {
  const sink = new DiagnosticSink();
  const report = sink.report.bind(sink);
  const layers: PendingLayer[] = [];
  for (const s of specs) {
    const def = typeof s.op === 'string' ? OPS.get(s.op) : s.op;
    if (!def) throw new Error(`no op ${String(s.op)}`);
    const evaluated: EvaluatedArg[] = [
      ...(s.args ?? []).map((v) => ({ name: null, value: spanned(v), span: SPAN })),
      ...Object.entries(s.kwargs ?? {}).map(([name, v]) => ({
        name: { name, span: SPAN },
        value: spanned(v),
        span: SPAN,
      })),
    ];
    const args = bindArgs(def, s.id, evaluated, SPAN, report);
    if (!args) continue;
    layers.push({
      id: s.id,
      def,
      args,
      inputs: s.inputs,
      spans: { stmt: SPAN, name: SPAN, call: SPAN, args: {}, inputs: s.inputs.map(() => SPAN), callSite: null },
      paramInits: [],
      scope: new Map(),
      callSiteText: null,
      piece: s.piece ?? null,
    });
  }
  const graph = inferShapes(
    {
      name: 'M',
      span: SPAN,
      inputs: Object.entries(inputs).map(([name, shape]) => ({ name, shape, span: SPAN })),
      layers,
      outputs: [],
      weightsPath: null,
    },
    report,
    () => '',
  );
  return {
    graph,
    diagnostics: sink.items,
    node(id) {
      const n = graph.nodes.find((x) => x.id === id);
      if (!n) throw new Error(`no node ${id}`);
      return n;
    },
    codes: () => sink.items.map((d) => d.code),
  };
}

/** The pieces of a multi-output op as the resolver makes them: one node per name the program unpacks. */
export function pieces(
  ids: readonly string[],
  op: string,
  args: readonly ArgValue[],
  kwargs: Readonly<Record<string, ArgValue>>,
  input: string,
): LayerSpec[] {
  return ids.map((id, index) => ({ id, op, args, kwargs, inputs: [input], piece: { index, count: ids.length } }));
}

/** Every note of every diagnostic, for comparing with PyTorch's messages. */
export function notes(r: Run): string[] {
  return r.diagnostics.flatMap((d) => d.notes);
}
