import type { BlockDecl, Expr, Ident, LayerStmt, ModelDecl, ParamInit, Program, Stmt } from '../1-parse/ast.ts';
import { diag, type DiagnosticBuilder } from '../diagnostics/diagnostic.ts';
import { didYouMean } from '../diagnostics/suggest.ts';
import { type Dim, sym } from '../ir/dim.ts';
import type { GraphInput, NodeSpans } from '../ir/graph.ts';
import type { Span } from '../source/span.ts';
import { bindArgs, type EvaluatedArg } from './bind-args.ts';
import { evaluate, type Scope } from './evaluate.ts';
import type { BoundArgs, OpDef } from './ops/op-def.ts';
import { OPS } from './ops/registry.ts';
import type { Spanned } from './value.ts';

/** A layer after names, blocks and arguments are resolved; shapes come in the next pass. */
export interface PendingLayer {
  readonly id: string;
  readonly def: OpDef;
  readonly args: BoundArgs;
  readonly inputs: readonly string[];
  readonly spans: NodeSpans;
  readonly paramInits: readonly ParamInit[];
  /** block parameters in scope, for evaluating inline parameter values */
  readonly scope: Scope;
  /** `layer1: BasicBlock(64)` for nodes expanded from a block, for labels */
  readonly callSiteText: string | null;
  /** which of several tensors (Chunk, Split) this node is; null for single-output ops */
  readonly piece: { readonly index: number; readonly count: number } | null;
}

export interface ResolvedModel {
  readonly name: string;
  readonly span: Span;
  readonly inputs: readonly GraphInput[];
  readonly layers: readonly PendingLayer[];
  readonly outputs: readonly { readonly name: string; readonly id: string }[];
  readonly weightsPath: string | null;
}

type Report = (d: DiagnosticBuilder) => void;

/** A name visible in a model or block body. */
interface Binding {
  readonly id: string;
  readonly span: Span;
}

interface BodyContext {
  readonly prefix: string;
  readonly scope: Scope;
  /** the block inputs' bindings, in order, when expanding a block */
  readonly blockInputs: readonly string[] | null;
  readonly callSite: Span | null;
  readonly callSiteText: string | null;
  readonly stack: readonly string[];
}

const MAX_EXPANDED_LAYERS = 100_000;
/** far beyond any real network, far below the stack depth expansion would need */
const MAX_BLOCK_DEPTH = 100;

export class Resolver {
  private readonly blocks = new Map<string, BlockDecl>();
  private layers: PendingLayer[] = [];
  /** set once the expansion limit is hit, so the limit is reported once and expansion stops */
  private expansionStopped = false;
  /** whether the concrete sizes apply to the model being resolved */
  private bindingSizes = true;

  constructor(
    private readonly report: Report,
    private readonly text: (s: Span) => string,
    /** concrete shapes for the inputs (from data at run time, or --shape): symbols get bound */
    private readonly concrete: Readonly<Record<string, readonly number[]>> = {},
    /** the model the concrete shapes are for; all models when absent */
    private readonly concreteModel: string | null = null,
  ) {}

  resolve(programs: readonly Program[]): ResolvedModel[] {
    const models: ModelDecl[] = [];
    const seen = new Map<string, Span>();
    for (const decl of programs.flatMap((p) => p.decls)) {
      const prev = seen.get(decl.name.name);
      if (prev) {
        this.report(
          diag('DuplicateDeclaration', `\`${decl.name.name}\` is declared twice`, decl.name.span, 'declared again')
            .label(prev, 'first declared here')
            .help('rename one of them'),
        );
        continue;
      }
      if (decl.kind === 'block' && OPS.has(decl.name.name)) {
        this.report(
          diag(
            'DuplicateDeclaration',
            `block \`${decl.name.name}\` has the name of a built-in op`,
            decl.name.span,
            'shadows a built-in op',
          ).help(`rename the block, e.g. \`My${decl.name.name}\``),
        );
        continue;
      }
      seen.set(decl.name.name, decl.name.span);
      if (decl.kind === 'block') this.blocks.set(decl.name.name, decl);
      else models.push(decl);
    }
    return models.map((m) => this.resolveModel(m));
  }

