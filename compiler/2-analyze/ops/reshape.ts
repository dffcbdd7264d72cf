import { diag } from '../../diagnostics/diagnostic.ts';
import type { ReshapeAttrs } from '../../ir/attrs.ts';
import { type Dim, dimToString, mul, numel, type Shape, shapeToString } from '../../ir/dim.ts';
import type { BoundArgs, InferCtx, InferResult, InputInfo, OpDef } from './op-def.ts';
import { REQUIRED, SAME_RF } from './op-def.ts';
import { intsOf, itemSpan, pyList } from './arg-values.ts';
import { symbolicCheck } from './checks.ts';
import { resolveDim } from './dims.ts';

/** A product of sizes split into its known factor and the symbolic rest: [N, 3, 2*H] is 6 x (N*H). */
function factor(dims: Shape): { known: number; symbolic: Dim | null } {
  let known = 1;
  let symbolic: Dim | null = null;
  const times = (d: Dim) => {
    symbolic = symbolic === null ? d : mul(symbolic, d);
  };
  for (const d of dims) {
    if (typeof d === 'number') known *= d;
    else if (d.kind === 'mul') {
      known *= d.factor;
      times(d.operand);
    } else times(d);
  }
  return { known, symbolic };
}

type Fit =
  | { readonly kind: 'ok'; readonly sizes: Dim[] }
  /** no size of the symbols makes it fit, or known sizes that do not */
  | { readonly kind: 'mismatch' }
  /** a -1 whose value is whole only for some values of the symbols */
  | { readonly kind: 'uneven'; readonly product: number }
  /** no -1 and symbolic elements: fits only when the symbols take particular values */
  | { readonly kind: 'undecided'; readonly sizes: Dim[] };

/**
 * PyTorch's infer_size against `elements` (a product of dims): the sizes must multiply to it, a -1
 * standing for the quotient. With symbols, elements = c * S (c the known factor): a -1 is c/K * S
 * when the other sizes' product K divides c, for every value of the symbols; when K does not divide
 * c, the -1 is whole only for some values, so it cannot be given a shape now.
 */
function fitSizes(elements: Shape, sizes: readonly number[]): Fit {
  const { known, symbolic } = factor(elements);
  const hole = sizes.indexOf(-1);
  const product = sizes.reduce((a, s) => (s === -1 ? a : a * s), 1);
  const filled = (d: Dim) => sizes.map((s, i) => (i === hole ? d : s));
  if (symbolic === null) {
    if (hole < 0) return product === known ? { kind: 'ok', sizes: [...sizes] } : { kind: 'mismatch' };
    return product !== 0 && known % product === 0
      ? { kind: 'ok', sizes: filled(known / product) }
      : { kind: 'mismatch' };
  }
  if (hole >= 0) {
    if (product === 0) return { kind: 'mismatch' };
    return known % product === 0
      ? { kind: 'ok', sizes: filled(mul(known / product, symbolic)) }
      : { kind: 'uneven', product };
  }
  // c * S = K needs K to be a multiple of c (S is a whole number >= 1)
  return product !== 0 && product % known === 0 ? { kind: 'undecided', sizes: [...sizes] } : { kind: 'mismatch' };
}

/** Reshape's construction-like checks, which PyTorch makes when the layer runs: one -1, no other negative. */
function checkSizes(
  className: string,
  args: BoundArgs,
  name: string,
  report: InferCtx['report'],
  twoHoles: string,
): void {
  const sizes = intsOf(args.value(name));
  let hole = -1;
  for (let i = 0; i < sizes.length; i++) {
    const s = sizes[i];
    if (s >= 0 || (s === -1 && hole < 0)) {
      if (s === -1) hole = i;
      continue;
    }
    report(
      diag(
        'InvalidArgumentValue',
        s === -1
          ? `${className} argument \`${name}\` may have one -1 (the size to infer), but has two`
          : `${className} argument \`${name}\` has the size ${s}: a size is -1 (to infer) or at least 0`,
        itemSpan(args, name, i),
        s === -1 ? 'a second -1' : 'invalid size',
      )
        .label(s === -1 ? itemSpan(args, name, hole) : undefined, 'the first -1')
        .note(`PyTorch would fail at run time: ${s === -1 ? twoHoles : `invalid shape dimension ${s}`}`)
        .help(s === -1 ? 'give every size but one' : 'write -1 for the one size to infer'),
    );
    return;
  }
}

