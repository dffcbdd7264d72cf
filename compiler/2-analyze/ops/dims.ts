import { diag } from '../../diagnostics/diagnostic.ts';
import { shapeToString } from '../../ir/dim.ts';
import type { InferCtx, InputInfo } from './op-def.ts';

/** Resolves a possibly negative dim against a rank, as PyTorch does; reports DimOutOfRange. */
export function resolveDim(ctx: InferCtx, argName: string, dim: number, input: InputInfo): number | null {
  const rank = input.shape.length;
  const resolved = dim < 0 ? dim + rank : dim;
  if (resolved < 0 || resolved >= rank) {
    ctx.report(
      diag(
        'DimOutOfRange',
        `${ctx.className} \`${ctx.id}\`: ${argName}=${dim} is out of range for the ${rank}-D input \`${input.id}\``,
        ctx.args.span(argName),
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
