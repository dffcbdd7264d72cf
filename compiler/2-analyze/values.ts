/**
 * Values in a body: the names `<-` and `output` read, and the right-hand side of `x = ...`, where
 * PyTorch's `forward` vocabulary becomes nodes: operators on tensors (`a + b`, `x * s`, `-x`),
 * functional calls (`F.relu(x)`, `torch.cat((a, b), 1)`), methods (`x.chunk(2, dim=1)`), tuples,
 * subscripts and conditional values. An expression that names no tensor is a compile-time value.
 */
import type { Arg, AssignStmt, BlockDecl, Expr, Ident } from '../1-parse/ast.ts';
import { diag, type DiagnosticBuilder } from '../diagnostics/diagnostic.ts';
import { didYouMean } from '../diagnostics/suggest.ts';
import { joinSpans, type Span } from '../source/span.ts';
import type { EvaluatedArg } from './bind-args.ts';
import { BUILTINS, describeExpr, evaluate, renderName, renderTemplate, truthy } from './evaluate.ts';
import {
  ARITHMETIC,
  type FunctionalForm,
  functionalForm,
  functionalNames,
  IDENTITY_METHODS,
  methodForm,
  methodNames,
} from './functional.ts';
import type { OpDef } from './ops/op-def.ts';
import { OPS, SCALAR_OPS } from './ops/registry.ts';
import type { NodeRequest } from './resolve.ts';
import { type Binding, type Frame, tensorIds } from './scope.ts';
import type { Spanned } from './value.ts';

type Report = (d: DiagnosticBuilder) => void;

/** A value: a tensor or tuple (Binding), or a compile-time value. */
export type Evaluated = Binding | { readonly kind: 'static'; readonly value: Spanned };

/** How the nodes of one `x = ...` statement are named: the outermost after the target. */
interface Naming {
  readonly stmt: AssignStmt;
  readonly frame: Frame;
}

const BINARY_CLASS = { '+': 'Add', '-': 'Sub', '*': 'Mul', '/': 'Div' } as const;
const BINARY_IR = { '+': 'add', '-': 'sub', '*': 'mul', '/': 'div' } as const;
const MODULE_ROOTS = new Set(['F', 'torch', 'nn']);

export class ValueResolver {
  constructor(
    private readonly report: Report,
    private readonly addNode: (r: NodeRequest) => Binding | null,
    private readonly freshId: (base: string) => string,
    private readonly blocks: ReadonlyMap<string, BlockDecl>,
  ) {}

  /** The value a `<-` or `output` name stands for; `self` is the name of the statement reading it. */
  lookup(ref: Ident, frame: Frame, self: string | null): Binding | null {
    const name = renderName(ref, frame.statics, this.report);
    if (name === null) return null;
    const b = frame.values.get(name);
    if (b) return b;
    const defined = frame.later.get(name);
    if (defined || name === self) {
      this.report(
        diag(
          'UseBeforeDefinition',
          `\`${self ?? 'this layer'}\` reads \`${name}\`, which is defined only ${name === self ? 'by this statement' : 'later'}`,
          ref.span,
          'not defined yet',
        )
          .label(defined, 'defined here')
          .help('a layer can read only graph inputs and layers above it; move it below'),
      );
    } else {
      const guess = didYouMean(name, frame.values.keys());
      this.report(
        diag('UnknownName', `unknown input \`${name}\``, ref.span, 'not defined').help(
          guess
            ? `did you mean \`${guess}\`?`
            : `the names defined so far: ${[...frame.values.keys()].join(', ') || '(none)'}`,
        ),
      );
    }
    return null;
  }

  /**
   * How many nodes a multi-output op given as a layer (`parts: Chunk(2, dim=1)`) makes: the chunk
   * count, or the number of sizes of a Split; null (one node, which the op's own checks judge) for
   * other ops and for arguments that do not give a count (Chunk(0), Split(16)).
   */
  pieceCount(def: OpDef, args: readonly EvaluatedArg[]): number | null {
    if (def.className !== 'Chunk' && def.className !== 'Split') return null;
    const first = args.find(
      (a) => a.name === null || a.name.name === (def.className === 'Chunk' ? 'chunks' : 'split_size_or_sections'),
    );
    const v = first?.value;
    if (
      def.className === 'Chunk' &&
      typeof v?.value === 'number' &&
      Number.isInteger(v.value) &&
      v.value >= 1 &&
      v.value <= 4096
    )
      return v.value;
    if (def.className === 'Split' && v?.items && v.items.length >= 1 && v.items.length <= 4096) return v.items.length;
    return null;
  }

