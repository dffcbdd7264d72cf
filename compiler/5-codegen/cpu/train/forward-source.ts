/**
 * One training-mode forward kernel as JavaScript source, in the argument order of
 * `trainForwardKernelArgs(step)` (args.ts). batchnorm2d (batch statistics, running statistics updated in
 * place) and an identity holding a dropout or stochastic depth (a seeded mask) have their own kernels;
 * every other op's training forward is its inference kernel (kernel-source.ts), whose arguments
 * (out, inputs, params) are the same list when nothing is saved.
 */
import type { TrainForwardStep } from '../../../3-lower/train-plan.ts';
import { indent, int } from '../emit.ts';
import { safeComment, safeIdentifier } from '../escape.ts';
import { cpuKernelSource } from '../kernel-source.ts';
import { takesSeed, takesState, trainForwardKernelArgs } from './args.ts';
import { dropoutForwardLines } from './masks.ts';
import { batchnormTrainLines } from './norm-grad.ts';

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

export function cpuTrainForwardKernelSource(step: TrainForwardStep, fnName: string): string {
  if (!IDENTIFIER.test(fnName))
    throw new Error(`cpu codegen: kernel name ${JSON.stringify(fnName)} is not a plain identifier`);
  // the gradient step does not see an epilogue, so a training plan has none
  if (step.epilogue.residual !== null || step.epilogue.activation !== null)
    throw new Error(`cpu codegen: training step ${JSON.stringify(step.nodes.join(', '))} has an epilogue`);
  const special = step.op === 'batchnorm2d' || takesSeed(step);
  if (!special) {
    if (Object.keys(step.saved).length > 0)
      throw new Error(`cpu codegen: a ${step.op} step saves nothing in training mode`);
    return cpuKernelSource(step, fnName);
  }
  const used = new Set<string>(['out']);
  const names = trainForwardKernelArgs(step).map((a) => {
    switch (a.kind) {
      case 'out':
        return 'out';
      case 'saved':
        return safeIdentifier(`s_${a.name}`, used);
      case 'input':
        return safeIdentifier(`in${a.index}`, used);
      case 'param':
        return safeIdentifier(`p_${a.name}`, used);
      case 'seed':
        return safeIdentifier('seed', used);
      case 'state':
        return safeIdentifier('state', used);
    }
  });
  const args = trainForwardKernelArgs(step);
  const named = (kind: string, name?: string): string | null => {
    const i = args.findIndex((a) => a.kind === kind && (name === undefined || ('name' in a && a.name === name)));
    return i < 0 ? null : names[i];
  };
  const need = (kind: string, name?: string): string => {
    const id = named(kind, name);
    if (id === null) throw new Error(`cpu codegen: ${step.op} training step has no ${name ?? kind}`);
    return id;
  };
  let body: string[];
  if (step.op === 'batchnorm2d') {
    const s = step as TrainForwardStep<'batchnorm2d'>;
    body = batchnormTrainLines(s, {
      out: 'out',
      input: need('input'),
      mean: need('saved', 'mean'),
      invstd: need('saved', 'invstd'),
      weight: s.attrs.affine ? need('param', 'weight') : null,
      bias: s.attrs.affine ? need('param', 'bias') : null,
      runningMean: s.attrs.track_running_stats ? need('param', 'running_mean') : null,
      runningVar: s.attrs.track_running_stats ? need('param', 'running_var') : null,
      state: takesState(step) ? need('state') : null,
    });
  } else {
    body = dropoutForwardLines(step as TrainForwardStep<'identity'>, {
      out: 'out',
      input: need('input'),
      mask: need('saved', 'mask'),
      seed: need('seed'),
    });
  }
  const shapes = step.inputShapes.map((s) => `[${s.map(int).join(', ')}]`).join(', ');
  return [
    `// ${safeComment(step.op)} in training mode: ${safeComment(step.nodes.join(', '))}`,
    `// ${shapes} -> [${step.outputShape.map(int).join(', ')}]`,
    `function ${fnName}(${names.join(', ')}) {`,
    ...indent(body),
    `}`,
  ].join('\n');
}
