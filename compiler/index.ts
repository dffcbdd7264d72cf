/**
 * The compiler, in the order compile() runs it (the numbered folders are these phases):
 *   1-parse     text -> tokens -> CST -> AST; every node carries its span; syntax errors are recovered
 *               so one run reports several
 *   2-analyze   checking passes (front-end.ts: check()): names, blocks and arguments, PyTorch's shape
 *               rules node by node (one file per op under 2-analyze/ops/), then graph-wide checks
 *               (size limits, unused layers); the result is an IR graph (ir/) with symbolic sizes
 *   (bind)      symbolic sizes bound to concrete ones (batch defaults to 1) and every check run again
 *   3-lower     the checked graph becomes a plan: plain data, one buffer per value, one step per node,
 *               parameters by state_dict key (3-lower/plan.ts is the contract with every backend)
 *   4-optimize  optimizing passes rewrite the plan (fusion, folding) as a named list; they never
 *               report user errors: a broken invariant there is a compiler bug
 *   5-codegen   the plan as JavaScript (cpu), WebAssembly (wasm), gpu.js kernels or ONNX, and as
 *               ES modules; codegen reads only the plan
 * Around them: source/ (files and spans), diagnostics/ (one catalogue of codes; only the renderers
 * know lines and columns), report/ (summary, --explain), cli/ (the command line, the top layer).
 * Dependencies point one way: the compiler never imports runtime/, which loads weights and runs
 * plans; the CLI sits on top of both.
 */
import { diag, type Diagnostic } from './diagnostics/diagnostic.ts';
import { didYouMean } from './diagnostics/suggest.ts';
import { check, type CheckOptions } from './front-end.ts';
import { checkBackendLimits } from './5-codegen/backend-limits.ts';
import { isKnown, symbolsOf } from './ir/dim.ts';
import type { Graph } from './ir/graph.ts';
import { lowerToPlan } from './3-lower/lower-to-plan.ts';
import type { Plan } from './3-lower/plan.ts';
import { optimize, type PassLogEntry, type PassSelection } from './4-optimize/index.ts';
import type { SourceFile } from './source/source-file.ts';

export { check, type CheckOptions, type CheckResult } from './front-end.ts';
export type { Plan } from './3-lower/plan.ts';
export type { Graph } from './ir/graph.ts';
export type { Diagnostic } from './diagnostics/diagnostic.ts';

export interface CompileOptions extends CheckOptions {
  /** which model of the file (default: the only one) */
  readonly model?: string;
  /** optimizing passes to run (default: all) */
  readonly passes?: PassSelection;
  /**
   * layers (node ids, e.g. `conv1` or `layer1.conv1`) whose values are returned as extra outputs,
   * keyed by id, so `cnnc run --tap` can show them; passes keep outputs, so no tap is fused away
   */
  readonly taps?: readonly string[];
  /** the backend the plan is for (`cpu`, `gpujs:headlessgl`, ...): its limits are checked (E0321) */
  readonly backend?: string;
}

export interface Compiled {
  readonly ok: boolean;
  readonly diagnostics: readonly Diagnostic[];
  readonly files: ReadonlyMap<string, SourceFile>;
  /** the checked graph of the chosen model, concrete shapes */
  readonly graph: Graph | null;
  readonly plan: Plan | null;
  /** the plan before and after each optimizing pass, for `--explain` */
  readonly passLog: readonly PassLogEntry[];
}

export function compile(source: string, options: CompileOptions = {}): Compiled {
  const first = check(source, options);
  const fail = (extra: Diagnostic[] = [], result = first): Compiled => ({
    ok: false,
    diagnostics: [...result.diagnostics, ...extra],
    files: result.files,
    graph: null,
    plan: null,
    passLog: [],
  });
  if (!first.ok) return fail();
  const chosen = chooseModel(first.graphs, options.model);
  if ('error' in chosen) return fail([chosen.error]);
  const bound = bindSizes(source, options, chosen.graph);
  if (bound.error) return fail([bound.error]);
  const result = bound.result!;
  const graph = result.graphs.find((g) => g.name === chosen.graph.name)!;
  if (!result.ok) return fail([], result);
  const unknownTap = (options.taps ?? []).find((t) => !graph.nodes.some((n) => n.id === t));
  if (unknownTap !== undefined) return fail([unknownTapError(unknownTap, graph)], result);
  const lowered = lowerToPlan(graph, { taps: options.taps });
  const { plan, log } = optimize(lowered, options.passes);
  // what the chosen backend cannot index or compile is refused now, before any data runs
  const beyond = options.backend ? checkBackendLimits(plan, graph, options.backend) : [];
  if (beyond.length) return fail(beyond, result);
  return { ok: true, diagnostics: result.diagnostics, files: result.files, graph, plan, passLog: log };
}

function unknownTapError(tap: string, graph: Graph): Diagnostic {
  const guess = didYouMean(
    tap,
    graph.nodes.map((n) => n.id),
  );
  const d = diag(
    'UnknownName',
    `cannot tap \`${tap}\`: \`${graph.name}\` has no layer of that name`,
    graph.span,
    'this model',
  );
  return (
    guess ? d.help(`did you mean \`${guess}\`?`) : d.help(`its layers: ${graph.nodes.map((n) => n.id).join(', ')}`)
  ).build();
}

function chooseModel(graphs: readonly Graph[], name: string | undefined): { graph: Graph } | { error: Diagnostic } {
  const at = graphs[0]?.span ?? { file: 'model.cnn', start: 0, end: 0 };
  if (name !== undefined) {
    const g = graphs.find((x) => x.name === name);
    return g
      ? { graph: g }
      : {
          error: diag(
            'AmbiguousModel',
            `no model named \`${name}\` (models: ${graphs.map((x) => x.name).join(', ')})`,
            at,
            'models here',
          ).build(),
        };
  }
  if (graphs.length !== 1) {
    return {
      error: diag(
        'AmbiguousModel',
        `the file declares ${graphs.length} models (${graphs.map((x) => x.name).join(', ')}); choose one`,
        graphs[1]?.span ?? at,
        'another model',
      )
        .help('pass --model NAME (or options.model)')
        .build(),
    };
  }
  return { graph: graphs[0] };
}

/**
 * Concrete sizes for every input: given ones, else the declared ones with a symbolic batch
 * (the first dimension) set to 1. Re-checks the model on them.
 */
function bindSizes(
  source: string,
  options: CompileOptions,
  graph: Graph,
): { error?: Diagnostic; result?: ReturnType<typeof check> } {
  const shapes: Record<string, readonly number[]> = { ...options.inputShapes };
  for (const input of graph.inputs) {
    if (shapes[input.name]) continue;
    const s = input.shape.map((d, i) => (isKnown(d) ? d : i === 0 && d.kind === 'sym' ? 1 : d));
    const unbound = s.filter((d) => !isKnown(d));
    if (unbound.length) {
      const names = [...new Set(unbound.flatMap((d) => [...symbolsOf(d)]))].join(', ');
      return {
        error: diag(
          'UnboundSize',
          `input \`${input.name}\` has symbolic size ${names}; code is generated for concrete sizes`,
          input.span,
          'symbolic',
        )
          .help(
            `give the sizes, e.g. --shape ${input.name}=${input.shape.map((d, i) => (isKnown(d) ? d : i === 0 ? 1 : 224)).join(',')}`,
          )
          .build(),
      };
    }
    shapes[input.name] = s as number[];
  }
  return { result: check(source, { ...options, inputShapes: shapes }) };
}