  /** Whether a condition is decided at compile time; reports it when it reads a tensor. */
  staticCondition(e: Expr, frame: Frame): boolean {
    const tensor = namesIn(e).find((n) => frame.values.has(n) && !frame.statics.has(n));
    if (tensor === undefined) return true;
    this.report(
      diag(
        'WrongArgumentType',
        `\`if\` is decided at compile time, but \`${tensor}\` is a tensor`,
        e.span,
        'not known at compile time',
      ).help(
        'conditions use block parameters, loop variables and constants; choose between tensors with `a if flag else b`',
      ),
    );
    return false;
  }

  /** The value of `x = ...` (or `a, b = ...`), adding the nodes it needs. */
  evaluate(stmt: AssignStmt, frame: Frame): Evaluated | null {
    return this.value(stmt.value, { stmt, frame }, true, stmt.targets.length);
  }

  private isStatic(e: Expr, frame: Frame): boolean {
    return !mentionsTensor(e, frame);
  }

  /** `top`: the expression is the whole right-hand side, so its node takes the target's name. */
  private value(e: Expr, n: Naming, top: boolean, unpack: number): Evaluated | null {
    const { frame } = n;
    if (this.isStatic(e, frame) && !this.isModuleCall(e)) {
      const v = evaluate(e, frame.statics, this.report, 'in a value');
      return v && { kind: 'static', value: v };
    }
    switch (e.kind) {
      case 'name': {
        const name = e.template ? renderTemplate(e.template, frame.statics, this.report) : e.name;
        if (name === null) return null;
        const b = frame.values.get(name);
        if (b) return b;
        this.report(diag('UnknownName', `unknown name \`${name}\``, e.span, 'not defined'));
        return null;
      }
      case 'tuple':
      case 'list': {
        const items: Binding[] = [];
        for (const item of e.items) {
          const v = this.value(item, n, false, 1);
          if (!v) return null;
          if (v.kind === 'static') {
            this.report(
              diag(
                'WrongArgumentType',
                'a tuple of tensors cannot also hold compile-time values',
                item.span,
                'not a tensor',
              ).help('give the tensors alone, e.g. `torch.cat((a, b), 1)`'),
            );
            return null;
          }
          items.push(v);
        }
        return { kind: 'tuple', items, span: e.span };
      }
      case 'binary':
        return this.binary(e, n, top);
      case 'neg': {
        const x = this.tensor(e.operand, n);
        if (x === null) return null;
        return this.scalar('*', x, { value: -1, span: e.span, isFloat: false }, false, e, n, top);
      }
      case 'call':
        return this.call(e, n, top, unpack);
      case 'index': {
        const obj = this.value(e.object, n, false, 1);
        const idx = evaluate(e.index, frame.statics, this.report, 'in an index');
        if (!obj || !idx) return null;
        if (obj.kind !== 'tuple') {
          this.report(
            diag(
              'WrongArgumentType',
              'only a tuple of tensors (several outputs) can be indexed',
              e.span,
              'not a tuple',
            ),
          );
          return null;
        }
        const i =
          typeof idx.value === 'number' && Number.isInteger(idx.value)
            ? idx.value < 0
              ? obj.items.length + idx.value
              : idx.value
            : -1;
        if (i < 0 || i >= obj.items.length) {
          this.report(
            diag(
              'InvalidArgumentValue',
              `index ${String(idx.value)} is out of range for ${obj.items.length} values`,
              e.index.span,
              'out of range',
            ),
          );
          return null;
        }
        return obj.items[i];
      }
      case 'cond': {
        if (!this.staticCondition(e.condition, frame)) return null;
        const c = evaluate(e.condition, frame.statics, this.report, 'in a condition');
        return c && this.value(truthy(c.value) ? e.then : e.otherwise, n, top, unpack);
      }
      case 'attr':
        this.report(
          diag(
            'WrongArgumentType',
            `\`${describeExpr(e)}\` is not supported: sizes of tensors are not values in cnnc`,
            e.span,
            'not supported',
          ).help('write the size as a number or a block parameter; reshapes take -1 for the size they infer'),
        );
        return null;
      default:
        this.report(
          diag('WrongArgumentType', 'this works on compile-time values only, not on tensors', e.span, 'reads a tensor'),
        );
        return null;
    }
  }

