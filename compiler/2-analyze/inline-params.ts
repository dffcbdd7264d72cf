import type { ParamInit } from '../1-parse/ast.ts';
import { diag, type DiagnosticBuilder } from '../diagnostics/diagnostic.ts';
import { evaluate } from './evaluate.ts';
import type { PendingLayer } from './resolve.ts';
import type { Value } from './value.ts';

/** Shape of a rectangular nested list of numbers; null when ragged or not numbers. */
function nestedShape(v: Value): number[] | null {
  if (typeof v === 'number') return [];
  if (!Array.isArray(v)) return null;
  if (v.length === 0) return [0];
  const inner = nestedShape(v[0]);
  if (!inner) return null;
  for (const item of v) {
    const s = nestedShape(item);
    if (!s || s.length !== inner.length || s.some((d, i) => d !== inner[i])) return null;
  }
  return [v.length, ...inner];
}

function flattenInto(v: Value, out: number[]): void {
  if (typeof v === 'number') out.push(v);
  else if (Array.isArray(v)) for (const item of v) flattenInto(item, out);
}

const stripLeadingOnes = (s: readonly number[]) => {
  let i = 0;
  while (i < s.length && s[i] === 1) i++;
  return s.slice(i);
};

/**
 * An inline parameter value (`weight = [[1, -1]]`) as a Float32Array of the parameter's shape.
 * Leading dimensions of size 1 may be left out, so a 1x1x1x2 kernel can be written `[[1, -1]]`.
 */
export function inlineValue(
  init: ParamInit,
  shape: readonly number[],
  layer: PendingLayer,
  report: (d: DiagnosticBuilder) => void,
): Float32Array | null {
  const v = evaluate(init.value, layer.scope, report);
  if (!v) return null;
  const got = nestedShape(v.value);
  const want = `[${shape.join(', ')}]`;
  if (!got) {
    report(
      diag(
        'InlineValueShape',
        `the value of \`${layer.id}.${init.name.name}\` must be a number or a rectangular nested list of numbers`,
        init.value.span,
        'not a rectangular list of numbers',
      ).note(`\`${init.name.name}\` has shape ${want}`),
    );
    return null;
  }
  const a = stripLeadingOnes(got);
  const b = stripLeadingOnes(shape);
  if (a.length !== b.length || a.some((d, i) => d !== b[i])) {
    report(
      diag(
        'InlineValueShape',
        `the value of \`${layer.id}.${init.name.name}\` has shape [${got.join(', ')}], but the parameter's shape is ${want}`,
        init.value.span,
        `shape [${got.join(', ')}]`,
      )
        .label(layer.spans.call, `this layer's ${init.name.name} is ${want}`)
        .note('leading dimensions of size 1 may be left out: a [1, 1, 1, 2] kernel can be written [[1, -1]]'),
    );
    return null;
  }
  const flat: number[] = [];
  flattenInto(v.value, flat);
  return Float32Array.from(flat);
}
