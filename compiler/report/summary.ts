import { classNameOf, OPS_BY_IR } from '../2-analyze/ops/registry.ts';
import { type Dim, evaluate, shapeToJson, shapeToString, symbolsOf } from '../ir/dim.ts';
import type { Graph } from '../ir/graph.ts';

/** Receptive field of one value along H and W: how many input pixels one output pixel sees. */
export interface ReceptiveField {
  readonly size: readonly [number, number];
  /** distance in input pixels between neighbouring outputs (the product of strides) */
  readonly jump: readonly [number, number];
  /** true once a Linear or adaptive pool has mixed every position */
  readonly global: boolean;
}

export interface SummaryRow {
  readonly name: string;
  readonly op: string;
  readonly shape: (number | string)[] | null;
  readonly params: number;
  /** multiply-accumulates; per sample (N = 1) when the batch is symbolic; null if H/W are symbolic */
  readonly macs: number | null;
  readonly receptiveField: ReceptiveField | null;
}

export interface ModelSummary {
  readonly model: string;
  readonly inputs: { name: string; shape: (number | string)[] }[];
  readonly rows: SummaryRow[];
  readonly totalParams: number;
  readonly totalMacs: number | null;
  readonly perSample: boolean;
}

const ONE: ReceptiveField = { size: [1, 1], jump: [1, 1], global: false };

function combine(fields: readonly ReceptiveField[]): ReceptiveField {
  // a free parameter has no inputs: its value sees nothing of the input
  if (fields.length === 0) return ONE;
  return fields.reduce((a, b) => (b.global || b.size[0] * b.size[1] > a.size[0] * a.size[1] ? b : a));
}

/** Per layer: output shape, parameter count, MACs and receptive field, as torchinfo plus the RF. */
export function summarize(graph: Graph): ModelSummary {
  const symbols = new Set<string>();
  graph.inputs.forEach((i) => i.shape.forEach((d) => symbolsOf(d, symbols)));
  // the batch symbol counts as 1 so MACs are per sample; other symbols leave MACs unknown
  const batchSymbols = new Map<string, number>();
  for (const i of graph.inputs) {
    const d = i.shape[0];
    if (typeof d !== 'number' && d.kind === 'sym') batchSymbols.set(d.name, 1);
  }
  const concrete = (shape: readonly Dim[]) => {
    const s = shape.map((d) => evaluate(d, batchSymbols));
    return s.every((d) => typeof d === 'number') ? (s as number[]) : null;
  };
  const rf = new Map<string, ReceptiveField>(graph.inputs.map((i) => [i.name, ONE]));
  const shapes = new Map<string, readonly Dim[] | null>(graph.inputs.map((i) => [i.name, i.shape]));
  const rows: SummaryRow[] = [];
  let totalParams = 0;
  let totalMacs: number | null = 0;
  for (const node of graph.nodes) {
    const def = OPS_BY_IR.get(node.op);
    // like parameters() and torchinfo: not BatchNorm's running statistics (buffers)
    const params = node.params
      .filter((p) => p.name !== 'running_mean' && p.name !== 'running_var')
      .reduce((a, p) => a + p.shape.reduce((x, y) => x * y, 1), 0);
    totalParams += params;
    let macs: number | null = null;
    const inShapes = node.inputs.map((i) => shapes.get(i) ?? null);
    if (def && node.shape && inShapes.every((s) => s)) {
      const out = concrete(node.shape);
      const ins = inShapes.map((s) => concrete(s!));
      if (out && ins.every((s) => s)) macs = def.macs(node.attrs as never, ins as number[][], out);
    }
    totalMacs = totalMacs === null || macs === null ? null : totalMacs + macs;
    const inputsRf = node.inputs.map((i) => rf.get(i)).filter((x): x is ReceptiveField => !!x);
    let field: ReceptiveField | null = null;
    if (def && node.shape && inputsRf.length === node.inputs.length) {
      const base = combine(inputsRf);
      const r = def.receptive(node.attrs as never);
      if (base.global || r.kind === 'global') field = { size: base.size, jump: base.jump, global: true };
      else if (r.kind === 'same') field = base;
      else {
        field = {
          size: [base.size[0] + (r.kernel[0] - 1) * base.jump[0], base.size[1] + (r.kernel[1] - 1) * base.jump[1]],
          jump: [base.jump[0] * r.stride[0], base.jump[1] * r.stride[1]],
          global: false,
        };
      }
    }
    if (field) rf.set(node.id, field);
    shapes.set(node.id, node.shape);
    rows.push({
      name: node.id,
      op: def ? classNameOf(node) : node.op,
      shape: node.shape ? shapeToJson(node.shape) : null,
      params,
      macs,
      receptiveField: field,
    });
  }
  return {
    model: graph.name,
    inputs: graph.inputs.map((i) => ({ name: i.name, shape: shapeToJson(i.shape) })),
    rows,
    totalParams,
    totalMacs,
    perSample: batchSymbols.size > 0,
  };
}

function thousands(n: number): string {
  return n.toLocaleString('en-US');
}

function compact(n: number): string {
  if (n >= 1e9) return `${(n / 1e9).toFixed(2)} G`;
  if (n >= 1e6) return `${(n / 1e6).toFixed(2)} M`;
  if (n >= 1e3) return `${(n / 1e3).toFixed(2)} K`;
  return String(n);
}

/** The summary as a fixed-width table. */
export function renderSummaryTable(s: ModelSummary): string {
  const header = ['Layer', 'Op', 'Output shape', 'Params', 'MACs', 'Receptive field', 'Jump'];
  const body = s.rows.map((r) => [
    r.name,
    r.op,
    r.shape ? shapeToString(r.shape.map((d) => (typeof d === 'number' ? d : { kind: 'sym', name: d }))) : '?',
    r.params ? thousands(r.params) : '-',
    r.macs === null ? '?' : r.macs ? compact(r.macs) : '-',
    r.receptiveField
      ? r.receptiveField.global
        ? 'global'
        : `${r.receptiveField.size[0]}x${r.receptiveField.size[1]}`
      : '?',
    r.receptiveField && !r.receptiveField.global ? `${r.receptiveField.jump[0]}x${r.receptiveField.jump[1]}` : '-',
  ]);
  const inputRows = s.inputs.map((i) => [i.name, 'input', `[${i.shape.join(', ')}]`, '-', '-', '1x1', '1x1']);
  const all = [header, ...inputRows, ...body];
  const widths = header.map((_, c) => Math.max(...all.map((r) => r[c].length)));
  const right = new Set([3, 4]);
  const line = (r: string[]) =>
    r
      .map((cell, c) => (right.has(c) ? cell.padStart(widths[c]) : cell.padEnd(widths[c])))
      .join('  ')
      .trimEnd();
  const rule = '─'.repeat(widths.reduce((a, b) => a + b + 2, -2));
  const out = [`Model ${s.model}`, rule, line(header), rule, ...inputRows.map(line), ...body.map(line), rule];
  out.push(`Total params: ${thousands(s.totalParams)} (${compact(s.totalParams * 4)}B as float32)`);
  out.push(
    `Total MACs: ${s.totalMacs === null ? 'unknown (symbolic height or width)' : `${thousands(s.totalMacs)} (${compact(s.totalMacs)})${s.perSample ? ' per sample' : ''}`}`,
  );
  out.push(
    'Receptive field: input pixels one output pixel sees (height x width); jump: input pixels between neighbouring outputs.',
  );
  return out.join('\n');
}