  /** A value that must be a single tensor. */
  private tensor(e: Expr, n: Naming): string | null {
    const v = this.value(e, n, false, 1);
    if (!v) return null;
    if (v.kind === 'tensor') return v.id;
    this.report(
      diag(
        'WrongArgumentType',
        v.kind === 'tuple' ? 'expected one tensor, found a tuple of tensors' : 'expected a tensor',
        e.span,
        'not a tensor',
      ).help(
        v.kind === 'tuple' ? 'pick one with `t[0]`, or unpack it: `a, b = t`' : 'name a layer, an input or a value',
      ),
    );
    return null;
  }

  private binary(e: Extract<Expr, { kind: 'binary' }>, n: Naming, top: boolean): Evaluated | null {
    if (e.op === '//' || e.op === '%') {
      this.report(
        diag(
          'WrongArgumentType',
          `\`${e.op}\` works on compile-time values only, not on tensors`,
          e.span,
          'reads a tensor',
        ),
      );
      return null;
    }
    const leftStatic = this.isStatic(e.left, n.frame);
    const rightStatic = this.isStatic(e.right, n.frame);
    if (leftStatic || rightStatic) {
      const c = evaluate(leftStatic ? e.left : e.right, n.frame.statics, this.report, 'in a value');
      const x = this.tensor(leftStatic ? e.right : e.left, n);
      if (!c || !x) return null;
      return this.scalar(e.op, x, c, leftStatic, e, n, top);
    }
    const a = this.tensor(e.left, n);
    const b = this.tensor(e.right, n);
    if (!a || !b) return null;
    const def = OPS.get(BINARY_CLASS[e.op]);
    if (!def) return this.missing(BINARY_CLASS[e.op], e.span);
    return this.node(
      def,
      [],
      [
        { id: a, span: e.left.span },
        { id: b, span: e.right.span },
      ],
      e,
      n,
      top,
      BINARY_IR[e.op],
    );
  }

  private scalar(
    op: '+' | '-' | '*' | '/',
    x: string,
    c: Spanned,
    reversed: boolean,
    e: Expr,
    n: Naming,
    top: boolean,
  ): Evaluated | null {
    if (typeof c.value !== 'number') {
      this.report(
        diag(
          'WrongArgumentType',
          `\`${op}\` with a tensor needs a number, not ${c.value === null ? 'None' : typeof c.value}`,
          c.span,
          'not a number',
        ),
      );
      return null;
    }
    const def = SCALAR_OPS[BINARY_IR[op]];
    if (!def) return this.missing(`${BINARY_CLASS[op]} by a number`, e.span);
    const args: EvaluatedArg[] = [
      { name: { name: 'value', span: c.span }, value: c, span: c.span },
      {
        name: { name: 'reversed', span: c.span },
        value: { value: reversed, span: c.span, isFloat: false },
        span: c.span,
      },
    ];
    return this.node(def, args, [{ id: x, span: null }], e, n, top, BINARY_IR[op]);
  }

  /** `Conv2d(...)` or a block called in a value: a module where a value belongs (reported by call()). */
  private isModuleCall(e: Expr): boolean {
    if (e.kind !== 'call' || e.callee.kind !== 'name' || e.callee.template) return false;
    const fn = e.callee.name;
    return OPS.has(fn) || this.blocks.has(fn) || fn === 'Sequential';
  }

