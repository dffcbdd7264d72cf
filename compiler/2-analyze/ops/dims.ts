import { diag } from '../../diagnostics/diagnostic.ts';
import { shapeToString } from '../../ir/dim.ts';
import type { Span } from '../../source/span.ts';
import type { InferCtx, InputInfo } from './op-def.ts';
import { itemSpan } from './arg-values.ts';

/**
 * Resolves a possibly negative dim against a rank, as PyTorch does; reports DimOutOfRange. `at` is
 * the span to underline (an item of a tuple argument); the argument's span by default.
 */
export function resolveDim(ctx: InferCtx, argName: string, dim: number, input: InputInfo, at?: Span): number | null {
  const rank = input.shape.length;
  const resolved = dim < 0 ? dim + rank : dim;
  if (resolved < 0 || resolved >= rank) {
    ctx.report(
      diag(
        'DimOutOfRange',
        `${ctx.className} \`${ctx.id}\`: ${argName}=${dim} is out of range for the ${rank}-D input \`${input.id}\``,
        at ?? ctx.args.span(argName),
        `expected in [${-rank}, ${rank - 1}]`,
      )
        .label(input.span, `${rank}-D ${shapeToString(input.shape)}`)
        .note(
          `PyTorch would fail at run time: Dimension out of range (expected to be in range of [${-rank}, ${rank - 1}], but got ${dim})`,
        ),
    );
    return null;
  }
  return resolved;
}

/**
 * Resolves the dims of a tuple argument one by one, as PyTorch does (a dim out of range or a repeat
 * stops at the first), reporting DimOutOfRange or RepeatedDim with PyTorch's message for a repeat.
 */
export function resolveDimList(
  ctx: InferCtx,
  argName: string,
  dims: readonly number[],
  input: InputInfo,
  repeatMessage: (resolved: number) => string,
): number[] | null {
  const out: number[] = [];
  for (let i = 0; i < dims.length; i++) {
    const at = itemSpan(ctx.args, argName, i);
    const name = ctx.args.spanned(argName)?.items ? `${argName}[${i}]` : argName;
    const d = resolveDim(ctx, name, dims[i], input, at);
    if (d === null) return null;
    const before = out.indexOf(d);
    if (before >= 0) {
      ctx.report(
        diag(
          'RepeatedDim',
          `${ctx.className} \`${ctx.id}\`: dim ${d} is given twice in \`${argName}\``,
          at,
          `dim ${d} again`,
        )
          .label(itemSpan(ctx.args, argName, before), 'first given here')
          .note(`PyTorch would fail at run time: ${repeatMessage(d)}`)
          .help(`give each dim of the ${input.shape.length}-D input at most once`),
      );
      return null;
    }
    out.push(d);
  }
  return out;
}
