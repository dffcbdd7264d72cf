/**
 * compile(): the pipeline, phase by phase.
 *   1-parse    text -> tokens -> CST -> AST (with spans), syntax errors recovered
 *   2-analyze  checking passes: names/blocks/arguments, then PyTorch's shape rules, then size limits
 *   bind       symbolic sizes bound to concrete ones (batch defaults to 1), every check re-run
 *   4-plan     lower the checked graph to a plan (buffers, steps, params)
 *   3-passes   optimizing passes rewrite the plan (fusion); they never report user errors
 * Codegen (5-codegen) reads only the plan; runtime/ loads weights and runs it.
 */
import { diag, type Diagnostic } from './diagnostics/diagnostic.ts';
import { didYouMean } from './diagnostics/suggest.ts';
import { check, type CheckOptions } from './front-end.ts';
import { checkBackendLimits } from './2-analyze/backend-limits.ts';
import { isKnown, symbolsOf } from './ir/dim.ts';
import type { Graph } from './ir/graph.ts';
import { lowerToPlan } from './4-plan/lower-to-plan.ts';
import type { Plan } from './4-plan/plan.ts';
import { optimize, type PassLogEntry, type PassSelection } from './3-passes/index.ts';
import type { SourceFile } from './source/source-file.ts';

export { check, type CheckOptions, type CheckResult } from './front-end.ts';
export type { Plan } from './4-plan/plan.ts';
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
  const { plan, log } = optimize(lowerToPlan(graph, { taps: options.taps }), options.passes);
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
