/**
 * In-process CPU runner: generate the plan's JavaScript, instantiate it once, bind the parameters and
 * run it on feeds.
 *
 * Why `new Function` is safe here: the generated text contains only our own fixed code, numbers
 * (emitted through `int`/`num`, which throw on anything but a number) and user-written names, which
 * enter only as JSON-escaped string literals (`jsString`), in comments with line terminators and `*\/`
 * removed (`safeComment`), or as identifiers reduced to [A-Za-z0-9_] (`safeIdentifier`). So no name
 * a user writes can close a string, comment or template and become code. The function runs with no
 * access to this module's scope (new Function closes over the global scope only).
 */
import type { Plan } from '../../compiler/3-lower/plan.ts';
import { cpuProgramSource } from '../../compiler/5-codegen/cpu/program-source.ts';
import { bindParams, formatShape, sameShape } from '../plan-params.ts';
import { type Tensor, sizeOf, tensor } from '../../compiler/ir/tensor.ts';

export interface CpuExecutor {
  readonly backend: 'cpu';
  run(feeds: Record<string, Tensor>): Record<string, Tensor>;
  readonly source: string;
}

type RunPlan = (
  buffers: Record<string, Float32Array>,
  params: Record<string, Float32Array>,
) => Record<string, Float32Array>;

export function createCpuExecutor(plan: Plan, weights: Map<string, Tensor>): CpuExecutor {
  const source = cpuProgramSource(plan);
  const runPlan = new Function(`"use strict";\n${source}\nreturn runPlan;`)() as RunPlan;
  const params = bindParams(plan, weights);
  return {
    backend: 'cpu',
    source,
    run(feeds: Record<string, Tensor>): Record<string, Tensor> {
      const buffers: Record<string, Float32Array> = Object.create(null);
      for (const v of plan.inputs) {
        if (!Object.hasOwn(feeds, v.name))
          throw new Error(`missing input "${v.name}" (expected shape ${formatShape(v.shape)})`);
        const t = feeds[v.name];
        if (!sameShape(t.shape, v.shape)) {
          throw new Error(`input "${v.name}": expected shape ${formatShape(v.shape)}, got ${formatShape(t.shape)}`);
        }
        if (!(t.data instanceof Float32Array) || t.data.length !== sizeOf(v.shape)) {
          throw new Error(`input "${v.name}": data must be a Float32Array of ${sizeOf(v.shape)} elements`);
        }
        buffers[v.buffer] = t.data;
      }
      const known = new Set(plan.inputs.map((v) => v.name));
      for (const name of Object.keys(feeds)) {
        if (!known.has(name))
          throw new Error(
            `unknown input "${name}" (the model's inputs: ${[...known].map((n) => `"${n}"`).join(', ')})`,
          );
      }
      const out = runPlan(buffers, params);
      // fromEntries defines own properties, so even an output named __proto__ is an ordinary key
      return Object.fromEntries(plan.outputs.map((v) => [v.name, tensor(v.shape, out[v.buffer])]));
    },
  };
}