  private resolveModel(model: ModelDecl): ResolvedModel {
    this.layers = [];
    this.expansionStopped = false;
    const inputs: GraphInput[] = [];
    const names = new Map<string, Binding>();
    let weightsPath: string | null = null;
    let weightsSpan: Span | null = null;
    const bindings = new Map<string, number>();
    this.bindingSizes = this.concreteModel === null || this.concreteModel === model.name.name;
    for (const stmt of model.body) {
      if (stmt.kind === 'input') {
        if (!this.define(names, stmt.name, stmt.name.name)) continue;
        if (!stmt.shape) {
          this.report(
            diag(
              'InvalidInputShape',
              `model input \`${stmt.name.name}\` needs a shape`,
              stmt.name.span,
              'no shape',
            ).help(`write \`input ${stmt.name.name}: [N, 3, 224, 224]\``),
          );
          continue;
        }
        const declared = this.inputShape(stmt.shape);
        // on a size mismatch (reported) the declared shape stands in, so layers reading it are not also errors
        const shape = declared && (this.bindConcrete(stmt.name.name, declared, stmt.span, bindings) ?? declared);
        if (shape) inputs.push({ name: stmt.name.name, shape, span: stmt.span });
      } else if (stmt.kind === 'weights') {
        if (weightsSpan) {
          this.report(
            diag('DuplicateName', 'the model names its weights twice', stmt.span, 'second weights line').label(
              weightsSpan,
              'first here',
            ),
          );
          continue;
        }
        weightsPath = stmt.path.value;
        weightsSpan = stmt.span;
      }
    }
    if (inputs.length === 0 && !model.body.some((s) => s.kind === 'input')) {
      this.report(
        diag('NoInput', `model \`${model.name.name}\` has no input`, model.name.span, 'no input').help(
          `declare one, e.g. \`input x: [N, 3, 32, 32]\``,
        ),
      );
    }
    const ctx: BodyContext = {
      prefix: '',
      scope: new Map(),
      blockInputs: null,
      callSite: null,
      callSiteText: null,
      stack: [],
    };
    const last = this.body(
      model.body,
      names,
      inputs.map((i) => i.name),
      ctx,
    );
    const outputs = this.outputs(model.body, names, last);
    return { name: model.name.name, span: model.span, inputs, layers: this.layers, outputs, weightsPath };
  }

  private inputShape(dims: readonly Expr[]): Dim[] | null {
    const shape: Dim[] = [];
    for (const d of dims) {
      if (d.kind === 'int' && d.value >= 1) shape.push(d.value);
      else if (d.kind === 'name') shape.push(sym(d.name));
      else {
        this.report(
          diag(
            'InvalidInputShape',
            'an input dimension must be a positive integer or a symbol such as N',
            d.span,
            'not a size',
          ).help('write a number (28) or a name (N, H, W)'),
        );
        return null;
      }
    }
    return shape;
  }

  /** Checks concrete sizes against a declared shape, binding each symbol to one value. */
  private bindConcrete(name: string, declared: Dim[], span: Span, bindings: Map<string, number>): Dim[] | null {
    const actual = this.bindingSizes ? this.concrete[name] : undefined;
    if (!actual) return declared;
    const show = (s: readonly Dim[]) =>
      `[${s.map((d) => (typeof d === 'number' ? d : d.kind === 'sym' ? d.name : '?')).join(', ')}]`;
    const bad = (why: string) => {
      this.report(
        diag(
          'InputShapeMismatch',
          `input \`${name}\` is declared ${show(declared)}, but the data has shape [${actual.join(', ')}]: ${why}`,
          span,
          `declared ${show(declared)}`,
        ),
      );
      return null;
    };
    if (actual.length !== declared.length) return bad(`${actual.length} dimensions instead of ${declared.length}`);
    const out: Dim[] = [];
    for (let i = 0; i < declared.length; i++) {
      const d = declared[i];
      const a = actual[i];
      if (typeof d === 'number') {
        if (d !== a) return bad(`dimension ${i} is ${a}, not ${d}`);
      } else if (d.kind === 'sym') {
        const prev = bindings.get(d.name);
        if (prev !== undefined && prev !== a) return bad(`${d.name} is ${prev} elsewhere but ${a} here`);
        bindings.set(d.name, a);
      }
      out.push(a);
    }
    return out;
  }

  private define(names: Map<string, Binding>, ident: Ident, id: string): boolean {
    const prev = names.get(ident.name);
    if (prev) {
      this.report(
        diag('DuplicateName', `the name \`${ident.name}\` is defined twice`, ident.span, 'defined again')
          .label(prev.span, 'first defined here')
          .help(`rename it, e.g. \`${ident.name}_2\``),
      );
      return false;
    }
    names.set(ident.name, { id, span: ident.span });
    return true;
  }

