import type { Compiled } from '../index.ts';
import type { Plan, PlanStep } from '../3-lower/plan.ts';

/** One line per step: the op, the nodes it computes, its epilogue, and shapes. */
export function planText(plan: Plan): string {
  return plan.steps
    .map((s, i) => {
      const ep = [
        s.epilogue.residual ? `+ ${s.epilogue.residual}` : '',
        s.epilogue.activation ? s.epilogue.activation.kind : '',
      ]
        .filter(Boolean)
        .join(', ');
      return `  ${String(i).padStart(3)}  ${s.op.padEnd(18)} ${s.nodes.join(' + ').padEnd(28)} ${ep ? `[${ep}] ` : ''}[${s.inputShapes.map((x) => x.join('x')).join(', ')}] -> [${s.outputShape.join('x')}]`;
    })
    .join('\n');
}

/**
 * How the CPU backend computes a step, where it picks among kernel forms. Mirrors the choice in
 * 5-codegen/cpu/ops/conv2d.ts (test/passes/explain.test.ts checks the two agree).
 */
export function cpuKernelForm(step: PlanStep): string | null {
  if (step.op !== 'conv2d') return null;
  const a = (step as PlanStep<'conv2d'>).attrs;
  const [kh, kw] = a.kernel_size;
  const unpadded = a.pads.every((p) => p === 0) || a.padding_mode !== 'zeros';
  if (kh === 1 && kw === 1 && a.stride[0] === 1 && a.stride[1] === 1 && unpadded) return '1x1 conv as a matrix product';
  if (a.groups === a.in_channels && a.groups > 1) return `depthwise ${kh}x${kw} conv`;
  return `direct ${kh}x${kw} conv`;
}

/** The kernels the final plan launches, one line each, with the CPU kernel form where there is a choice. */
export function kernelsText(plan: Plan): string {
  return plan.steps
    .map((s, i) => {
      const ep = [
        s.epilogue.residual ? `+ ${s.epilogue.residual}` : '',
        s.epilogue.activation ? s.epilogue.activation.kind : '',
      ].filter(Boolean);
      const form = cpuKernelForm(s);
      return `  ${String(i).padStart(3)}  ${s.op}${ep.length ? ` with epilogue ${ep.join(', then ')}` : ''}: ${s.nodes.join(' + ')}${form ? ` (cpu: ${form})` : ''}`;
    })
    .join('\n');
}

/** `cnnc build --explain`: the plan before and after each optimizing pass, then the kernels that result. */
export function explainPasses(compiled: Compiled): string {
  if (!compiled.plan) return '';
  const parts: string[] = [];
  if (compiled.passLog.length === 0) parts.push('no optimizing passes ran', planText(compiled.plan));
  else {
    parts.push(
      `plan before optimizing (${compiled.passLog[0].before.steps.length} kernels):`,
      planText(compiled.passLog[0].before),
    );
    for (const entry of compiled.passLog) {
      const changed = entry.before !== entry.after;
      parts.push(`after ${entry.pass}${changed ? ` (${entry.after.steps.length} kernels):` : ': no change'}`);
      if (changed) parts.push(planText(entry.after));
    }
  }
  parts.push(`kernels (${compiled.plan.steps.length}):`, kernelsText(compiled.plan));
  return parts.join('\n');
}
