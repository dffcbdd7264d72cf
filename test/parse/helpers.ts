import type { Span } from '../../compiler/source/span.ts';
import { parse } from '../../compiler/1-parse/index.ts';
import type { Expr, LayerStmt, Stmt } from '../../compiler/1-parse/ast.ts';

/** The AST without spans, for comparing structure. */
export function stripSpans(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(stripSpans);
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      if (k !== 'span' && k !== 'callSpan') out[k] = stripSpans(v);
    }
    return out;
  }
  return value;
}

export function textOf(source: string, s: Span): string {
  return source.slice(s.start, s.end);
}

/** Parses a file that must have no diagnostics. */
export function parseClean(source: string) {
  const result = parse('test.cnn', source);
  if (result.diagnostics.length > 0) {
    throw new Error(`unexpected diagnostics: ${result.diagnostics.map((d) => d.message).join('; ')}`);
  }
  return result.program;
}

/** The statements of the only model in `body`-wrapped source. */
export function statements(body: string): Stmt[] {
  const program = parseClean(`model M {\n${body}\n}`);
  return [...program.decls[0].body];
}

/** The first argument's value of `x: F(<expr>)`, plus the source it came from. */
export function expr(text: string): { value: Expr; source: string } {
  const source = `model M { x: F(${text}) }`;
  const layer = parseClean(source).decls[0].body[0] as LayerStmt;
  return { value: layer.args[0].value, source };
}

/** A seeded generator (the project's mulberry32): the same strings on every run. */
export { mulberry32 as seededRandom } from '../../runtime/io/prng.ts';
