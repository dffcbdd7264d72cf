/**
 * A whole plan as JavaScript: every kernel function, then `function runPlan(buffers, params)` which
 * calls the kernels in order and returns the output buffers. `buffers` holds the graph input buffers
 * and `params` the parameter arrays, both keyed by the plan's own ids (buffer id, param key) and read
 * with JSON-escaped string keys; the result is a null-prototype object keyed by output buffer id.
 * Outputs are fresh arrays on every run; intermediate buffers are views into a few storage slots
 * shared by buffers with disjoint lifetimes, allocated on the first run and kept for later runs.
 * The text is an ES module fragment: it declares names and exports nothing (the caller decides how
 * to expose `runPlan`).
 */
import type { Plan } from '../../3-lower/plan.ts';
import { assignSlots, readsOf } from './buffer-slots.ts';
import { int, kernelArgs, sizeOf } from './emit.ts';
import { jsString, safeComment, safeIdentifier } from './escape.ts';
import { cpuKernelSource } from './kernel-source.ts';

/** Longest part of a node id kept in a kernel function name (the name is only for stack traces). */
const MAX_NAME_PART = 40;

export function cpuProgramSource(plan: Plan): string {
  const bufVar = new Map(plan.buffers.map((b, i) => [b.id, `b${i}`]));
  const bufSize = new Map(plan.buffers.map((b) => [b.id, sizeOf(b.shape)]));
  const paramVar = new Map(plan.params.map((p, i) => [p.key, `p${i}`]));
  const bufferVar = (id: string): string => {
    const v = bufVar.get(id);
    if (v === undefined) throw new Error(`cpu codegen: buffer ${JSON.stringify(id)} is not declared in the plan`);
    return v;
  };
  checkDataflow(plan, bufSize);

  const used = new Set<string>(['runPlan', 'buffers', 'params', 'result', 'storage']);
  const kernels: string[] = [];
  const calls: string[] = [];
  plan.steps.forEach((step, i) => {
    const fn = safeIdentifier(`k${i}_${step.nodes.join('_').slice(0, MAX_NAME_PART)}`, used);
    kernels.push(cpuKernelSource(step, fn));
    const args = kernelArgs(step).map((a) => {
      if (a.kind !== 'param') return bufferVar(a.buffer);
      const v = paramVar.get(a.key);
      if (v === undefined) throw new Error(`cpu codegen: param ${JSON.stringify(a.key)} is not declared in the plan`);
      return v;
    });
    calls.push(`  ${fn}(${args.join(', ')}); // ${safeComment(step.nodes.join(', '))}`);
  });

  const { slotSizes, slotOf } = assignSlots(plan);
  const inputIds = new Set(plan.inputs.map((v) => v.buffer));
  const body: string[] = ['  // graph inputs'];
  for (const v of plan.inputs)
    body.push(`  const ${bufferVar(v.buffer)} = buffers[${jsString(v.buffer)}]; // ${safeComment(v.name)}`);
  body.push('  // parameters');
  for (const p of plan.params) body.push(`  const ${paramVar.get(p.key)} = params[${jsString(p.key)}];`);
  body.push(
    `  // ${int(slotSizes.length)} storage slot(s) shared by intermediate buffers with disjoint lifetimes,`,
    '  // allocated on the first run and reused by later ones (every kernel overwrites its whole output)',
    `  if (storage === null) storage = [${slotSizes.map((n) => `new Float32Array(${int(n)})`).join(', ')}];`,
  );
  slotSizes.forEach((_, s) => body.push(`  const s${s} = storage[${s}];`));
  for (const b of plan.buffers) {
    if (inputIds.has(b.id)) continue;
    const slot = slotOf.get(b.id);
    const n = int(sizeOf(b.shape));
    const init = slot === undefined ? `new Float32Array(${n})` : `s${slot}.subarray(0, ${n})`;
    body.push(`  const ${bufferVar(b.id)} = ${init}; // ${safeComment(b.id)}`);
  }
  body.push('  // steps', ...calls, '  const result = Object.create(null);');
  for (const v of plan.outputs) {
    // an output that is a graph input is copied so the caller never gets its own feed back
    const src = inputIds.has(v.buffer) ? `${bufferVar(v.buffer)}.slice()` : bufferVar(v.buffer);
    body.push(`  result[${jsString(v.buffer)}] = ${src};`);
  }
  body.push('  return result;');
  return [
    `// cnnc CPU program for model ${safeComment(plan.model)}`,
    '',
    ...kernels.flatMap((k) => [k, '']),
    'let storage = null;',
    'function runPlan(buffers, params) {',
    ...body,
    '}',
    '',
  ].join('\n');
}

/** Every buffer is written once, before it is read, with the size the steps expect. */
function checkDataflow(plan: Plan, bufSize: Map<string, number>): void {
  const defined = new Set(plan.inputs.map((v) => v.buffer));
  const sizeMismatch = (id: string, shape: readonly number[]) => {
    const n = bufSize.get(id);
    if (n !== undefined && n !== sizeOf(shape)) {
      throw new Error(
        `cpu codegen: buffer ${JSON.stringify(id)} has ${n} elements, a step expects [${shape.join(', ')}]`,
      );
    }
  };
  for (const step of plan.steps) {
    for (const b of readsOf(step)) {
      if (!defined.has(b)) throw new Error(`cpu codegen: buffer ${JSON.stringify(b)} is read before it is written`);
    }
    step.inputs.forEach((b, j) => sizeMismatch(b, step.inputShapes[j]));
    if (step.epilogue.residual !== null) sizeMismatch(step.epilogue.residual, step.outputShape);
    sizeMismatch(step.output, step.outputShape);
    if (defined.has(step.output))
      throw new Error(`cpu codegen: buffer ${JSON.stringify(step.output)} is written twice`);
    defined.add(step.output);
  }
  for (const v of plan.outputs) {
    if (!defined.has(v.buffer)) throw new Error(`cpu codegen: output ${JSON.stringify(v.name)} is never computed`);
  }
}
