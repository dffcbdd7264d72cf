import type { PlanStep } from '../../../3-lower/plan.ts';
import { emitDecode, num, type KernelWriter } from '../kernel-writer.ts';

/**
 * BatchNorm2d in eval mode: (x - mean) / sqrt(var + eps) * weight + bias with the running statistics.
 * Without running statistics (track_running_stats=False) PyTorch normalises with the batch's own mean
 * and biased variance even in eval mode, so the kernel computes them per channel.
 */
export function emitBatchNorm2d(w: KernelWriter, step: PlanStep<'batchnorm2d'>): void {
  const a = step.attrs;
  const [N, C, H, W] = step.outputShape;
  const running = a.track_running_stats && step.params.running_mean !== undefined;
  w.comment(`eps ${a.eps}, affine ${a.affine}, ${running ? 'running statistics' : 'batch statistics'}`);
  const x = w.arg('x', 'buffer', step.inputs[0]);
  const weight = a.affine ? w.param('weight') : null;
  const bias = a.affine ? w.param('bias') : null;
  const mean = running ? w.param('running_mean') : null;
  const variance = running ? w.param('running_var') : null;
  w.line('const i = this.thread.x;');
  emitDecode(w, 'i', [
    ['n', N],
    ['c', C],
    ['s', H * W],
  ]);
  if (running) {
    w.line(`const mean = ${mean}[c];`);
    w.line(`const variance = ${variance}[c];`);
  } else {
    const count = N * H * W;
    w.line('let total = 0;');
    w.line(`for (let b = 0; b < ${N}; b++) {`);
    w.line(`for (let t = 0; t < ${H * W}; t++) { total += ${x}[(b * ${C} + c) * ${H * W} + t]; }`, 2);
    w.line('}');
    w.line(`const mean = total / ${count};`);
    w.line('let sq = 0;');
    w.line(`for (let b = 0; b < ${N}; b++) {`);
    w.line(`for (let t = 0; t < ${H * W}; t++) {`, 2);
    w.line(`const d = ${x}[(b * ${C} + c) * ${H * W} + t] - mean;`, 3);
    w.line('sq += d * d;', 3);
    w.line('}', 2);
    w.line('}');
    w.line(`const variance = sq / ${count};`);
  }
  w.line(`let v = (${x}[i] - mean) / Math.sqrt(variance + ${num(a.eps)});`);
  if (weight && bias) w.line(`v = v * ${weight}[c] + ${bias}[c];`);
}