  /**
   * Resolves the layer statements of a model or block body. `inputIds` are the ids the body's
   * inputs stand for. Returns the id of the body's last value.
   */
  private body(
    body: readonly Stmt[],
    names: Map<string, Binding>,
    inputIds: readonly string[],
    ctx: BodyContext,
  ): string | null {
    let previous: string | null = inputIds[0] ?? null;
    const later = new Map(
      body.filter((s): s is LayerStmt => s.kind === 'layer').map((s) => [s.name.name, s.name.span]),
    );
    for (const stmt of body) {
      if (stmt.kind !== 'layer') continue;
      later.delete(stmt.name.name);
      const inputs = this.layerInputs(stmt, names, previous, later);
      const id = ctx.prefix + stmt.name.name;
      if (!this.define(names, stmt.name, id)) continue;
      const resolvedId = inputs ? this.layer(stmt, id, inputs, ctx) : null;
      if (resolvedId) names.set(stmt.name.name, { id: resolvedId, span: stmt.name.span });
      previous = resolvedId ?? id;
    }
    return previous;
  }

  private layerInputs(
    stmt: LayerStmt,
    names: Map<string, Binding>,
    previous: string | null,
    later: Map<string, Span>,
  ): { id: string; span: Span | null }[] | null {
    if (!stmt.inputs) {
      if (previous === null) {
        this.report(
          diag('NoInput', `\`${stmt.name.name}\` has no input to read`, stmt.name.span, 'nothing before it').help(
            'declare an `input` line first, or name its inputs with `<-`',
          ),
        );
        return null;
      }
      return [{ id: previous, span: null }];
    }
    const out: { id: string; span: Span | null }[] = [];
    for (const ident of stmt.inputs) {
      const b = names.get(ident.name);
      if (b) {
        out.push({ id: b.id, span: ident.span });
        continue;
      }
      const defined = later.get(ident.name);
      if (defined || ident.name === stmt.name.name) {
        this.report(
          diag(
            'UseBeforeDefinition',
            `\`${stmt.name.name}\` reads \`${ident.name}\`, which is defined only ${ident.name === stmt.name.name ? 'by this statement' : 'later'}`,
            ident.span,
            'not defined yet',
          )
            .label(defined, 'defined here')
            .help('a layer can read only graph inputs and layers above it; move it below'),
        );
      } else {
        const guess = didYouMean(ident.name, names.keys());
        this.report(
          diag('UnknownName', `unknown input \`${ident.name}\``, ident.span, 'not defined').help(
            guess
              ? `did you mean \`${guess}\`?`
              : `the names defined so far: ${[...names.keys()].join(', ') || '(none)'}`,
          ),
        );
      }
      return null;
    }
    return out;
  }

  /** Resolves one layer statement; returns the id its name stands for (a block's output for a block). */
  private layer(
    stmt: LayerStmt,
    id: string,
    inputs: { id: string; span: Span | null }[],
    ctx: BodyContext,
  ): string | null {
    // checked before expanding a block too: blocks that use blocks twice over grow exponentially
    if (this.layers.length >= MAX_EXPANDED_LAYERS) {
      const at = ctx.callSite ?? stmt.callSpan;
      if (!this.expansionStopped)
        this.report(
          diag('SizeLimit', `the model expands to more than ${MAX_EXPANDED_LAYERS} layers`, at, 'too many layers')
            .label(at === stmt.callSpan ? undefined : stmt.callSpan, 'the limit is reached here')
            .help('blocks that use other blocks several times multiply the layer count; use fewer levels'),
        );
      this.expansionStopped = true;
      return null;
    }
    const block = this.blocks.get(stmt.op.name);
    if (block) return this.expandBlock(stmt, block, id, inputs, ctx);
    const def = OPS.get(stmt.op.name);
    if (!def) {
      const guess = didYouMean(stmt.op.name, [...OPS.keys(), ...this.blocks.keys()]);
      this.report(
        diag('UnknownOp', `unknown op \`${stmt.op.name}\``, stmt.op.span, 'not an op or block').help(
          guess ? `did you mean \`${guess}\`?` : `the ops are: ${[...OPS.keys()].join(', ')}`,
        ),
      );
      return null;
    }
    const evaluated = this.evaluateArgs(stmt, ctx.scope);
    if (!evaluated) return null;
    const args = bindArgs(def, id, evaluated, stmt.callSpan, this.report);
    if (!args) return null;
    if (inputs.length < def.arity.min || inputs.length > def.arity.max) {
      const want = def.arity.min === def.arity.max ? `${def.arity.min}` : `at least ${def.arity.min}`;
      this.report(
        diag(
          'WrongInputCount',
          `${def.className} \`${id}\` takes ${want} input${def.arity.max === 1 ? '' : 's'}, but ${inputs.length} ${inputs.length === 1 ? 'is' : 'are'} given`,
          stmt.inputs?.[0]?.span ?? stmt.callSpan,
          `${inputs.length} input${inputs.length === 1 ? '' : 's'}`,
        ).help(
          def.arity.min >= 2
            ? `name the inputs to merge: \`${stmt.name.name}: ${def.className}() <- a, b\``
            : 'give one input after `<-`',
        ),
      );
      return null;
    }
    const argSpans: Record<string, Span> = {};
    for (const spec of def.args) if (args.given(spec.name)) argSpans[spec.name] = args.span(spec.name);
    this.layers.push({
      id,
      def,
      args,
      inputs: inputs.map((i) => i.id),
      spans: {
        stmt: stmt.span,
        name: stmt.name.span,
        call: stmt.callSpan,
        args: argSpans,
        inputs: inputs.map((i) => i.span),
        callSite: ctx.callSite,
      },
      paramInits: stmt.params,
      scope: ctx.scope,
      callSiteText: ctx.callSiteText,
      piece: null,
    });
    return id;
  }

