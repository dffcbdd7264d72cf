import { diag } from '../../diagnostics/diagnostic.ts';
import type { LinearAttrs } from '../../ir/attrs.ts';
import { dimToString, isKnown, numel, shapeToString } from '../../ir/dim.ts';
import { type ArgSpec, type InferCtx, type InputInfo, type OpDef, REQUIRED } from './op-def.ts';
import { callWithArg } from './shape-util.ts';
import { wrongRank } from './checks.ts';

/** Explains where a feature count comes from when a Flatten produced it: 144 = 4 x 6 x 6. */
function flattenNote(input: InputInfo, features: number): string | null {
  if (input.producerOp !== 'flatten' || !input.producerInputShape) return null;
  const dims = input.producerInputShape.slice(1);
  if (!dims.every(isKnown)) return null;
  return `${features} = ${dims.join(' x ')}: \`${input.id}\` flattens ${shapeToString(input.producerInputShape)}`;
}

function mismatch(ctx: InferCtx, input: InputInfo, want: number, got: number, out: number): void {
  const fixed = callWithArg(ctx, 'in_features', String(got));
  // PyTorch multiplies the input as a matrix of the leading dims' product rows (1 for a 1-D input)
  const rows = dimToString(numel(input.shape.slice(0, -1)));
  const d = diag(
    'LinearInFeatures',
    `Linear \`${ctx.id}\` expects ${want} input features, but \`${input.id}\` produces ${got}`,
    ctx.args.span('in_features'),
    `expects ${want}`,
  )
    .label(input.span, `${got} features are produced here`)
    .note(`input of \`${ctx.id}\` has shape ${shapeToString(input.shape)}`);
  const why = flattenNote(input, got);
  if (why) d.note(why);
  d.note(
    `PyTorch would fail at run time: mat1 and mat2 shapes cannot be multiplied (${rows}x${got} and ${want}x${out})`,
  );
  d.help(fixed ? `write \`${fixed}\`` : `set in_features=${got}`);
  ctx.report(d);
}

function makeDef(className: string, lazy: boolean): OpDef<'linear'> {
  const args: ArgSpec[] = [
    ...(lazy ? [] : [{ name: 'in_features', kind: 'int', default: REQUIRED, nullable: true, min: 1 } as ArgSpec]),
    { name: 'out_features', kind: 'int', default: REQUIRED, min: 1 },
    { name: 'bias', kind: 'bool', default: true },
  ];
  return {
    className,
    op: 'linear',
    args,
    arity: { min: 1, max: 1 },
    infer(ctx) {
      const input = ctx.inputs[0];
      const last = input.shape[input.shape.length - 1];
      const out = ctx.args.value('out_features') as number;
      // None (or LazyLinear) infers in_features from the input
      const want = lazy ? null : (ctx.args.value('in_features') as number | null);
      if (input.shape.length === 0)
        return wrongRank(
          ctx,
          input,
          'an input of at least 1 dimension ([..., in_features])',
          'both arguments to matmul need to be at least 1D, but they are 0D and 2D',
        );
      if (want !== null && isKnown(last) && last !== want) {
        mismatch(ctx, input, want, last, out);
      }
      const features = want ?? last;
      if (!isKnown(features)) {
        ctx.report(
          diag(
            'UnknownChannels',
            `${className} \`${ctx.id}\` cannot infer in_features: the last dimension of \`${input.id}\` is ${dimToString(features)}`,
            ctx.spans.call,
            'in_features unknown',
          )
            .label(input.span, `${shapeToString(input.shape)}`)
            .help('give the input concrete sizes, or use an AdaptiveAvgPool2d before Flatten'),
        );
        return null;
      }
      const attrs: LinearAttrs = { in_features: features, out_features: out, bias: ctx.args.value('bias') as boolean };
      return { shape: [...input.shape.slice(0, -1), out], attrs };
    },
    params: (a) => [
      { name: 'weight', shape: [a.out_features, a.in_features] },
      ...(a.bias ? [{ name: 'bias' as const, shape: [a.out_features] }] : []),
    ],
    macs: (a, _ins, out) => out.reduce((x, y) => x * y, 1) * a.in_features,
    receptive: () => ({ kind: 'global' }),
  };
}

export const linear = makeDef('Linear', false);
export const lazyLinear = makeDef('LazyLinear', true);
