import { diag } from '../../diagnostics/diagnostic.ts';
import { dimToString, type Dim, shapeToString } from '../../ir/dim.ts';
import type { Span } from '../../source/span.ts';
import type { InferCtx, InputInfo } from './op-def.ts';

/**
 * Reports an input of a rank the op does not take (E0315), with PyTorch's own message when it has
 * one. `expects` completes "expects ...", e.g. "a 4-D input (N, C, H, W)".
 */
export function wrongRank(
  ctx: InferCtx,
  input: InputInfo,
  expects: string,
  pytorch: string | null,
  help = 'check the order of layers',
): null {
  const d = diag(
    'WrongRank',
    `${ctx.className} \`${ctx.id}\` expects ${expects}, but \`${input.id}\` is ${input.shape.length}-D ${shapeToString(input.shape)}`,
    ctx.spans.call,
    `expects ${expects}`,
  ).label(input.span, `${input.shape.length}-D ${shapeToString(input.shape)} is produced here`);
  if (pytorch) d.note(`PyTorch would fail at run time: ${pytorch}`);
  ctx.report(d.help(help));
  return null;
}

/** W0319: a condition on sizes that depends on symbols; it is checked again once they are bound. */
export function symbolicCheck(ctx: InferCtx, condition: string, at: Span, input: InputInfo): void {
  ctx.report(
    diag(
      'SymbolicCheck',
      `${ctx.className} \`${ctx.id}\`: whether ${condition} depends on the input size; it is checked when the sizes are known`,
      at,
      'checked when sizes are known',
    ).label(input.span, `\`${input.id}\` is ${shapeToString(input.shape)}`),
  );
}

/** E0327: a size the op needs as a number (to compute slice bounds or a -1) is symbolic. */
export function unknownSize(ctx: InferCtx, input: InputInfo, what: string, size: Dim, at: Span): null {
  ctx.report(
    diag(
      'UnknownSize',
      `${ctx.className} \`${ctx.id}\` needs ${what}, but \`${input.id}\` has the symbolic size ${dimToString(size)} there`,
      at,
      'needs a known size',
    )
      .label(input.span, `\`${input.id}\` is ${shapeToString(input.shape)}`)
      .help('declare the input with a number in that dimension, or bind the sizes (`--shape`, `inputShapes`)'),
  );
  return null;
}

/** The divisors of n (at most `max` of them, smallest first), for help lines that list the groups that work. */
export function divisors(n: number, max = 12): number[] {
  // a sqrt loop, and none for absurd sizes, so a huge argument cannot stall the checker
  if (!Number.isSafeInteger(n) || n < 1 || n > 1e12) return [];
  const low: number[] = [];
  const high: number[] = [];
  for (let g = 1; g * g <= n; g++) {
    if (n % g !== 0) continue;
    low.push(g);
    if (g * g !== n) high.unshift(n / g);
  }
  return [...low, ...high].slice(0, max);
}
