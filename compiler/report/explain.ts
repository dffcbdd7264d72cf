import type { Compiled } from '../index.ts';
import type { Plan } from '../4-plan/plan.ts';

/** One line per step: the op, the nodes it computes, its epilogue, and shapes. */
export function planText(plan: Plan): string {
  return plan.steps
    .map((s, i) => {
      const ep = [s.epilogue.residual ? `+ ${s.epilogue.residual}` : '', s.epilogue.activation ? s.epilogue.activation.kind : ''].filter(Boolean).join(', ');
      return `  ${String(i).padStart(3)}  ${s.op.padEnd(18)} ${s.nodes.join(' + ').padEnd(28)} ${ep ? `[${ep}] ` : ''}[${s.inputShapes.map((x) => x.join('x')).join(', ')}] -> [${s.outputShape.join('x')}]`;
    })
    .join('\n');
}

/** `cnnc build --explain`: the plan before and after each optimizing pass. */
export function explainPasses(compiled: Compiled): string {
  if (!compiled.plan) return '';
  const parts: string[] = [];
  if (compiled.passLog.length === 0) parts.push('no optimizing passes ran', planText(compiled.plan));
  else {
    parts.push(`plan before optimizing (${compiled.passLog[0].before.steps.length} kernels):`, planText(compiled.passLog[0].before));
    for (const entry of compiled.passLog) {
      const changed = entry.before !== entry.after;
      parts.push(`after ${entry.pass}${changed ? ` (${entry.after.steps.length} kernels):` : ': no change'}`);
      if (changed) parts.push(planText(entry.after));
    }
  }
  return parts.join('\n');
}