  private call(e: Extract<Expr, { kind: 'call' }>, n: Naming, top: boolean, unpack: number): Evaluated | null {
    const path = dottedPath(e.callee);
    // `F.relu(x)`, `torch.cat(...)`: a function of a module path (unless `F` names a value here)
    if (path && MODULE_ROOTS.has(path.split('.')[0]) && path.includes('.') && !n.frame.values.has(path.split('.')[0])) {
      const name = path.slice(path.lastIndexOf('.') + 1);
      if (path.startsWith('torch.') && Object.hasOwn(ARITHMETIC, name))
        return this.arithmeticCall(ARITHMETIC[name], e, e.args, n, top);
      const form = functionalForm(path);
      if (!form) {
        const guess = didYouMean(path, functionalNames());
        this.report(
          diag('UnknownOp', `cnnc has no functional form \`${path}\``, e.callee.span, 'not supported').help(
            guess ? `did you mean \`${guess}\`?` : 'use the op as a layer, `name: Op(...)`, where cnnc has one',
          ),
        );
        return null;
      }
      return this.apply(form, e, e.args, null, n, top, unpack);
    }
    // `x.chunk(2, 1)`: a method of a tensor
    if (e.callee.kind === 'attr') {
      const method = e.callee.name.name;
      const self = e.callee.object;
      if (IDENTITY_METHODS.has(method)) return this.value(self, n, top, unpack);
      if (Object.hasOwn(ARITHMETIC, method))
        return this.arithmeticCall(
          ARITHMETIC[method],
          e,
          [{ name: null, value: self, span: self.span }, ...e.args],
          n,
          top,
        );
      const form = methodForm(method);
      if (!form) {
        const guess = didYouMean(method, methodNames());
        this.report(
          diag('UnknownOp', `cnnc has no tensor method \`.${method}()\``, e.callee.name.span, 'not supported').help(
            guess ? `did you mean \`.${guess}()\`?` : 'see the language specification for the methods cnnc knows',
          ),
        );
        return null;
      }
      return this.apply(form, e, e.args, self, n, top, unpack);
    }
    const fn = e.callee.kind === 'name' && !e.callee.template ? e.callee.name : null;
    if (fn && (OPS.has(fn) || this.blocks.has(fn) || fn === 'Sequential')) {
      const target = n.stmt.targets[0].name;
      this.report(
        diag(
          'MisplacedStatement',
          `\`${target} = ${fn}(...)\` would make a module, not a value; a layer is written \`${target}: ${fn}(...)\``,
          e.span,
          'a module here',
        ).help(`write \`${target}: ${fn}(...)\` (with \`<- input\` to choose what it reads)`),
      );
      return null;
    }
    if (fn && (BUILTINS as readonly string[]).includes(fn)) {
      this.report(
        diag('WrongArgumentType', `\`${fn}()\` works on compile-time values, not on tensors`, e.span, 'reads a tensor'),
      );
      return null;
    }
    const guess = didYouMean(path ?? describeExpr(e.callee), [...functionalNames(), ...BUILTINS]);
    this.report(
      diag(
        'UnknownOp',
        `unknown function \`${path ?? describeExpr(e.callee)}\``,
        e.callee.span,
        'not a function cnnc knows',
      ).help(
        guess
          ? `did you mean \`${guess}\`?`
          : 'functional forms are written like `F.relu(x)` or `torch.cat((a, b), 1)`',
      ),
    );
    return null;
  }

  /** `torch.add(a, b)`, `x.mul(s)`: the operator on two operands. */
  private arithmeticCall(
    op: '+' | '-' | '*' | '/',
    e: Expr,
    args: readonly Arg[],
    n: Naming,
    top: boolean,
  ): Evaluated | null {
    const positional = args.filter((a) => !a.name && !a.splat);
    if (positional.length !== 2 || args.length !== 2) {
      this.report(
        diag('WrongInputCount', `\`${op}\` as a function takes two operands`, e.span, `${positional.length} operands`),
      );
      return null;
    }
    return this.binary(
      { kind: 'binary', op, left: positional[0].value, right: positional[1].value, span: e.span },
      n,
      top,
    );
  }

