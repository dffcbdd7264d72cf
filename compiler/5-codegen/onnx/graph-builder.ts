/**
 * Collects an ONNX graph's nodes and initializers while the plan is lowered: fresh value names that
 * never collide with the plan's, shared constants, and the few ops whose spelling depends on the opset.
 */
import type { AttrValue, OnnxInitializer, OnnxNode } from './onnx-proto.ts';
import { SINCE } from './opsets.ts';

/** The plan uses something this exporter has no ONNX form for (the message says what). */
export class OnnxExportError extends Error {}

export class OnnxGraph {
  readonly nodes: OnnxNode[] = [];
  readonly initializers: OnnxInitializer[] = [];
  // a Set and a Map: names such as `__proto__` are plain keys here
  private readonly taken = new Set<string>();
  private readonly constants = new Map<string, string>();

  constructor(
    readonly opset: number,
    reserved: Iterable<string>,
  ) {
    for (const n of reserved) this.taken.add(n);
  }

  /** A fresh value name derived from `base`, unused by the plan and by earlier temporaries. */
  fresh(base: string): string {
    let name = base;
    for (let i = 1; this.taken.has(name); i++) name = `${base}_${i}`;
    this.taken.add(name);
    return name;
  }

  /** Appends a node writing `output` (a fresh name from `base` when output is not given). */
  node(opType: string, inputs: readonly string[], output: string, attrs?: Record<string, AttrValue>): string {
    this.nodes.push({ opType, inputs, outputs: [output], name: this.fresh(`${opType}:${output}`), attrs });
    return output;
  }

  /** A node whose output is a temporary named after `base`. */
  temp(opType: string, inputs: readonly string[], base: string, attrs?: Record<string, AttrValue>): string {
    return this.node(opType, inputs, this.fresh(base), attrs);
  }

  initializer(name: string, dims: readonly number[], data: Float32Array | BigInt64Array): void {
    this.initializers.push({ name, dims, data });
  }

  floats(base: string, dims: readonly number[], data: Float32Array): string {
    const name = this.fresh(base);
    this.initializer(name, dims, data);
    return name;
  }

  /** A float32 scalar (shape []), shared by every use of the same value. */
  scalar(value: number): string {
    return this.shared(`f:${Object.is(value, -0) ? '-0' : value}`, `const_${value}`, () => [
      [],
      Float32Array.of(value),
    ]);
  }

  /** A 1-D int64 tensor (shapes, axes, pads, slice bounds), shared by every use of the same values. */
  int64s(values: readonly number[]): string {
    return this.shared(`i:${values.join(',')}`, `ints_${values.join('_').replaceAll('-', 'm')}`, () => [
      [values.length],
      BigInt64Array.from(values.map(BigInt)),
    ]);
  }

  private shared(key: string, base: string, make: () => [number[], Float32Array | BigInt64Array]): string {
    let name = this.constants.get(key);
    if (name === undefined) {
      name = this.fresh(base);
      const [dims, data] = make();
      this.initializer(name, dims, data);
      this.constants.set(key, name);
    }
    return name;
  }

  /** ReduceMean/ReduceSum/ReduceMax over `axes`: axes an input or an attribute, as the opset wants. */
  reduce(op: 'ReduceMean' | 'ReduceSum' | 'ReduceMax', x: string, axes: readonly number[], keep: boolean, out: string) {
    const asInput = op === 'ReduceSum' || this.opset >= SINCE.reduceAxesInput;
    const keepdims = keep ? 1 : 0;
    return asInput
      ? this.node(op, [x, this.int64s(axes)], out, { keepdims })
      : this.node(op, [x], out, { axes: [...axes], keepdims });
  }

  /** x[..., start:end, ...] along `axis` (steps of 1). */
  slice(x: string, axis: number, start: number, end: number, base: string): string {
    return this.temp('Slice', [x, this.int64s([start]), this.int64s([end]), this.int64s([axis])], base);
  }

  /** A Reshape to a constant target (0 copies that input dim, -1 takes what is left). */
  reshape(x: string, target: readonly number[], out: string): string {
    return this.node('Reshape', [x, this.int64s(target)], out);
  }
}
