import { diag, type DiagnosticBuilder } from '../diagnostics/diagnostic.ts';
import { didYouMean } from '../diagnostics/suggest.ts';
import type { Span } from '../source/span.ts';
import { type ArgSpec, type BoundArgs, type OpDef, REQUIRED } from './ops/op-def.ts';
import { describeValue, type Spanned, typeName, type Value } from './value.ts';

export interface EvaluatedArg {
  readonly name: { readonly name: string; readonly span: Span } | null;
  readonly value: Spanned;
  readonly span: Span;
}

/** Construction errors after which the shape can still be computed, so checking goes on downstream. */
const RECOVERABLE = new Set(['PoolPadTooBig', 'GroupsInChannels', 'GroupsOutChannels', 'DivisorZero']);

class Bound implements BoundArgs {
  constructor(
    private readonly given_: ReadonlyMap<string, Spanned>,
    private readonly specs: readonly ArgSpec[],
    private readonly callSpan: Span,
  ) {}
  value(name: string): Value {
    const g = this.given_.get(name);
    if (g) return g.value;
    const spec = this.specs.find((s) => s.name === name);
    if (!spec || spec.default === REQUIRED) throw new Error(`internal: argument ${name} has no value`);
    return spec.default;
  }
  span(name: string): Span {
    return this.given_.get(name)?.span ?? this.callSpan;
  }
  given(name: string): boolean {
    return this.given_.has(name);
  }
  spanned(name: string): Spanned | undefined {
    return this.given_.get(name);
  }
}

/**
 * Binds positional and keyword arguments to an op's PyTorch signature and checks each value's type
 * and range. Returns null when any argument is wrong (every problem is reported).
 */
export function bindArgs(
  def: OpDef,
  layerId: string,
  args: readonly EvaluatedArg[],
  callSpan: Span,
  report: (d: DiagnosticBuilder) => void,
): BoundArgs | null {
  const given = new Map<string, Spanned>();
  let ok = true;
  let seenKeyword = false;
  let misplaced = false;
  let position = 0;
  for (const arg of args) {
    if (arg.name === null) {
      if (seenKeyword) {
        report(
          diag('PositionalAfterKeyword', 'positional argument follows keyword argument', arg.span, 'positional').help(
            'give this argument by keyword, or move it before the keyword arguments',
          ),
        );
        ok = false;
        misplaced = true;
        continue;
      }
      const spec = def.args[position++];
      if (!spec) {
        report(
          diag(
            'TooManyArguments',
            `${def.className} takes at most ${def.args.length} positional argument${def.args.length === 1 ? '' : 's'}, but ${args.filter((a) => !a.name).length} were given`,
            arg.span,
            'extra argument',
          ).note(`${def.className}(${def.args.map((a) => a.name).join(', ')})`),
        );
        ok = false;
        continue;
      }
      given.set(spec.name, arg.value);
      continue;
    }
    seenKeyword = true;
    const name = arg.name.name;
    const spec = def.args.find((s) => s.name === name);
    if (!spec) {
      const guess = didYouMean(
        name,
        def.args.map((a) => a.name),
      );
      report(
        diag('UnknownArgument', `${def.className} has no argument \`${name}\``, arg.name.span, 'unknown argument')
          .note(
            def.args.length
              ? `${def.className} takes: ${def.args.map((a) => a.name).join(', ')}`
              : `${def.className} takes no arguments`,
          )
          .help(guess ? `did you mean \`${guess}\`?` : `remove \`${name}=...\``),
      );
      ok = false;
      continue;
    }
    if (given.has(name)) {
      report(
        diag(
          'ArgumentGivenTwice',
          `${def.className} got the argument \`${name}\` twice`,
          arg.span,
          'given again',
        ).label(given.get(name)!.span, 'first given here'),
      );
      ok = false;
      continue;
    }
    given.set(name, arg.value);
  }
  for (const spec of def.args) {
    const v = given.get(spec.name);
    if (!v) {
      // after a misplaced positional argument, which argument it meant is unknown: no second error
      if (spec.default === REQUIRED && !misplaced) {
        report(
          diag(
            'MissingArgument',
            `${def.className} \`${layerId}\` is missing the required argument \`${spec.name}\``,
            callSpan,
            `needs ${spec.name}`,
          )
            .note(
              `${def.className}(${def.args.map((a) => (a.default === REQUIRED ? a.name : `${a.name}=${describeValue(a.default as Value)}`)).join(', ')})`,
            )
            .help(`add \`${spec.name}=...\``),
        );
      }
      if (spec.default === REQUIRED) ok = false;
      continue;
    }
    if (!checkValue(def, spec, v, report)) ok = false;
  }
  if (!ok) return null;
  const bound = new Bound(given, def.args, callSpan);
  if (def.check) {
    let fatal = false;
    def.check(bound, (d) => {
      if (!RECOVERABLE.has(d.build().code)) fatal = true;
      report(d);
    });
    if (fatal) return null;
  }
  return bound;
}

