/**
 * What a body (a model, a block expansion, a Sequential) knows while it is resolved: its module path,
 * the compile-time names and the value names in scope, the children it has, and the chain of
 * statements (the value a layer without `<-` reads).
 */
import type { Span } from '../source/span.ts';
import type { Spanned } from './value.ts';

/** A value in a body: a tensor (a node's output or a graph input), or a tuple of them. */
export type Binding =
  | { readonly kind: 'tensor'; readonly id: string; readonly span: Span }
  | { readonly kind: 'tuple'; readonly items: readonly Binding[]; readonly span: Span };

/** Where a body's nodes come from, for labels that point at the use of a block. */
export interface CallSite {
  readonly span: Span | null;
  readonly text: string | null;
  /** the blocks being expanded, outermost first (for recursion and depth checks) */
  readonly stack: readonly string[];
}

export class Frame {
  /** child module names of this body (PyTorch's `_modules`), for duplicate names */
  readonly modules = new Map<string, Span>();
  /** children so far: an unnamed child is named by this count, as `Sequential.append` does */
  childCount = 0;
  /** the id of the last value: what a layer without `<-` reads */
  previous: string | null = null;
  /** names defined by statements not resolved yet (for "defined only later") */
  readonly later = new Map<string, Span>();

  constructor(
    /** the module path of this body's children, `''` or `layer1.0.` */
    readonly prefix: string,
    /** compile-time names: block parameters, loop variables, `w = c * 2` */
    readonly statics: Map<string, Spanned>,
    /** value names: inputs, layers, `x = ...` */
    readonly values: Map<string, Binding>,
    readonly site: CallSite,
    /** true for a model's or block's own body, where `input`, `weights` and `output` belong */
    readonly top: boolean,
  ) {}

  /** A body nested in this one (a Sequential), seeing its compile-time names but none of its values. */
  nested(prefix: string): Frame {
    return new Frame(prefix, new Map(this.statics), new Map(), this.site, false);
  }

  /** Binds a compile-time value; a value of that name is no longer in scope. */
  setStatic(name: string, v: Spanned): void {
    this.values.delete(name);
    this.statics.set(name, v);
  }

  /** Binds a value; a compile-time value of that name is no longer in scope. */
  setValue(name: string, b: Binding): void {
    this.statics.delete(name);
    this.values.set(name, b);
  }
}

/** The tensor ids of a binding, in order (a tuple's items flattened). */
export function tensorIds(b: Binding): string[] {
  return b.kind === 'tensor' ? [b.id] : b.items.flatMap(tensorIds);
}