function fitReport(
  ctx: InferCtx,
  input: InputInfo,
  argName: string,
  sizes: readonly number[],
  elements: Shape,
  what: string,
  pytorch: string,
  result: (out: Dim[]) => InferResult<'reshape'>,
): InferResult<'reshape'> | null {
  const f = fitSizes(elements, sizes);
  const total = numel(elements);
  const argSpan = ctx.args.span(argName);
  if (f.kind === 'ok') return result(f.sizes);
  if (f.kind === 'undecided') {
    symbolicCheck(ctx, `the ${dimToString(total)} ${what} equal ${sizes.reduce((a, b) => a * b, 1)}`, argSpan, input);
    return result(f.sizes);
  }
  if (f.kind === 'uneven') {
    const { known } = factor(elements);
    ctx.report(
      diag(
        'UnknownSize',
        `${ctx.className} \`${ctx.id}\` cannot infer the -1 for every input size: the ${dimToString(total)} ${what} divided by ${f.product} is whole only for some sizes`,
        argSpan,
        `-1 = ${dimToString(total)}/${f.product}`,
      )
        .label(input.span, `\`${input.id}\` is ${shapeToString(input.shape)}`)
        .note(
          `the sizes other than -1 multiply to ${f.product}, which does not divide the known factor ${known} of ${dimToString(total)}`,
        )
        .help(
          `give sizes whose product divides ${known}, or give the input concrete sizes (\`--shape\`, \`inputShapes\`)`,
        ),
    );
    return null;
  }
  const d = diag(
    'ReshapeSize',
    `${ctx.className} \`${ctx.id}\`: the sizes ${pyList(sizes)} do not fit the ${dimToString(total)} ${what}`,
    argSpan,
    `does not fit ${dimToString(total)}`,
  )
    .label(input.span, `\`${input.id}\` is ${shapeToString(input.shape)}`)
    .note(`PyTorch would fail at run time: ${pytorch}`);
  const fix = typeof total === 'number' ? fixWithHole(sizes, total) : null;
  ctx.report(d.help(fix ?? `give sizes that multiply to ${dimToString(total)} (one of them may be -1)`));
  return null;
}

/** A help line: the one size that, written as -1, makes the shape fit. */
function fixWithHole(sizes: readonly number[], total: number): string | null {
  if (sizes.includes(-1)) return null;
  for (let i = 0; i < sizes.length; i++) {
    const rest = sizes.reduce((a, s, j) => (j === i ? a : a * s), 1);
    if (rest > 0 && total % rest === 0) {
      return `write -1 for the size ${sizes[i]} to infer it: ${pyList(sizes.map((s, j) => (j === i ? -1 : s)))} gives ${total / rest} there`;
    }
  }
  return null;
}

/** attrs hold numbers: a symbolic size is 0 here and only shown, as attrs reach backends after sizes are bound. */
function reshapeAttrs(out: readonly Dim[]): ReshapeAttrs {
  return { shape: out.map((d) => (typeof d === 'number' ? d : 0)) };
}

/**
 * cnnc's classes for `x.reshape(shape)` and `x.view(shape)`. cnnc's tensors are always contiguous,
 * so View is Reshape (PyTorch's view also refuses some non-contiguous inputs).
 */
function reshapeDef(className: string): OpDef<'reshape'> {
  return {
    className,
    op: 'reshape',
    args: [{ name: 'shape', kind: 'int_or_ints', default: REQUIRED }],
    arity: { min: 1, max: 1 },
    check: (args, report) => checkSizes(className, args, 'shape', report, 'only one dimension can be inferred'),
    infer(ctx) {
      const input = ctx.inputs[0];
      const sizes = intsOf(ctx.args.value('shape'));
      const total = numel(input.shape);
      return fitReport(
        ctx,
        input,
        'shape',
        sizes,
        input.shape,
        `elements of \`${input.id}\``,
        `shape '${pyList(sizes)}' is invalid for input of size ${dimToString(total)}`,
        (out) => ({ shape: out, attrs: reshapeAttrs(out) }),
      );
    },
    params: () => [],
    macs: () => 0,
    receptive: () => SAME_RF,
  };
}

export const reshape = reshapeDef('Reshape');
export const view = reshapeDef('View');

/** nn.Unflatten(dim, unflattened_size): one dim becomes several (one of them may be -1). */
export const unflatten: OpDef<'reshape'> = {
  className: 'Unflatten',
  op: 'reshape',
  args: [
    { name: 'dim', kind: 'int', default: REQUIRED },
    { name: 'unflattened_size', kind: 'ints', default: REQUIRED },
  ],
  arity: { min: 1, max: 1 },
  check(args, report) {
    if (intsOf(args.value('unflattened_size')).length === 0) {
      report(
        diag(
          'InvalidArgumentValue',
          'Unflatten argument `unflattened_size` is empty',
          args.span('unflattened_size'),
          'no sizes',
        )
          .note('PyTorch would fail at run time: unflatten: sizes must be non-empty')
          .help('give the sizes the dim becomes, e.g. (2, -1)'),
      );
      return;
    }
    checkSizes(
      'Unflatten',
      args,
      'unflattened_size',
      report,
      // PyTorch's message has a line break after the colon; a note is one line
      'unflatten got an unexpected error: only one dimension can be inferred',
    );
  },
  infer(ctx) {
    const input = ctx.inputs[0];
    const dim = resolveDim(ctx, 'dim', ctx.args.value('dim') as number, input);
    if (dim === null) return null;
    const sizes = intsOf(ctx.args.value('unflattened_size'));
    const n = input.shape[dim];
    return fitReport(
      ctx,
      input,
      'unflattened_size',
      sizes,
      [n],
      `elements along dim ${dim} of \`${input.id}\``,
      `unflatten: Provided sizes ${pyList(sizes)} don't multiply up to the size of dim ${dim} (${dimToString(n)}) in the input tensor`,
      (out) => {
        const shape = [...input.shape.slice(0, dim), ...out, ...input.shape.slice(dim + 1)];
        return { shape, attrs: reshapeAttrs(shape) };
      },
    );
  },
  params: () => [],
  macs: () => 0,
  receptive: () => SAME_RF,
};