function checkValue(def: OpDef, spec: ArgSpec, v: Spanned, report: (d: DiagnosticBuilder) => void): boolean {
  const where = `${def.className} argument \`${spec.name}\``;
  const wrongType = (want: string, at: Spanned = v) => {
    report(
      diag(
        'WrongArgumentType',
        `${where} must be ${want}, not ${at.value === null ? 'None' : `${typeName(at)} ${describeValue(at.value)}`}`,
        at.span,
        `expected ${want}`,
      ).help(
        typeName(at) === 'float' && Number.isInteger(at.value)
          ? `write ${at.value} without the decimal point`
          : typeName(at) === 'str' && spec.kind !== 'string'
            ? 'remove the quotes'
            : `give ${want}`,
      ),
    );
    return false;
  };
  const tooSmall = (at: Spanned, min: number) => {
    report(
      diag(
        'InvalidArgumentValue',
        `${where} must be at least ${min}, but is ${describeValue(at.value)}`,
        at.span,
        `must be >= ${min}`,
      ),
    );
    return false;
  };
  if (v.value === null) return spec.nullable ? true : wrongType(kindText(spec));
  if (spec.only !== undefined && v.value !== spec.only) {
    report(
      diag(
        'InvalidArgumentValue',
        `${where} = ${describeValue(v.value)} is not supported: cnnc runs inference only`,
        v.span,
        'unsupported',
      ).help(`remove it (the default is ${describeValue(spec.only)})`),
    );
    return false;
  }
  const isInt = (s: Spanned) => typeof s.value === 'number' && !s.isFloat && Number.isInteger(s.value);
  switch (spec.kind) {
    case 'int':
      if (!isInt(v)) return wrongType('an int');
      if (spec.min !== undefined && (v.value as number) < spec.min) return tooSmall(v, spec.min);
      return true;
    case 'float':
      return typeof v.value === 'number' ? true : wrongType('a number');
    case 'bool':
      return typeof v.value === 'boolean' ? true : wrongType('True or False');
    case 'string':
      return typeof v.value === 'string' ? true : wrongType('a string');
    // biome-ignore lint/suspicious/noFallthroughSwitchClause: numbers and tuples are checked as pairs below
    case 'padding':
      if (typeof v.value === 'string') return true;
    // falls through: numbers and tuples are checked as pairs
    case 'pair':
    case 'output_size': {
      const items = v.items ?? [v];
      if (v.items && v.items.length !== 2) {
        report(
          diag(
            'WrongArgumentType',
            `${where} must be an int or a tuple of two ints, but the tuple has ${v.items.length} item${v.items.length === 1 ? '' : 's'}`,
            v.span,
            'expected 2 items',
          ).help(`write (${describeValue(v.items[0]?.value ?? 1)}, ${describeValue(v.items[0]?.value ?? 1)})`),
        );
        return false;
      }
      for (const item of items) {
        if (item.value === null && spec.kind === 'output_size') continue;
        if (!isInt(item))
          return wrongType(
            spec.kind === 'padding'
              ? "an int, a tuple of two ints, 'same' or 'valid'"
              : 'an int or a tuple of two ints',
            item,
          );
        if (spec.min !== undefined && (item.value as number) < spec.min) return tooSmall(item, spec.min);
      }
      return true;
    }
    case 'ints':
    case 'int_or_ints': {
      const want = spec.kind === 'ints' ? 'a tuple of ints' : 'an int or a tuple of ints';
      if (!v.items) {
        if (spec.kind === 'ints' || !isInt(v)) return wrongType(want);
        return spec.min !== undefined && (v.value as number) < spec.min ? tooSmall(v, spec.min) : true;
      }
      for (const item of v.items) {
        if (!isInt(item)) return wrongType(want, item);
        if (spec.min !== undefined && (item.value as number) < spec.min) return tooSmall(item, spec.min);
      }
      return true;
    }
  }
}

function kindText(spec: ArgSpec): string {
  switch (spec.kind) {
    case 'int':
      return 'an int';
    case 'float':
      return 'a number';
    case 'bool':
      return 'True or False';
    case 'string':
      return 'a string';
    case 'ints':
      return 'a tuple of ints';
    case 'int_or_ints':
      return 'an int or a tuple of ints';
    default:
      return 'an int or a tuple of two ints';
  }
}
