import { diag } from '../../diagnostics/diagnostic.ts';
import type { ConcatAttrs, NoAttrs } from '../../ir/attrs.ts';
import { add, dimToString, dimsEqual, type Dim, shapeToString } from '../../ir/dim.ts';
import type { Conv2dAttrs } from '../../ir/attrs.ts';
import type { Shape } from '../../ir/dim.ts';
import type { InferCtx, InputInfo, OpDef, Receptive } from './op-def.ts';
import { resolveDim } from './dims.ts';
import { broadcastMessage, warnUndecidedBroadcast } from './binary.ts';
import { broadcastShapes } from './broadcast.ts';

const MERGE_RF: Receptive = { kind: 'same' };

const dimIndexes = (rank: number) => Array.from({ length: rank }, (_, i) => i);

/** Sizes that depend on symbols cannot be compared now: say they are checked when the sizes are known. */
function warnUndecided(ctx: InferCtx, dims: readonly number[], what: string): void {
  const first = ctx.inputs[0];
  for (let i = 1; i < ctx.inputs.length; i++) {
    const other = ctx.inputs[i];
    const j = dims.find((k) => dimsEqual(first.shape[k], other.shape[k]) === null);
    if (j === undefined) continue;
    ctx.report(
      diag(
        'SymbolicCheck',
        `${what} \`${ctx.id}\`: whether ${dimToString(first.shape[j])} equals ${dimToString(other.shape[j])} (dimension ${j}) depends on the input size; it is checked when the sizes are known`,
        inputSpan(ctx, i),
        'checked at run time',
      )
        .label(first.span, `\`${first.id}\` produces ${shapeToString(first.shape)}`)
        .label(other.span, `\`${other.id}\` produces ${shapeToString(other.shape)}`),
    );
    return;
  }
}

/**
 * The padding that makes a stride-1 convolution producing `input` output `target` along H and W,
 * as a help line; null when no symmetric padding does it.
 */
function paddingFix(input: InputInfo, target: Shape): string | null {
  if (input.producerOp !== 'conv2d' || !input.producerInputShape) return null;
  const a = input.producerAttrs as Conv2dAttrs;
  const pads: number[] = [];
  for (let i = 0; i < 2; i++) {
    const h = input.producerInputShape[2 + i];
    const t = target[2 + i];
    if (typeof h !== 'number' || typeof t !== 'number' || a.stride[i] !== 1) return null;
    const total = t - h + a.dilation[i] * (a.kernel_size[i] - 1);
    if (total < 0 || total % 2 !== 0) return null;
    pads.push(total / 2);
  }
  const now = a.pads[0] === a.pads[2] ? `${a.pads[0]}` : `(${a.pads[0]}, ${a.pads[2]})`;
  const want = pads[0] === pads[1] ? `${pads[0]}` : `(${pads[0]}, ${pads[1]})`;
  return `give \`${input.id}\` padding=${want} (it has ${now}), so it produces ${shapeToString([...input.shape.slice(0, 2), target[2], target[3]])}`;
}

function inputSpan(ctx: InferCtx, i: number) {
  return ctx.spans.inputs[i] ?? ctx.spans.call;
}

/**
 * Whether two shapes are the same, up to sizes that depend on symbols (those are warned about).
 * With `ones`, a 1 against a symbol counts as different: two inputs then broadcast, whatever the symbol.
 */
function sameShape(a: Shape, b: Shape, ones = false): boolean {
  return (
    a.length === b.length &&
    a.every((d, j) => {
      const eq = dimsEqual(d, b[j]);
      return eq === true || (eq === null && !(ones && (d === 1 || b[j] === 1)));
    })
  );
}

/**
 * Add sums 2 to 64 inputs. Inputs of one shape make the IR op `add` (n-ary); two inputs of shapes
 * that differ but broadcast, as PyTorch's `a + b`, make `binary` {op: 'add'}. Three or more inputs
 * must share one shape.
 */
