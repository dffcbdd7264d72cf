import type {
  AssignStmt,
  BlockDecl,
  Expr,
  ForStmt,
  Ident,
  IfStmt,
  LayerStmt,
  ModelDecl,
  ParamInit,
  Program,
  Stmt,
} from '../1-parse/ast.ts';
import { diag, type DiagnosticBuilder } from '../diagnostics/diagnostic.ts';
import { didYouMean } from '../diagnostics/suggest.ts';
import { type Dim, sym } from '../ir/dim.ts';
import type { GraphInput, NodeSpans } from '../ir/graph.ts';
import type { Span } from '../source/span.ts';
import { bindArgs, type EvaluatedArg } from './bind-args.ts';
import { bindTargets, evaluate, iterItems, renderName, type Scope, truthy } from './evaluate.ts';
import type { BoundArgs, OpDef } from './ops/op-def.ts';
import { OPS } from './ops/registry.ts';
import { type Binding, type CallSite, Frame, tensorIds } from './scope.ts';
import type { Spanned } from './value.ts';
import { ValueResolver } from './values.ts';

/** A layer after names, blocks and arguments are resolved; shapes come in the next pass. */
export interface PendingLayer {
  readonly id: string;
  readonly def: OpDef;
  readonly args: BoundArgs;
  readonly inputs: readonly string[];
  readonly spans: NodeSpans;
  readonly paramInits: readonly ParamInit[];
  /** compile-time names in scope, for evaluating inline parameter values */
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

/** What resolving a statement's op gives: the value its name stands for. */
type Produced = Binding | null;

const MAX_EXPANDED_LAYERS = 100_000;
/** far beyond any real network, far below the stack depth expansion would need */
const MAX_BLOCK_DEPTH = 100;
/** loop iterations of one model, all loops together: a loop that makes nothing still takes time */
const MAX_LOOP_ITERATIONS = 1_000_000;

/** The node a resolver adds to the graph, as ValueResolver asks for it. */
export interface NodeRequest {
  readonly id: string;
  readonly def: OpDef;
  readonly args: readonly EvaluatedArg[];
  readonly inputs: readonly { readonly id: string; readonly span: Span | null }[];
  readonly spans: Omit<NodeSpans, 'args' | 'inputs' | 'callSite'>;
  readonly paramInits?: readonly ParamInit[];
  readonly piece?: PendingLayer['piece'];
  readonly frame: Frame;
  /** for an explicit `<-` list, the span its count error points at */
  readonly inputsSpan?: Span;
}

export class Resolver {
  private readonly blocks = new Map<string, BlockDecl>();
  private layers: PendingLayer[] = [];
  /** every id of the model being resolved: graph inputs and nodes */
  private ids = new Set<string>();
  /** set once the expansion limit is hit, so the limit is reported once and expansion stops */
  private expansionStopped = false;
  private iterations = 0;
  /** whether the concrete sizes apply to the model being resolved */
  private bindingSizes = true;
  private readonly values: ValueResolver;

