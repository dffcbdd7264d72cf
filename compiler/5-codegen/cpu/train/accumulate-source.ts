/**
 * An accumulate step (train-plan.ts AccumulateStep) as JavaScript source: `function fnName(out, in0, in1, ...)`,
 * the elementwise sum of a value's gradient contributions, added left to right in float64 and rounded once.
 */
import type { AccumulateStep } from '../../../3-lower/train-plan.ts';
import { int, sizeOf } from '../emit.ts';

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

export function cpuAccumulateKernelSource(step: AccumulateStep, fnName: string): string {
  if (!IDENTIFIER.test(fnName))
    throw new Error(`cpu codegen: kernel name ${JSON.stringify(fnName)} is not a plain identifier`);
  if (step.inputs.length < 1) throw new Error(`cpu codegen: an accumulate step needs at least one input`);
  const inputs = step.inputs.map((_, i) => `in${i}`);
  return [
    `// accumulate ${int(inputs.length)} gradients of [${step.shape.map(int).join(', ')}]`,
    `function ${fnName}(out, ${inputs.join(', ')}) {`,
    `  for (let i = 0; i < ${int(sizeOf(step.shape))}; i++) out[i] = ${inputs.map((x) => `${x}[i]`).join(' + ')};`,
    `}`,
  ].join('\n');
}
