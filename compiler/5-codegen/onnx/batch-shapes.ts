/**
 * A symbolic batch stays dynamic in the exported graph. Plans have concrete shapes, so the exporter
 * is given the same plan compiled at a second batch size (the probe): every size that differs
 * between the two depends on the batch. Graph inputs and outputs name such a dimension after its
 * .cnn symbol (`dim_param` N); a Reshape writes it as -1; anything else that would bake a batch
 * size into the graph is refused.
 */
import type { Plan, PlanStep } from '../../3-lower/plan.ts';
import { OnnxExportError } from './graph-builder.ts';
import type { OnnxDim } from './onnx-proto.ts';

/** A batch symbol of the .cnn file (`N`) and the sizes it had in the plan and in the probe. */
export interface BatchSymbol {
  readonly name: string;
  readonly base: number;
  readonly probe: number;
}

export interface BatchProbe {
  /** the same model compiled with each batch symbol at its `probe` size */
  readonly plan: Plan;
  readonly symbols: readonly BatchSymbol[];
}

export class BatchShapes {
  private readonly probeBuffers: ReadonlyMap<string, readonly number[]>;

  constructor(
    private readonly plan: Plan,
    private readonly probe: BatchProbe | null,
  ) {
    this.probeBuffers = new Map((probe?.plan.buffers ?? []).map((b) => [b.id, b.shape]));
    if (probe) sameStructure(plan, probe.plan);
  }

  get dynamic(): boolean {
    return this.probe !== null;
  }

  /** The probe's version of step `index` (null without a probe). */
  probeStep(index: number): PlanStep | null {
    return this.probe?.plan.steps[index] ?? null;
  }

  /** The probe's shape of a buffer (undefined without a probe). */
  probeBuffer(id: string): readonly number[] | undefined {
    return this.probeBuffers.get(id);
  }

  probeOutput(index: number): readonly number[] | undefined {
    return this.probe?.plan.outputs[index]?.shape;
  }

  probeInput(index: number): readonly number[] | undefined {
    return this.probe?.plan.inputs[index]?.shape;
  }

  /** Value-info dims: the batch as its symbol, another size that varies with it as an unnamed dim. */
  valueDims(base: readonly number[], probe: readonly number[] | undefined): OnnxDim[] {
    return base.map((d, i) => {
      if (!probe || probe[i] === d) return d;
      const s = this.probe!.symbols.find((x) => x.base === d && x.probe === probe[i]);
      return s ? s.name : null;
    });
  }
}

/** Which dims of a shape vary with the batch. */
export function varying(base: readonly number[], probe: readonly number[] | undefined | null): boolean[] {
  return base.map((d, i) => !!probe && probe[i] !== d);
}

/** A Reshape target that holds for every batch: the one dim that varies with it as -1. */
export function reshapeTarget(
  what: string,
  base: readonly number[],
  probe: readonly number[] | undefined | null,
): number[] {
  const v = varying(base, probe);
  const n = v.filter(Boolean).length;
  if (n > 1)
    throw new OnnxExportError(
      `${what}: the shape [${base.join(', ')}] has ${n} sizes that depend on the batch; ONNX Reshape can leave only one open, so export it with a fixed batch`,
    );
  return base.map((d, i) => (v[i] ? -1 : d));
}

/** Refuses a step whose attributes (not just its shapes) change with the batch: the graph would bake one in. */
export function sameAttrs(step: PlanStep, probe: PlanStep | null, except: readonly string[] = []): void {
  if (!probe) return;
  const strip = (a: object) => JSON.stringify(Object.entries(a).filter(([k]) => !except.includes(k)));
  if (strip(step.attrs) !== strip(probe.attrs))
    throw new OnnxExportError(
      `\`${step.nodes[0]}\` (${step.op}): its attributes depend on the batch size, so the exported batch cannot stay dynamic`,
    );
}

function sameStructure(a: Plan, b: Plan): void {
  const sig = (p: Plan) =>
    JSON.stringify([
      p.inputs.map((i) => [i.name, i.buffer]),
      p.outputs.map((o) => [o.name, o.buffer]),
      p.buffers.map((x) => x.id),
      p.steps.map((s) => [s.op, s.output, s.inputs, s.epilogue.residual, s.params]),
    ]);
  if (sig(a) !== sig(b))
    throw new OnnxExportError(
      'the plan differs between two batch sizes (an optimizing pass chose differently); export with a fixed batch',
    );
}