  constructor(
    private readonly report: Report,
    private readonly text: (s: Span) => string,
    /** concrete shapes for the inputs (from data at run time, or --shape): symbols get bound */
    private readonly concrete: Readonly<Record<string, readonly number[]>> = {},
    /** the model the concrete shapes are for; all models when absent */
    private readonly concreteModel: string | null = null,
  ) {
    this.values = new ValueResolver(
      this.report,
      (r) => this.addNode(r),
      (base) => this.freshId(base),
      this.blocks,
    );
  }

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
      if (decl.kind === 'block' && (OPS.has(decl.name.name) || decl.name.name === 'Sequential')) {
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
    this.ids = new Set();
    this.expansionStopped = false;
    this.iterations = 0;
    const inputs: GraphInput[] = [];
    const frame = new Frame('', new Map(), new Map(), { span: null, text: null, stack: [] }, true);
    let weightsPath: string | null = null;
    let weightsSpan: Span | null = null;
    const bindings = new Map<string, number>();
    this.bindingSizes = this.concreteModel === null || this.concreteModel === model.name.name;
    for (const stmt of model.body) {
      if (stmt.kind === 'input') {
        if (!this.defineValue(frame, stmt.name, { kind: 'tensor', id: stmt.name.name, span: stmt.span })) continue;
        this.ids.add(stmt.name.name);
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
    frame.previous = inputs[0]?.name ?? null;
    this.body(model.body, frame);
    const outputs = this.modelOutputs(model.body, frame);
    return { name: model.name.name, span: model.span, inputs, layers: this.layers, outputs, weightsPath };
  }

  private inputShape(dims: readonly Expr[]): Dim[] | null {
    const shape: Dim[] = [];
    for (const d of dims) {
      if (d.kind === 'int' && d.value >= 1) shape.push(d.value);
      else if (d.kind === 'name' && !d.template) shape.push(sym(d.name));
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

  /** A name for a value (an input, a layer's output): unique in its body. */
  private defineValue(frame: Frame, ident: { name: string; span: Span }, b: Binding): boolean {
    if (frame.values.has(ident.name) || frame.modules.has(ident.name)) {
      const prev = frame.modules.get(ident.name) ?? frame.values.get(ident.name)!.span;
      if (prev.start === ident.span.start && prev.file === ident.span.file) {
        // the same statement again: a loop's next iteration
        this.report(
          diag(
            'DuplicateName',
            `the name \`${ident.name}\` is defined again by the next iteration of the loop`,
            ident.span,
            'the same name in every iteration',
          ).help(`give the name a part that changes, e.g. \`\`${ident.name}{i}\`\``),
        );
        return false;
      }
      this.report(
        diag('DuplicateName', `the name \`${ident.name}\` is defined twice`, ident.span, 'defined again')
          .label(prev, 'first defined here')
          .help(`rename it, e.g. \`${ident.name}_2\``),
      );
      return false;
    }
    frame.setValue(ident.name, b);
    return true;
  }

  /** `base`, or `base@2`, `base@3`, ... when a node or input already has that id. */
  private freshId(base: string): string {
    if (!this.ids.has(base)) return base;
    for (let k = 2; ; k++) if (!this.ids.has(`${base}@${k}`)) return `${base}@${k}`;
  }

  /**
   * Resolves the statements of a body in order. Names that statements further down define are
   * noted first, so reading one early says "defined only later" rather than "unknown".
   */
  private body(body: readonly Stmt[], frame: Frame): void {
    for (const [name, span] of definedNames(body)) if (!frame.values.has(name)) frame.later.set(name, span);
    for (const stmt of body) {
      if (this.expansionStopped) return;
      this.statement(stmt, frame);
    }
  }

  private statement(stmt: Stmt, frame: Frame): void {
    switch (stmt.kind) {
      case 'input':
      case 'weights':
      case 'output':
        if (!frame.top) {
          this.report(
            diag(
              'MisplacedStatement',
              `\`${stmt.kind}\` belongs to the body of a model or block, not inside \`for\`, \`if\` or a Sequential`,
              stmt.span,
              'not allowed here',
            ),
          );
        }
        return;
      case 'layer':
        this.layerStatement(stmt, frame);
        return;
      case 'assign':
        this.assignStatement(stmt, frame);
        return;
      case 'for':
        this.forStatement(stmt, frame);
        return;
      case 'if':
        this.ifStatement(stmt, frame);
        return;
    }
  }

  private layerStatement(stmt: LayerStmt, frame: Frame): void {
    if (stmt.name && !stmt.name.template) frame.later.delete(stmt.name.name);
    const isParameter = OPS.get(stmt.op.name)?.arity.max === 0;
    const rendered = stmt.name ? renderName(stmt.name, frame.statics, this.report) : String(frame.childCount);
    if (rendered === null) return;
    if (!isParameter) frame.childCount++;
    const name = { name: rendered, span: stmt.name?.span ?? stmt.op.span };
    if (frame.values.has(name.name) || frame.modules.has(name.name)) {
      this.defineValue(frame, name, { kind: 'tensor', id: '', span: name.span });
      return;
    }
    frame.modules.set(name.name, name.span);
    const id = frame.prefix + name.name;
    const produced = this.layerOp(stmt, id, name, frame);
    if (!produced) {
      // the name stays defined (an error was reported), so later uses of it are not errors too
      frame.values.set(name.name, { kind: 'tensor', id, span: name.span });
      frame.previous = id;
      return;
    }
    frame.values.set(name.name, produced);
    const ids = tensorIds(produced);
    frame.previous = ids[ids.length - 1] ?? frame.previous;
  }

  /** Resolves what a layer statement computes: an op, a block, or a Sequential. */
  private layerOp(stmt: LayerStmt, id: string, name: { name: string; span: Span }, frame: Frame): Produced {
    // checked before expanding a block too: blocks that use blocks twice over grow exponentially
    if (this.layers.length >= MAX_EXPANDED_LAYERS) return this.expansionLimit(stmt, frame);
    if (this.ids.has(id)) {
      this.report(
        diag(
          'DuplicateName',
          `the layer \`${name.name}\` would have the id \`${id}\`, which a value already has`,
          name.span,
          'id taken',
        ).help('rename the layer or the value'),
      );
      return null;
    }
    if (stmt.op.name === 'Sequential') return this.sequential(stmt, id, frame);
    if (stmt.children) {
      this.report(
        diag(
          'MisplacedStatement',
          `only Sequential takes a body of statements; \`${stmt.op.name}\` takes arguments`,
          stmt.op.span,
          'not Sequential',
        ).help(`write \`${stmt.op.name}(...)\``),
      );
      return null;
    }
    const inputs = this.layerInputs(stmt, frame);
    if (!inputs) return null;
    const block = this.blocks.get(stmt.op.name);
    if (block) return this.expandBlock(stmt, block, id, name, inputs, frame);
    const def = OPS.get(stmt.op.name);
    if (!def) {
      const guess = didYouMean(stmt.op.name, [...OPS.keys(), ...this.blocks.keys(), 'Sequential']);
      this.report(
        diag('UnknownOp', `unknown op \`${stmt.op.name}\``, stmt.op.span, 'not an op or block').help(
          guess ? `did you mean \`${guess}\`?` : `the ops are: ${[...OPS.keys()].join(', ')}`,
        ),
      );
      return null;
    }
    const args = this.evaluateArgs(stmt, frame.statics);
    if (!args) return null;
    const request = {
      def,
      args,
      inputs: def.arity.max === 0 && !stmt.inputs ? [] : inputs,
      spans: { stmt: stmt.span, name: name.span, call: stmt.callSpan },
      paramInits: stmt.params,
      frame,
      inputsSpan: stmt.inputs?.[0]?.span,
    };
    const pieces = this.values.pieceCount(def, args);
    if (pieces === null) return this.addNode({ ...request, id });
    const items: Binding[] = [];
    for (let i = 0; i < pieces; i++) {
      const piece = this.addNode({ ...request, id: this.freshId(`${id}[${i}]`), piece: { index: i, count: pieces } });
      if (!piece) return null;
      items.push(piece);
    }
    return { kind: 'tuple', items, span: name.span };
  }

  private expansionLimit(stmt: LayerStmt, frame: Frame): null {
    const at = frame.site.span ?? stmt.callSpan;
    if (!this.expansionStopped)
      this.report(
        diag('SizeLimit', `the model expands to more than ${MAX_EXPANDED_LAYERS} layers`, at, 'too many layers')
          .label(at === stmt.callSpan ? undefined : stmt.callSpan, 'the limit is reached here')
          .help('blocks that use other blocks several times multiply the layer count; use fewer levels'),
      );
    this.expansionStopped = true;
    return null;
  }

  /** Adds one node, checking its argument binding and input count; returns its output. */
  private addNode(r: NodeRequest): Binding | null {
    if (this.layers.length >= MAX_EXPANDED_LAYERS) {
      if (!this.expansionStopped)
        this.report(
          diag(
            'SizeLimit',
            `the model expands to more than ${MAX_EXPANDED_LAYERS} layers`,
            r.spans.call,
            'too many layers',
          ),
        );
      this.expansionStopped = true;
      return null;
    }
    const { def } = r;
    const args = bindArgs(def, r.id, r.args, r.spans.call, this.report);
    if (!args) return null;
    const n = r.inputs.length;
    if (n < def.arity.min || n > def.arity.max) {
      const want =
        def.arity.min === def.arity.max ? `${def.arity.min}` : def.arity.max === 0 ? 'no' : `at least ${def.arity.min}`;
      this.report(
        diag(
          'WrongInputCount',
          `${def.className} \`${r.id}\` takes ${want} input${def.arity.max === 1 ? '' : 's'}, but ${n} ${n === 1 ? 'is' : 'are'} given`,
          r.inputsSpan ?? r.spans.call,
          `${n} input${n === 1 ? '' : 's'}`,
        ).help(
          def.arity.max === 0
            ? `remove the \`<-\`: a ${def.className} reads nothing`
            : def.arity.min >= 2
              ? `name the inputs to merge: \`${r.spans.name && this.text(r.spans.name)}: ${def.className}() <- a, b\``
              : 'give one input after `<-`',
        ),
      );
      return null;
    }
    const argSpans: Record<string, Span> = {};
    for (const spec of def.args) if (args.given(spec.name)) argSpans[spec.name] = args.span(spec.name);
    this.ids.add(r.id);
    this.layers.push({
      id: r.id,
      def,
      args,
      inputs: r.inputs.map((i) => i.id),
      spans: { ...r.spans, args: argSpans, inputs: r.inputs.map((i) => i.span), callSite: r.frame.site.span },
      paramInits: r.paramInits ?? [],
      scope: new Map(r.frame.statics),
      callSiteText: r.frame.site.text,
      piece: r.piece ?? null,
    });
    return { kind: 'tensor', id: r.id, span: r.spans.name };
  }

  /** The tensors a layer reads: its `<-` list (tuples spread), or the previous statement's value. */
  private layerInputs(stmt: LayerStmt, frame: Frame): { id: string; span: Span | null }[] | null {
    if (!stmt.inputs) {
      const def = OPS.get(stmt.op.name);
      if (def && def.arity.max === 0) return [];
      if (frame.previous === null) {
        this.report(
          diag(
            'NoInput',
            `\`${stmt.name ? this.text(stmt.name.span) : stmt.op.name}\` has no input to read`,
            stmt.name?.span ?? stmt.op.span,
            'nothing before it',
          ).help('declare an `input` line first, or name its inputs with `<-`'),
        );
        return null;
      }
      return [{ id: frame.previous, span: null }];
    }
    const out: { id: string; span: Span | null }[] = [];
    for (const ref of stmt.inputs) {
      const b = this.values.lookup(ref, frame, stmt.name?.name ?? null);
      if (!b) return null;
      for (const id of tensorIds(b)) out.push({ id, span: ref.span });
    }
    return out;
  }

  private evaluateArgs(stmt: { readonly args: LayerStmt['args'] }, scope: Scope): EvaluatedArg[] | null {
    const out: EvaluatedArg[] = [];
    let ok = true;
    for (const a of stmt.args) {
      const v = evaluate(a.value, scope, this.report);
      if (!v) ok = false;
      else if (a.splat) {
        if (!v.items) {
          this.report(diag('WrongArgumentType', '`*` spreads a list or tuple', a.span, 'not a sequence'));
          ok = false;
        } else for (const item of v.items) out.push({ name: null, value: item, span: item.span });
      } else out.push({ name: a.name, value: v, span: a.span });
    }
    return ok ? out : null;
  }

  /**
   * `name: Sequential(A(...), B(...))` or `name: Sequential { statements }`: children numbered from
   * 0 under `name.`, each reading the one before; the value is the last child's (or the input for
   * an empty Sequential, as in PyTorch).
   */
  private sequential(stmt: LayerStmt, id: string, frame: Frame): Produced {
    const inputs = this.layerInputs(stmt, frame);
    if (!inputs) return null;
    if (inputs.length !== 1) {
      this.report(
        diag(
          'WrongInputCount',
          `Sequential \`${id}\` takes 1 input, but ${inputs.length} are given`,
          stmt.inputs?.[0]?.span ?? stmt.callSpan,
          `${inputs.length} inputs`,
        ),
      );
      return null;
    }
    if (stmt.params.length) {
      this.report(
        diag(
          'MisplacedStatement',
          'inline parameter values belong on the layers inside a Sequential',
          stmt.params[0].span,
          'not allowed here',
        ),
      );
      return null;
    }
    const inner = frame.nested(`${id}.`);
    inner.previous = inputs[0].id;
    if (stmt.children) this.body(stmt.children, inner);
    else {
      for (const a of stmt.args) {
        if (a.name) {
          this.report(
            diag(
              'UnknownArgument',
              'Sequential takes its children as positional arguments',
              a.name.span,
              'keyword argument',
            ).help('write `Sequential(Conv2d(...), ReLU(), ...)`'),
          );
          return null;
        }
        if (!this.moduleArgument(a.value, a.splat === true, inner)) return null;
      }
    }
    return { kind: 'tensor', id: inner.previous ?? inputs[0].id, span: stmt.op.span };
  }

  /**
   * One argument of `Sequential(...)`: a call (`Conv2d(3, 64, 3)`, a block, a nested Sequential),
   * a conditional between two, or with `*`, a list or comprehension of them.
   */
  private moduleArgument(e: Expr, splat: boolean, frame: Frame): boolean {
    if (e.kind === 'cond') {
      const c = evaluate(e.condition, frame.statics, this.report, 'in a condition');
      if (!c) return false;
      return this.moduleArgument(truthy(c.value) ? e.then : e.otherwise, splat, frame);
    }
    if (splat && (e.kind === 'list' || e.kind === 'tuple'))
      return e.items.every((item) => this.moduleArgument(item, false, frame));
    if (splat && e.kind === 'comprehension') {
      const iter = evaluate(e.iter, frame.statics, this.report, 'in a loop');
      const items = iter && iterItems(iter, this.report);
      if (!items) return false;
      for (const item of items) {
        const scope = bindTargets(e.targets, item, frame.statics, this.report);
        if (!scope) return false;
        const saved = new Map(frame.statics);
        for (const [k, v] of scope) frame.statics.set(k, v);
        const keep = e.filter ? evaluate(e.filter, frame.statics, this.report, 'in a condition') : null;
        const ok =
          e.filter && keep && !truthy(keep.value)
            ? true
            : e.filter && !keep
              ? false
              : this.moduleArgument(e.element, false, frame);
        frame.statics.clear();
        for (const [k, v] of saved) frame.statics.set(k, v);
        if (!ok) return false;
      }
      return true;
    }
    if (e.kind === 'call' && e.callee.kind === 'name' && !e.callee.template) {
      const op: Ident = { kind: 'ident', name: e.callee.name, span: e.callee.span };
      this.layerStatement(
        {
          kind: 'layer',
          name: null,
          op,
          args: e.args,
          callSpan: e.span,
          inputs: null,
          params: [],
          children: null,
          span: e.span,
        },
        frame,
      );
      return true;
    }
    this.report(
      diag(
        'WrongArgumentType',
        'a child of Sequential is an op or block with its arguments, e.g. `Conv2d(3, 64, 3)`',
        e.span,
        'not a module',
      ).help(
        splat
          ? 'spread a list of modules: `*[Block(i) for i in range(3)]`'
          : 'write the op with `()`, or spread a list with `*`',
      ),
    );
    return false;
  }

  private expandBlock(
    stmt: LayerStmt,
    block: BlockDecl,
    id: string,
    name: { name: string; span: Span },
    inputs: { id: string; span: Span | null }[],
    frame: Frame,
  ): Produced {
    if (frame.site.stack.includes(block.name.name)) {
      this.report(
        diag(
          'RecursiveBlock',
          `block \`${block.name.name}\` uses itself (${[...frame.site.stack, block.name.name].join(' -> ')})`,
          stmt.op.span,
          'recursive use',
        ).label(block.name.span, 'block declared here'),
      );
      return null;
    }
    // each level of blocks is a level of recursion here: refuse before the stack runs out
    if (frame.site.stack.length >= MAX_BLOCK_DEPTH) {
      const stack = frame.site.stack;
      this.report(
        diag(
          'SizeLimit',
          `blocks nest deeper than ${MAX_BLOCK_DEPTH} levels (${stack.slice(0, 3).join(' -> ')} -> ... -> ${block.name.name})`,
          frame.site.span ?? stmt.callSpan,
          'nests too deep',
        )
          .label(frame.site.span ? stmt.op.span : undefined, `level ${MAX_BLOCK_DEPTH + 1}`)
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
    const scope = this.bindBlockArgs(stmt, block, frame.statics);
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
    const site: CallSite = {
      span: frame.site.span ?? stmt.callSpan,
      text: frame.site.text ?? `${name.name}: ${this.text(stmt.callSpan)}`,
      stack: [...frame.site.stack, block.name.name],
    };
    const inner = new Frame(`${id}.`, scope, new Map(), site, true);
    for (let i = 0; i < declared.length; i++) {
      const d = declared[i];
      if (
        d.kind === 'input' &&
        !this.defineValue(inner, d.name, { kind: 'tensor', id: inputs[i].id, span: d.name.span })
      )
        return null;
    }
    inner.previous = inputs[0].id;
    this.body(block.body, inner);
    return this.blockOutput(block, inner);
  }

  /** A block's value: its `output` (a tuple for several names), or its last value. */
  private blockOutput(block: BlockDecl, inner: Frame): Produced {
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
    if (outStmt?.kind !== 'output') {
      return inner.previous === null ? null : { kind: 'tensor', id: inner.previous, span: block.name.span };
    }
    const items: Binding[] = [];
    for (const n of outStmt.names) {
      const rendered = renderName(n, inner.statics, this.report);
      if (rendered === null) return null;
      const b = inner.values.get(rendered);
      if (!b) {
        const guess = didYouMean(rendered, inner.values.keys());
        this.report(
          diag('UnknownName', `unknown output \`${rendered}\``, n.span, 'not defined').help(
            guess ? `did you mean \`${guess}\`?` : 'name a layer of this block',
          ),
        );
        return null;
      }
      items.push(b);
    }
    return items.length === 1 ? items[0] : { kind: 'tuple', items, span: outStmt.span };
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

  private assignStatement(stmt: AssignStmt, frame: Frame): void {
    for (const t of stmt.targets) frame.later.delete(t.name);
    const value = this.values.evaluate(stmt, frame);
    if (!value) {
      // the names stay defined (an error was reported), so later uses are not errors too
      for (const t of stmt.targets)
        if (!frame.values.has(t.name) && !frame.statics.has(t.name))
          frame.setValue(t.name, { kind: 'tensor', id: '', span: t.span });
      // the chain stands for no node either, so what reads it is skipped, not checked on a wrong value
      frame.previous = '';
      return;
    }
    if (stmt.targets.length === 1) {
      const t = stmt.targets[0];
      if (value.kind === 'static') frame.setStatic(t.name, value.value);
      else this.bindValue(frame, t, value);
      return;
    }
    const parts = value.kind === 'static' ? (value.value.items ?? null) : value.kind === 'tuple' ? value.items : null;
    if (!parts || parts.length !== stmt.targets.length) {
      const n = stmt.targets.length;
      const got = parts?.length ?? 1;
      this.report(
        diag(
          'WrongInputCount',
          got < n
            ? `not enough values to unpack (expected ${n}, got ${got})`
            : `too many values to unpack (expected ${n})`,
          stmt.value.span,
          `${got} value${got === 1 ? '' : 's'}`,
        ).label(stmt.targets[0].span, `${n} names`),
      );
      return;
    }
    stmt.targets.forEach((t, i) => {
      const part = parts[i];
      if ('kind' in part && (part.kind === 'tensor' || part.kind === 'tuple')) this.bindValue(frame, t, part);
      else frame.setStatic(t.name, part as Spanned);
    });
  }

  private bindValue(frame: Frame, target: Ident, b: Binding): void {
    if (frame.modules.has(target.name) && frame.values.get(target.name) === undefined) {
      this.defineValue(frame, target, b);
      return;
    }
    frame.setValue(target.name, b);
    const ids = tensorIds(b);
    if (ids.length) frame.previous = ids[ids.length - 1];
  }

  private forStatement(stmt: ForStmt, frame: Frame): void {
    const iter = evaluate(stmt.iter, frame.statics, this.report, 'in a loop');
    const items = iter && iterItems(iter, this.report);
    if (!items) return;
    for (const item of items) {
      if (++this.iterations > MAX_LOOP_ITERATIONS) {
        this.report(
          diag(
            'SizeLimit',
            `the model's loops run more than ${MAX_LOOP_ITERATIONS} times`,
            stmt.iter.span,
            'too many iterations',
          ),
        );
        this.expansionStopped = true;
        return;
      }
      const scope = bindTargets(stmt.targets, item, frame.statics, this.report);
      if (!scope) return;
      for (const t of stmt.targets) frame.setStatic(t.name, scope.get(t.name)!);
      this.body(stmt.body, frame);
      if (this.expansionStopped) return;
    }
  }

  private ifStatement(stmt: IfStmt, frame: Frame): void {
    for (const branch of stmt.branches) {
      if (!this.values.staticCondition(branch.condition, frame)) return;
      const c = evaluate(branch.condition, frame.statics, this.report, 'in a condition');
      if (!c) return;
      if (truthy(c.value)) {
        this.body(branch.body, frame);
        return;
      }
    }
    if (stmt.orelse) this.body(stmt.orelse, frame);
  }

  private modelOutputs(body: readonly Stmt[], frame: Frame): { name: string; id: string }[] {
    const outs = body.filter((s) => s.kind === 'output');
    if (outs.length === 0) {
      const last = frame.previous;
      const lastName = [...frame.values.entries()].find(([, b]) => b.kind === 'tensor' && b.id === last)?.[0] ?? last;
      return last && lastName ? [{ name: lastName, id: last }] : [];
    }
    const ids: { name: string; id: string }[] = [];
    for (const o of outs) {
      if (o.kind !== 'output') continue;
      for (const n of o.names) {
        const rendered = renderName(n, frame.statics, this.report);
        if (rendered === null) continue;
        const b = frame.values.get(rendered);
        if (!b) {
          const guess = didYouMean(rendered, frame.values.keys());
          this.report(
            diag('UnknownName', `unknown output \`${rendered}\``, n.span, 'not defined').help(
              guess ? `did you mean \`${guess}\`?` : 'name a layer or an input of the model',
            ),
          );
          continue;
        }
        const tensors = tensorIds(b);
        tensors.forEach((id, k) => ids.push({ name: tensors.length === 1 ? rendered : `${rendered}[${k}]`, id }));
      }
    }
    return ids;
  }
}

/** Names the statements of a body define by name (layers and `=` targets, also inside `for` and `if`). */
function definedNames(body: readonly Stmt[]): Map<string, Span> {
  const out = new Map<string, Span>();
  const visit = (stmts: readonly Stmt[]) => {
    for (const s of stmts) {
      if (s.kind === 'layer' && s.name && !s.name.template && !out.has(s.name.name)) out.set(s.name.name, s.name.span);
      else if (s.kind === 'assign') {
        for (const t of s.targets) if (!out.has(t.name)) out.set(t.name, t.span);
      } else if (s.kind === 'for') visit(s.body);
      else if (s.kind === 'if') {
        for (const b of s.branches) visit(b.body);
        if (s.orelse) visit(s.orelse);
      }
    }
  };
  visit(body);
  return out;
}