  private evaluateArgs(stmt: LayerStmt, scope: Scope): EvaluatedArg[] | null {
    const out: EvaluatedArg[] = [];
    let ok = true;
    for (const a of stmt.args) {
      const v = evaluate(a.value, scope, this.report);
      if (!v) ok = false;
      else out.push({ name: a.name, value: v, span: a.span });
    }
    return ok ? out : null;
  }

  private expandBlock(
    stmt: LayerStmt,
    block: BlockDecl,
    id: string,
    inputs: { id: string; span: Span | null }[],
    ctx: BodyContext,
  ): string | null {
    if (ctx.stack.includes(block.name.name)) {
      this.report(
        diag(
          'RecursiveBlock',
          `block \`${block.name.name}\` uses itself (${[...ctx.stack, block.name.name].join(' -> ')})`,
          stmt.op.span,
          'recursive use',
        ).label(block.name.span, 'block declared here'),
      );
      return null;
    }
    // each level of blocks is a level of recursion here: refuse before the stack runs out
    if (ctx.stack.length >= MAX_BLOCK_DEPTH) {
      this.report(
        diag(
          'SizeLimit',
          `blocks nest deeper than ${MAX_BLOCK_DEPTH} levels (${ctx.stack.slice(0, 3).join(' -> ')} -> ... -> ${block.name.name})`,
          ctx.callSite ?? stmt.callSpan,
          'nests too deep',
        )
          .label(ctx.callSite ? stmt.op.span : undefined, `level ${MAX_BLOCK_DEPTH + 1}`)
          .help('flatten some blocks into their callers'),
      );
      return null;
    }
    if (stmt.params.length) {
      this.report(
        diag(
          'MisplacedStatement',
          'inline parameter values belong on the layers inside a block, not on its use',
          stmt.params[0].span,
          'not allowed here',
        ),
      );
      return null;
    }
    const scope = this.bindBlockArgs(stmt, block, ctx.scope);
    if (!scope) return null;
    const declared = block.body.filter((s) => s.kind === 'input');
    for (const d of declared) {
      if (d.kind === 'input' && d.shape) {
        this.report(
          diag(
            'MisplacedStatement',
            'a block input takes its shape from where the block is used; remove the shape',
            d.span,
            'shape not allowed in a block',
          ),
        );
        return null;
      }
    }
    for (const s of block.body) {
      if (s.kind === 'weights') {
        this.report(
          diag('MisplacedStatement', 'weights belong to a model, not a block', s.span, 'not allowed in a block'),
        );
        return null;
      }
    }
    const wanted = Math.max(1, declared.length);
    if (inputs.length !== wanted) {
      this.report(
        diag(
          'WrongInputCount',
          `block \`${block.name.name}\` takes ${wanted} input${wanted === 1 ? '' : 's'}, but ${inputs.length} ${inputs.length === 1 ? 'is' : 'are'} given`,
          stmt.inputs?.[0]?.span ?? stmt.callSpan,
          `${inputs.length} given`,
        ).label(block.name.span, 'block declared here'),
      );
      return null;
    }
    const names = new Map<string, Binding>();
    for (let i = 0; i < declared.length; i++) {
      const d = declared[i];
      if (d.kind === 'input' && !this.define(names, d.name, inputs[i].id)) return null;
    }
    const inner: BodyContext = {
      prefix: `${id}.`,
      scope,
      blockInputs: inputs.map((i) => i.id),
      callSite: ctx.callSite ?? stmt.callSpan,
      callSiteText: ctx.callSiteText ?? `${stmt.name.name}: ${this.text(stmt.callSpan)}`,
      stack: [...ctx.stack, block.name.name],
    };
    const last = this.body(
      block.body,
      names,
      inputs.map((i) => i.id),
      inner,
    );
    const outStmts = block.body.filter((s) => s.kind === 'output');
    if (outStmts.length > 1) {
      this.report(
        diag(
          'MisplacedStatement',
          'a block has one `output` statement',
          outStmts[1].span,
          'second output statement',
        ).label(outStmts[0].span, 'first here'),
      );
      return null;
    }
    const outStmt = outStmts[0];
    if (outStmt && outStmt.kind === 'output') {
      if (outStmt.names.length !== 1) {
        this.report(
          diag('MisplacedStatement', 'a block has exactly one output', outStmt.span, `${outStmt.names.length} outputs`),
        );
        return null;
      }
      const b = names.get(outStmt.names[0].name);
      if (!b) {
        this.report(
          diag('UnknownName', `unknown output \`${outStmt.names[0].name}\``, outStmt.names[0].span, 'not defined').help(
            didYouMean(outStmt.names[0].name, names.keys())
              ? `did you mean \`${didYouMean(outStmt.names[0].name, names.keys())}\`?`
              : 'name a layer of this block',
          ),
        );
        return null;
      }
      return b.id;
    }
    return last;
  }