  /**
   * Applies a functional form: the tensors first (`self` for a method), then the other arguments
   * bound by the form's own signature and handed to the op by the op's argument names.
   */
  private apply(
    form: FunctionalForm,
    e: Expr,
    args: readonly Arg[],
    self: Expr | null,
    n: Naming,
    top: boolean,
    unpack: number,
  ): Evaluated | null {
    const def = OPS.get(form.op);
    if (!def) return this.missing(form.op, e.span);
    const positional = [...args.filter((a) => !a.name)];
    const keywords = args.filter((a) => a.name);
    if (args.some((a) => a.splat)) {
      this.report(
        diag('WrongArgumentType', '`*` spreads arguments only for the children of Sequential', e.span, 'not here'),
      );
      return null;
    }
    const tensorArg =
      self ??
      positional.shift()?.value ??
      keywords.find((a) => a.name!.name === 'input' || a.name!.name === 'tensors')?.value;
    if (!tensorArg) {
      this.report(diag('WrongInputCount', `\`${describeExpr(e)}\` needs a tensor`, e.span, 'no tensor'));
      return null;
    }
    const inputs: { id: string; span: Span | null }[] = [];
    if (form.tensors === 'list') {
      const list = this.value(tensorArg, n, false, 1);
      if (!list) return null;
      if (list.kind !== 'tuple') {
        this.report(
          diag(
            'WrongArgumentType',
            `\`${describeExpr(e)}\` takes a tuple of tensors, e.g. \`(a, b)\``,
            tensorArg.span,
            'not a tuple',
          ),
        );
        return null;
      }
      for (const id of tensorIds(list)) inputs.push({ id, span: tensorArg.span });
    } else {
      const x = this.tensor(tensorArg, n);
      if (!x) return null;
      inputs.push({ id: x, span: tensorArg.span });
    }
    const bound = this.formArgs(
      form,
      positional,
      keywords.filter((a) => a.name!.name !== 'input' && a.name!.name !== 'tensors'),
      e,
      n.frame,
    );
    if (!bound) return null;
    if (!form.multi) return this.node(def, bound, inputs, e, n, top, form.op.toLowerCase());
    // several tensors: one node per name they are unpacked into
    if (!top || unpack < 2) {
      this.report(
        diag(
          'UnpackCount',
          `\`${describeExpr(e)}\` gives several tensors: unpack them into names`,
          e.span,
          'several tensors',
        ).help(`write \`a, b = ${describeExpr(e)}\``),
      );
      return null;
    }
    const items: Binding[] = [];
    for (let i = 0; i < unpack; i++) {
      const target = n.stmt.targets[i];
      const piece = this.addNode({
        id: this.freshId(n.frame.prefix + target.name),
        def,
        args: bound,
        inputs,
        spans: { stmt: n.stmt.span, name: target.span, call: e.span },
        piece: { index: i, count: unpack },
        frame: n.frame,
      });
      if (!piece) return null;
      items.push(piece);
    }
    return { kind: 'tuple', items, span: e.span };
  }

  /** The non-tensor arguments of a functional form, as the op's keyword arguments. */
  private formArgs(
    form: FunctionalForm,
    positional: readonly Arg[],
    keywords: readonly Arg[],
    e: Expr,
    frame: Frame,
  ): EvaluatedArg[] | null {
    const out: EvaluatedArg[] = [];
    const given = new Set<string>();
    const put = (param: string, op: string | null, a: Arg): boolean => {
      if (given.has(param)) {
        this.report(
          diag(
            'ArgumentGivenTwice',
            `\`${describeExpr(e)}\` got the argument \`${param}\` twice`,
            a.span,
            'given again',
          ),
        );
        return false;
      }
      given.add(param);
      const v = evaluate(a.value, frame.statics, this.report);
      if (!v) return false;
      if (op !== null) out.push({ name: { name: op, span: a.name?.span ?? a.span }, value: v, span: a.span });
      return true;
    };
    if (form.varargs) {
      if (positional.length === 1 && (positional[0].value.kind === 'tuple' || positional[0].value.kind === 'list')) {
        if (!put(form.varargs, form.varargs, positional[0])) return null;
      } else if (positional.length > 0) {
        const items: Spanned[] = [];
        for (const a of positional) {
          const v = evaluate(a.value, frame.statics, this.report);
          if (!v) return null;
          items.push(v);
        }
        const at = joinSpans(positional[0].span, positional[positional.length - 1].span);
        out.push({
          name: { name: form.varargs, span: at },
          value: { value: items.map((i) => i.value), span: at, isFloat: false, items },
          span: at,
        });
        given.add(form.varargs);
      }
    } else {
      if (positional.length > form.params.length) {
        this.report(
          diag(
            'TooManyArguments',
            `\`${describeExpr(e)}\` takes at most ${form.params.length + 1} positional arguments`,
            positional[form.params.length].span,
            'extra argument',
          ).note(`its parameters: input, ${form.params.map(([p]) => p).join(', ')}`),
        );
        return null;
      }
      for (let i = 0; i < positional.length; i++)
        if (!put(form.params[i][0], form.params[i][1], positional[i])) return null;
    }
    for (const a of keywords) {
      const param =
        form.params.find(([p]) => p === a.name!.name) ??
        (form.varargs === a.name!.name ? [form.varargs, form.varargs] : undefined);
      if (!param) {
        const guess = didYouMean(
          a.name!.name,
          form.params.map(([p]) => p),
        );
        this.report(
          diag(
            'UnknownArgument',
            `\`${describeExpr(e)}\` has no argument \`${a.name!.name}\``,
            a.name!.span,
            'unknown argument',
          ).help(
            guess
              ? `did you mean \`${guess}\`?`
              : `its arguments: ${form.params.map(([p]) => p).join(', ') || '(none)'}`,
          ),
        );
        return null;
      }
      if (!put(param[0], param[1], a)) return null;
    }
    for (const [param, v] of Object.entries(form.defaults ?? {})) {
      if (given.has(param)) continue;
      const op = form.params.find(([p]) => p === param)?.[1] ?? null;
      if (op)
        out.push({ name: { name: op, span: e.span }, value: { value: v, span: e.span, isFloat: false }, span: e.span });
    }
    return out;
  }