export const addOp: OpDef<'add' | 'binary'> = {
  className: 'Add',
  op: 'add',
  args: [],
  arity: { min: 2, max: 64 },
  infer(ctx) {
    const [first, ...rest] = ctx.inputs;
    if (rest.length === 1 && !sameShape(first.shape, rest[0].shape, true)) {
      const r = broadcastShapes(first.shape, rest[0].shape);
      if (r.shape) {
        warnUndecidedBroadcast(ctx, r.undecided);
        return { shape: r.shape, attrs: { op: 'add' }, op: 'binary' };
      }
    }
    for (let i = 0; i < rest.length; i++) {
      const other = rest[i];
      if (sameShape(first.shape, other.shape)) continue;
      const rankOk = other.shape.length === first.shape.length;
      const dim = rankOk ? other.shape.findIndex((d, j) => dimsEqual(d, first.shape[j]) === false) : -1;
      const where = rankOk
        ? `dimension ${dim} (${dimToString(first.shape[dim])} vs ${dimToString(other.shape[dim])})`
        : `rank (${first.shape.length}-D vs ${other.shape.length}-D)`;
      const b = broadcastShapes(first.shape, other.shape);
      const chain = rest.length > 1 && b.shape !== null;
      ctx.report(
        diag(
          'AddShapeMismatch',
          `Add \`${ctx.id}\` needs inputs of the same shape, but \`${first.id}\` is ${shapeToString(first.shape)} and \`${other.id}\` is ${shapeToString(other.shape)}`,
          inputSpan(ctx, i + 1),
          `${shapeToString(other.shape)}`,
        )
          .label(first.span, `\`${first.id}\` produces ${shapeToString(first.shape)}`)
          .label(other.span, `\`${other.id}\` produces ${shapeToString(other.shape)}`)
          .note(`they differ in ${where}`)
          .note(
            chain
              ? "PyTorch's a + b + ... would broadcast them; an Add of three or more inputs needs one shape in cnnc"
              : `PyTorch would fail at run time: ${broadcastMessage(b.mismatch!)}`,
          )
          .help(
            chain
              ? `add two inputs at a time (\`Add() <- ${first.id}, ${other.id}\`, then the others): two inputs broadcast`
              : dim === 1
                ? `make the channel counts equal, e.g. a 1x1 Conv2d(${dimToString(other.shape[1])}, ${dimToString(first.shape[1])}, kernel_size=1) on \`${other.id}\` (a projection shortcut)`
                : (paddingFix(other, first.shape) ??
                  paddingFix(first, other.shape) ??
                  `make both branches keep the same size (check padding and stride of the layers that produce \`${first.id}\` and \`${other.id}\`)`),
          ),
      );
      return null;
    }
    warnUndecided(ctx, dimIndexes(first.shape.length), 'Add');
    return { shape: first.shape, attrs: {} as NoAttrs };
  },
  params: () => [],
  macs: () => 0,
  receptive: () => MERGE_RF,
};

function makeConcat(className: string): OpDef<'concat'> {
  return {
    className,
    op: 'concat',
    args: [{ name: 'dim', kind: 'int', default: 1 }],
    arity: { min: 1, max: 64 },
    infer(ctx) {
      const first = ctx.inputs[0];
      const dim = resolveDim(ctx, 'dim', ctx.args.value('dim') as number, first);
      if (dim === null) return null;
      let total: Dim = first.shape[dim];
      for (let i = 1; i < ctx.inputs.length; i++) {
        const other = ctx.inputs[i];
        const bad =
          other.shape.length !== first.shape.length
            ? -2
            : other.shape.findIndex((d, j) => j !== dim && dimsEqual(d, first.shape[j]) === false);
        if (bad !== -1) {
          ctx.report(
            diag(
              'ConcatShapeMismatch',
              `${className} \`${ctx.id}\` needs inputs that match except in dimension ${dim}, but \`${first.id}\` is ${shapeToString(first.shape)} and \`${other.id}\` is ${shapeToString(other.shape)}`,
              inputSpan(ctx, i),
              shapeToString(other.shape),
            )
              .label(first.span, `\`${first.id}\` produces ${shapeToString(first.shape)}`)
              .label(other.span, `\`${other.id}\` produces ${shapeToString(other.shape)}`)
              .note(
                bad === -2
                  ? `PyTorch would fail at run time: Tensors must have same number of dimensions: got ${first.shape.length} and ${other.shape.length}`
                  : `PyTorch would fail at run time: Sizes of tensors must match except in dimension ${dim}. Expected size ${dimToString(first.shape[bad])} but got size ${dimToString(other.shape[bad])} for tensor number ${i} in the list.`,
              )
              .help(
                (bad === 2 || bad === 3 ? (paddingFix(other, first.shape) ?? paddingFix(first, other.shape)) : null) ??
                  `make every branch produce the same ${bad === 2 || bad === 3 ? 'height and width' : 'sizes'} (check padding, stride and pooling in the branch that produces \`${other.id}\`)`,
              ),
          );
          return null;
        }
        total = add(total, other.shape[dim]);
      }
      warnUndecided(
        ctx,
        dimIndexes(first.shape.length).filter((j) => j !== dim),
        className,
      );
      const shape = first.shape.map((d, j) => (j === dim ? total : d));
      const attrs: ConcatAttrs = { dim };
      return { shape, attrs };
    },
    params: () => [],
    macs: () => 0,
    receptive: () => MERGE_RF,
  };
}

export const concat = makeConcat('Concat');
/** `Cat`, after torch.cat, for people who think of it by that name. */
export const cat = makeConcat('Cat');
