/**
 * The ONNX messages the exporter writes, with their field numbers from onnx/onnx.proto
 * (ModelProto, GraphProto, NodeProto, AttributeProto, TensorProto, ValueInfoProto, TypeProto,
 * TensorShapeProto, OperatorSetIdProto, StringStringEntryProto). Every name is written as a string
 * field, whatever it holds.
 */
import { ProtoWriter } from './proto-writer.ts';

/** TensorProto.DataType */
export const DataType = { FLOAT: 1, INT64: 7 } as const;

/** AttributeProto.AttributeType */
const AttrType = { FLOAT: 1, INT: 2, STRING: 3, FLOATS: 6, INTS: 7 } as const;

/** TensorProto.DataLocation */
const EXTERNAL = 1;

export type AttrValue = number | string | readonly number[] | { readonly float: number };

export interface OnnxNode {
  readonly opType: string;
  readonly inputs: readonly string[];
  readonly outputs: readonly string[];
  readonly name?: string;
  /** integers (or integer lists) become INT/INTS; `{ float }` a FLOAT; strings STRING */
  readonly attrs?: Readonly<Record<string, AttrValue>>;
}

export interface OnnxInitializer {
  readonly name: string;
  readonly dims: readonly number[];
  readonly data: Float32Array | BigInt64Array;
  /** set: the bytes live in the external data file at this offset (and data is not written inline) */
  readonly external?: { readonly location: string; readonly offset: number };
}

/** A dimension: a size, a symbol (`dim_param`, e.g. the batch `N`), or null for an unnamed dynamic one. */
export type OnnxDim = number | string | null;

export interface OnnxValueInfo {
  readonly name: string;
  readonly dims: readonly OnnxDim[];
}

export interface OnnxModel {
  readonly irVersion: number;
  readonly opset: number;
  readonly producerName: string;
  readonly producerVersion: string;
  readonly graphName: string;
  readonly docString?: string;
  readonly nodes: readonly OnnxNode[];
  readonly initializers: readonly OnnxInitializer[];
  readonly inputs: readonly OnnxValueInfo[];
  readonly outputs: readonly OnnxValueInfo[];
}

function attribute(name: string, value: AttrValue): ProtoWriter {
  const a = new ProtoWriter().string(1, name);
  if (typeof value === 'string') return a.int(20, AttrType.STRING).string(4, value);
  if (typeof value === 'number') {
    if (!Number.isInteger(value))
      throw new Error(`onnx: attribute ${name} = ${value}: write non-integers as { float }`);
    return a.int(20, AttrType.INT).int(3, value);
  }
  if ('float' in value) {
    return a.int(20, AttrType.FLOAT).float(2, value.float);
  }
  return a.int(20, AttrType.INTS).repeatedInts(8, value);
}

function node(n: OnnxNode): ProtoWriter {
  const w = new ProtoWriter();
  for (const i of n.inputs) w.string(1, i);
  for (const o of n.outputs) w.string(2, o);
  if (n.name) w.string(3, n.name);
  w.string(4, n.opType);
  for (const [k, v] of Object.entries(n.attrs ?? {})) w.message(5, attribute(k, v));
  return w;
}

/** The tensor's bytes as raw_data holds them: little-endian, fixed width, only its own bytes. */
export function rawBytes(data: Float32Array | BigInt64Array): Uint8Array {
  if (!littleEndian()) throw new Error('onnx: raw_data is written only on little-endian hosts');
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}

function entry(key: string, value: string): ProtoWriter {
  return new ProtoWriter().string(1, key).string(2, value);
}

function tensor(t: OnnxInitializer): ProtoWriter {
  const w = new ProtoWriter().packedInts(1, t.dims);
  w.int(2, t.data instanceof Float32Array ? DataType.FLOAT : DataType.INT64);
  w.string(8, t.name);
  if (t.external) {
    w.message(13, entry('location', t.external.location));
    w.message(13, entry('offset', String(t.external.offset)));
    w.message(13, entry('length', String(t.data.byteLength)));
    w.int(14, EXTERNAL);
  } else {
    // a view of the tensor's own bytes: finish() copies just those
    w.bytes(9, rawBytes(t.data));
  }
  return w;
}

function valueInfo(v: OnnxValueInfo): ProtoWriter {
  const shape = new ProtoWriter();
  for (const d of v.dims) {
    const dim = new ProtoWriter();
    if (typeof d === 'number') dim.int(1, d);
    else if (typeof d === 'string') dim.string(2, d);
    shape.message(1, dim);
  }
  const tensorType = new ProtoWriter().int(1, DataType.FLOAT).message(2, shape);
  const type = new ProtoWriter().message(1, tensorType);
  return new ProtoWriter().string(1, v.name).message(2, type);
}

export function encodeModel(m: OnnxModel): Uint8Array {
  const graph = new ProtoWriter();
  for (const n of m.nodes) graph.message(1, node(n));
  graph.string(2, m.graphName);
  for (const t of m.initializers) graph.message(5, tensor(t));
  if (m.docString) graph.string(10, m.docString);
  for (const i of m.inputs) graph.message(11, valueInfo(i));
  for (const o of m.outputs) graph.message(12, valueInfo(o));
  const model = new ProtoWriter().int(1, m.irVersion).string(2, m.producerName).string(3, m.producerVersion);
  model.message(7, graph);
  model.message(8, new ProtoWriter().string(1, '').int(2, m.opset));
  return model.finish();
}

function littleEndian(): boolean {
  return new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
}