  private node(
    def: OpDef,
    args: readonly EvaluatedArg[],
    inputs: { id: string; span: Span | null }[],
    e: Expr,
    n: Naming,
    top: boolean,
    what: string,
  ): Evaluated | null {
    const target = n.stmt.targets[0];
    const base = top ? target.name : `${target.name}:${what}`;
    return this.addNode({
      id: this.freshId(n.frame.prefix + base),
      def,
      args,
      inputs,
      spans: { stmt: n.stmt.span, name: top ? target.span : e.span, call: e.span },
      frame: n.frame,
    });
  }

  private missing(what: string, at: Span): null {
    this.report(diag('UnknownOp', `\`${what}\` is not available in this build of cnnc`, at, 'not available'));
    return null;
  }
}

/** `F.relu` -> "F.relu"; null when the callee is not a chain of plain names. */
function dottedPath(e: Expr): string | null {
  if (e.kind === 'name' && !e.template) return e.name;
  if (e.kind === 'attr') {
    const base = dottedPath(e.object);
    return base && `${base}.${e.name.name}`;
  }
  return null;
}

/** Whether an expression reads a tensor value (or calls a function of tensors) of `frame`. */
function mentionsTensor(e: Expr, frame: Frame): boolean {
  switch (e.kind) {
    case 'name':
      return !e.template && frame.values.has(e.name) && !frame.statics.has(e.name)
        ? true
        : e.template
          ? templateMentions(e, frame)
          : false;
    case 'attr':
      return true;
    case 'call': {
      const path = dottedPath(e.callee);
      if (e.callee.kind === 'attr' || path?.includes('.')) return true;
      return e.args.some((a) => mentionsTensor(a.value, frame));
    }
    case 'tuple':
    case 'list':
      return e.items.some((i) => mentionsTensor(i, frame));
    case 'neg':
    case 'not':
      return mentionsTensor(e.operand, frame);
    case 'binary':
      return mentionsTensor(e.left, frame) || mentionsTensor(e.right, frame);
    case 'index':
      return mentionsTensor(e.object, frame);
    case 'cond':
      return mentionsTensor(e.then, frame) || mentionsTensor(e.otherwise, frame);
    case 'compare':
    case 'logic':
      return e.operands.some((o) => mentionsTensor(o, frame));
    default:
      return false;
  }
}

/** A quoted name that is a value (`` `denselayer{i}` `` read as a tensor). */
function templateMentions(e: Extract<Expr, { kind: 'name' }>, frame: Frame): boolean {
  const silent = () => undefined;
  const name = e.template ? renderTemplate(e.template, frame.statics, silent) : e.name;
  return name !== null && frame.values.has(name);
}

/** The plain names an expression reads. */
function namesIn(e: Expr): string[] {
  switch (e.kind) {
    case 'name':
      return e.template ? [] : [e.name];
    case 'tuple':
    case 'list':
      return e.items.flatMap(namesIn);
    case 'neg':
    case 'not':
      return namesIn(e.operand);
    case 'binary':
      return [...namesIn(e.left), ...namesIn(e.right)];
    case 'compare':
    case 'logic':
      return e.operands.flatMap(namesIn);
    case 'cond':
      return [...namesIn(e.then), ...namesIn(e.condition), ...namesIn(e.otherwise)];
    case 'index':
      return [...namesIn(e.object), ...namesIn(e.index)];
    case 'call':
      return e.args.flatMap((a) => namesIn(a.value));
    default:
      return [];
  }
}