  private bindBlockArgs(stmt: LayerStmt, block: BlockDecl, outer: Scope): Map<string, Spanned> | null {
    const scope = new Map<string, Spanned>();
    const evaluated = this.evaluateArgs(stmt, outer);
    if (!evaluated) return null;
    let pos = 0;
    for (const a of evaluated) {
      const param = a.name ? block.params.find((p) => p.name.name === a.name!.name) : block.params[pos++];
      if (!param) {
        if (a.name) {
          const guess = didYouMean(
            a.name.name,
            block.params.map((p) => p.name.name),
          );
          this.report(
            diag(
              'UnknownArgument',
              `block \`${block.name.name}\` has no parameter \`${a.name.name}\``,
              a.name.span,
              'unknown parameter',
            )
              .label(block.name.span, 'block declared here')
              .help(
                guess
                  ? `did you mean \`${guess}\`?`
                  : `its parameters: ${block.params.map((p) => p.name.name).join(', ') || '(none)'}`,
              ),
          );
        } else {
          this.report(
            diag(
              'TooManyArguments',
              `block \`${block.name.name}\` takes ${block.params.length} argument${block.params.length === 1 ? '' : 's'}`,
              a.span,
              'extra argument',
            ).label(block.name.span, 'block declared here'),
          );
        }
        return null;
      }
      if (scope.has(param.name.name)) {
        this.report(
          diag(
            'ArgumentGivenTwice',
            `block \`${block.name.name}\` got \`${param.name.name}\` twice`,
            a.span,
            'given again',
          ),
        );
        return null;
      }
      scope.set(param.name.name, a.value);
    }
    for (const p of block.params) {
      if (scope.has(p.name.name)) continue;
      if (!p.default) {
        this.report(
          diag(
            'MissingArgument',
            `block \`${block.name.name}\` needs the argument \`${p.name.name}\``,
            stmt.callSpan,
            `needs ${p.name.name}`,
          ).label(p.name.span, 'parameter declared here'),
        );
        return null;
      }
      // defaults may refer to earlier parameters
      const v = evaluate(p.default, scope, this.report);
      if (!v) return null;
      scope.set(p.name.name, v);
    }
    return scope;
  }

  private outputs(
    body: readonly Stmt[],
    names: Map<string, Binding>,
    last: string | null,
  ): { name: string; id: string }[] {
    const outs = body.filter((s) => s.kind === 'output');
    if (outs.length === 0) {
      const lastName = [...names.entries()].find(([, b]) => b.id === last)?.[0] ?? last;
      return last && lastName ? [{ name: lastName, id: last }] : [];
    }
    const ids: { name: string; id: string }[] = [];
    for (const o of outs) {
      if (o.kind !== 'output') continue;
      for (const n of o.names) {
        const b = names.get(n.name);
        if (!b) {
          const guess = didYouMean(n.name, names.keys());
          this.report(
            diag('UnknownName', `unknown output \`${n.name}\``, n.span, 'not defined').help(
              guess ? `did you mean \`${guess}\`?` : 'name a layer or an input of the model',
            ),
          );
          continue;
        }
        ids.push({ name: n.name, id: b.id });
      }
    }
    return ids;
  }
}
