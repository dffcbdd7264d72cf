/**
 * A minimal ONNX reader for tests: decodes the protobuf wire format (independently of the writer)
 * into the nodes, initializers and graph inputs/outputs, so a test can say what the graph holds.
 */

interface Field {
  readonly no: number;
  readonly wire: number;
  /** varints as bigint; fixed32 as its 4 bytes; length-delimited as bytes */
  readonly value: bigint | Uint8Array;
}

function fields(buf: Uint8Array): Field[] {
  const out: Field[] = [];
  let at = 0;
  const varint = (): bigint => {
    let v = 0n;
    let shift = 0n;
    for (;;) {
      const b = buf[at++];
      if (b === undefined) throw new Error('protobuf: truncated varint');
      v |= BigInt(b & 0x7f) << shift;
      if (!(b & 0x80)) return v;
      shift += 7n;
    }
  };
  while (at < buf.length) {
    const tag = Number(varint());
    const no = tag >> 3;
    const wire = tag & 7;
    if (wire === 0) out.push({ no, wire, value: varint() });
    else if (wire === 2) {
      const n = Number(varint());
      out.push({ no, wire, value: buf.subarray(at, at + n) });
      at += n;
    } else if (wire === 5) {
      out.push({ no, wire, value: buf.subarray(at, at + 4) });
      at += 4;
    } else throw new Error(`protobuf: wire type ${wire} is not one ONNX models use here`);
  }
  return out;
}

const text = (v: bigint | Uint8Array) => new TextDecoder().decode(v as Uint8Array);
const all = (fs: Field[], no: number) => fs.filter((f) => f.no === no);
const one = (fs: Field[], no: number) => fs.find((f) => f.no === no);

export interface ReadAttr {
  readonly name: string;
  readonly value: number | string | number[];
}

export interface ReadNode {
  readonly opType: string;
  readonly inputs: string[];
  readonly outputs: string[];
  readonly attrs: Map<string, number | string | number[]>;
}

export interface ReadTensor {
  readonly name: string;
  readonly dims: number[];
  readonly external: Map<string, string> | null;
  /** raw_data (empty when the bytes are external) */
  readonly raw: Uint8Array;
}

export interface ReadModel {
  readonly irVersion: number;
  readonly opset: number;
  readonly nodes: ReadNode[];
  readonly initializers: ReadTensor[];
  readonly inputs: { name: string; dims: (number | string | null)[] }[];
  readonly outputs: { name: string; dims: (number | string | null)[] }[];
}

function attr(fs: Field[]): [string, number | string | number[]] {
  const name = text(one(fs, 1)!.value);
  const type = Number(one(fs, 20)!.value);
  if (type === 1)
    return [name, new DataView(Uint8Array.from(one(fs, 2)!.value as Uint8Array).buffer).getFloat32(0, true)];
  if (type === 2) return [name, Number(BigInt.asIntN(64, one(fs, 3)!.value as bigint))];
  if (type === 3) return [name, text(one(fs, 4)!.value)];
  if (type === 7) return [name, all(fs, 8).map((f) => Number(BigInt.asIntN(64, f.value as bigint)))];
  throw new Error(`attribute ${name}: type ${type} not read here`);
}

function valueInfo(fs: Field[]): { name: string; dims: (number | string | null)[] } {
  const type = fields(one(fs, 2)!.value as Uint8Array);
  const tensor = fields(one(type, 1)!.value as Uint8Array);
  const shape = fields(one(tensor, 2)!.value as Uint8Array);
  const dims = all(shape, 1).map((d) => {
    const f = fields(d.value as Uint8Array);
    const v = one(f, 1);
    const p = one(f, 2);
    return v ? Number(v.value) : p ? text(p.value) : null;
  });
  return { name: text(one(fs, 1)!.value), dims };
}

export function readOnnx(bytes: Uint8Array): ReadModel {
  const model = fields(bytes);
  const graph = fields(one(model, 7)!.value as Uint8Array);
  const opset = fields(one(model, 8)!.value as Uint8Array);
  const nodes = all(graph, 1).map((n) => {
    const f = fields(n.value as Uint8Array);
    return {
      opType: text(one(f, 4)!.value),
      inputs: all(f, 1).map((x) => text(x.value)),
      outputs: all(f, 2).map((x) => text(x.value)),
      attrs: new Map(all(f, 5).map((a) => attr(fields(a.value as Uint8Array)))),
    };
  });
  const initializers = all(graph, 5).map((t) => {
    const f = fields(t.value as Uint8Array);
    const packed = one(f, 1);
    const dims: number[] = [];
    if (packed) {
      const inner = packed.value as Uint8Array;
      let v = 0;
      let shift = 0;
      for (const b of inner) {
        v += (b & 0x7f) * 2 ** shift;
        shift += 7;
        if (!(b & 0x80)) {
          dims.push(v);
          v = 0;
          shift = 0;
        }
      }
    }
    const entries = all(f, 13).map((e) => {
      const kv = fields(e.value as Uint8Array);
      return [text(one(kv, 1)!.value), text(one(kv, 2)!.value)] as [string, string];
    });
    const raw = one(f, 9);
    return {
      name: text(one(f, 8)!.value),
      dims,
      external: Number(one(f, 14)?.value ?? 0n) === 1 ? new Map(entries) : null,
      raw: raw ? (raw.value as Uint8Array) : new Uint8Array(0),
    };
  });
  return {
    irVersion: Number(one(model, 1)!.value),
    opset: Number(one(opset, 2)!.value),
    nodes,
    initializers,
    inputs: all(graph, 11).map((v) => valueInfo(fields(v.value as Uint8Array))),
    outputs: all(graph, 12).map((v) => valueInfo(fields(v.value as Uint8Array))),
  };
}
