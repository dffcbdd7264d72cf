/**
 * The ONNX value name of every plan buffer and parameter. Graph inputs and outputs keep the model's
 * names (they are its interface), initializers their state_dict keys, buffers their ids; where two of
 * those coincide (a `parameter` node's buffer is its own key, an output may be named like another
 * layer) the inner one takes a fresh name. Every name is only ever a string field of the protobuf.
 */
import type { Plan, PlanParam } from '../../3-lower/plan.ts';
import { OnnxExportError, type OnnxGraph } from './graph-builder.ts';

export interface ValueNames {
  param(key: string): string;
  buffer(id: string): string;
}

/** Names ONNX cannot carry: empty is "no value"; runtimes written in C++ cut a name at a NUL. */
export function checkNames(plan: Plan): void {
  const all = [
    ...plan.inputs.map((v) => v.name),
    ...plan.outputs.map((v) => v.name),
    ...plan.buffers.map((b) => b.id),
    ...plan.params.map((p) => p.key),
  ];
  if (all.some((n) => n === ''))
    throw new OnnxExportError('a value of the plan has an empty name, which ONNX reads as no value at all');
  const nul = all.find((n) => n.includes('\0'));
  if (nul !== undefined)
    throw new OnnxExportError(`the name ${JSON.stringify(nul)} holds a NUL character, where ONNX runtimes cut names`);
  for (const i of plan.inputs) {
    if (i.name !== i.buffer)
      throw new OnnxExportError(
        `input \`${i.name}\` lives in buffer \`${i.buffer}\`; the exporter expects them to match`,
      );
    if (plan.outputs.some((o) => o.name === i.name))
      throw new OnnxExportError(`output \`${i.name}\` has the name of an input; an ONNX graph cannot define it twice`);
  }
}

export function nameValues(plan: Plan, params: readonly PlanParam[], g: OnnxGraph): ValueNames {
  const inputs = new Set(plan.inputs.map((i) => i.name));
  const outputs = new Set(plan.outputs.map((o) => o.name));
  const paramName = new Map<string, string>();
  for (const p of params)
    paramName.set(p.key, inputs.has(p.key) || outputs.has(p.key) ? g.fresh(`${p.key}:param`) : p.key);
  const initializers = new Set(paramName.values());
  const bufferName = new Map<string, string>();
  for (const b of plan.buffers) {
    const ownOutput = plan.outputs.some((o) => o.name === b.id && o.buffer === b.id);
    const clash = !inputs.has(b.id) && (initializers.has(b.id) || (outputs.has(b.id) && !ownOutput));
    bufferName.set(b.id, clash ? g.fresh(`${b.id}:value`) : b.id);
  }
  return {
    param(key) {
      const n = paramName.get(key);
      if (n === undefined) throw new OnnxExportError(`parameter \`${key}\` is read but not declared in the plan`);
      return n;
    },
    buffer(id) {
      const n = bufferName.get(id);
      if (n === undefined) throw new OnnxExportError(`buffer \`${id}\` is read but not declared in the plan`);
      return n;
    },
  };
}
