import { diag } from '../../diagnostics/diagnostic.ts';
import type { BinaryOp, ScalarAttrs } from '../../ir/attrs.ts';
import { dimToString, shapeToString } from '../../ir/dim.ts';
import { type BroadcastDim, broadcastShapes } from './broadcast.ts';
import { type InferCtx, type OpDef, REQUIRED, SAME_RF } from './op-def.ts';

const CLASS_OF: Record<BinaryOp, string> = { add: 'Add', sub: 'Sub', mul: 'Mul', div: 'Div' };

function inputSpan(ctx: InferCtx, i: number) {
  return ctx.spans.inputs[i] ?? ctx.spans.call;
}

/** PyTorch's message for shapes that do not broadcast (the rightmost such dimension, in output coordinates). */
export function broadcastMessage(m: BroadcastDim): string {
  return `The size of tensor a (${dimToString(m.a)}) must match the size of tensor b (${dimToString(m.b)}) at non-singleton dimension ${m.dim}`;
}

/** W0319 for each pair of sizes that broadcast only if the symbols allow it. */
export function warnUndecidedBroadcast(ctx: InferCtx, undecided: readonly BroadcastDim[]): void {
  const [a, b] = ctx.inputs;
  // one warning per layer: the sizes are all checked again once bound
  const u = undecided[0];
  if (!u) return;
  ctx.report(
    diag(
      'SymbolicCheck',
      `${ctx.className} \`${ctx.id}\`: whether ${dimToString(u.a)} and ${dimToString(u.b)} (dimension ${u.dim} of the result) broadcast depends on the input size; it is checked when the sizes are known`,
      inputSpan(ctx, 1),
      'checked at run time',
    )
      .label(a.span, `\`${a.id}\` produces ${shapeToString(a.shape)}`)
      .label(b.span, `\`${b.id}\` produces ${shapeToString(b.shape)}`)
      .note('two sizes broadcast when they are equal or one of them is 1'),
  );
}

/** Sub, Mul, Div of two tensors, broadcast as PyTorch's `a - b`, `a * b`, `a / b`. */
function binaryDef(op: Exclude<BinaryOp, 'add'>): OpDef<'binary'> {
  const className = CLASS_OF[op];
  return {
    className,
    op: 'binary',
    args: [],
    arity: { min: 2, max: 2 },
    infer(ctx) {
      const [a, b] = ctx.inputs;
      const r = broadcastShapes(a.shape, b.shape);
      if (!r.shape) {
        const m = r.mismatch!;
        ctx.report(
          diag(
            'BroadcastMismatch',
            `${className} \`${ctx.id}\`: the shapes of \`${a.id}\` ${shapeToString(a.shape)} and \`${b.id}\` ${shapeToString(b.shape)} do not broadcast`,
            inputSpan(ctx, 1),
            shapeToString(b.shape),
          )
            .label(a.span, `\`${a.id}\` produces ${shapeToString(a.shape)}`)
            .label(b.span, `\`${b.id}\` produces ${shapeToString(b.shape)}`)
            .note(
              `aligned from the right, dimension ${m.dim} of the result has sizes ${dimToString(m.a)} and ${dimToString(m.b)}: they must be equal, or one of them 1`,
            )
            .note(`PyTorch would fail at run time: ${broadcastMessage(m)}`)
            .help(
              m.dim >= 2 && r.undecided.length === 0 && Math.max(a.shape.length, b.shape.length) === 4
                ? 'make the sizes in that dimension equal, or make one of them 1 (an AdaptiveAvgPool2d(1) gives a per-channel value)'
                : 'make the sizes in that dimension equal, or make one of them 1',
            ),
        );
        return null;
      }
      warnUndecidedBroadcast(ctx, r.undecided);
      return { shape: r.shape, attrs: { op } };
    },
    params: () => [],
    macs: () => 0,
    receptive: () => SAME_RF,
  };
}

export const sub = binaryDef('sub');
export const mul = binaryDef('mul');
export const div = binaryDef('div');

/**
 * A tensor and a constant (`x * 0.5`, `1 - x`): not user classes, but what the resolver makes of
 * arithmetic operators in expressions; className is the operator's class, for messages.
 */
function scalarDef(op: BinaryOp): OpDef<'scalar'> {
  return {
    className: CLASS_OF[op],
    op: 'scalar',
    args: [
      { name: 'value', kind: 'float', default: REQUIRED },
      { name: 'reversed', kind: 'bool', default: false },
    ],
    arity: { min: 1, max: 1 },
    infer(ctx) {
      const attrs: ScalarAttrs = {
        op,
        value: ctx.args.value('value') as number,
        reversed: ctx.args.value('reversed') as boolean,
      };
      return { shape: ctx.inputs[0].shape, attrs };
    },
    params: () => [],
    macs: () => 0,
    receptive: () => SAME_RF,
  };
}

export const scalarOpDefs: Record<BinaryOp, OpDef<'scalar'>> = {
  add: scalarDef('add'),
  sub: scalarDef('sub'),
  mul: scalarDef('mul'),
  div: scalarDef('div'),
};
