import { diag } from '../../diagnostics/diagnostic.ts';
import type { SliceAttrs } from '../../ir/attrs.ts';
import { type Dim, dimToString, isKnown, shapeToString } from '../../ir/dim.ts';
import { type InferCtx, type InferResult, type InputInfo, type OpDef, REQUIRED, SAME_RF } from './op-def.ts';
import { intsOf, pyList } from './arg-values.ts';
import { symbolicCheck, unknownSize, wrongRank } from './checks.ts';
import { resolveDim } from './dims.ts';

/**
 * Chunk and Split give several tensors; the resolver makes one node per piece the program takes,
 * each with ctx.piece = {index, count}. Every piece runs the same checks, so only the first piece
 * reports: one mistake, one diagnostic.
 */
function firstPieceReports(ctx: InferCtx): InferCtx {
  if (!ctx.piece || ctx.piece.index === 0) return ctx;
  return { ...ctx, report: () => {} };
}

/**
 * The pieces along the dim, computed on demand: a Chunk or Split of a huge dim into pieces of 1
 * must not build an array of them.
 */
export interface Pieces {
  readonly count: number;
  /** [start, end) of piece i */
  bounds(i: number): readonly [number, number];
  /** the index of an empty piece, or -1 */
  readonly empty: number;
}

/** Pieces of `size` along a dim of n, the last smaller (torch.chunk after its size, tensor.split). */
function evenPieces(n: number, size: number): Pieces {
  return {
    count: Math.ceil(n / size),
    bounds: (i) => [i * size, Math.min(n, (i + 1) * size)],
    empty: -1,
  };
}

/** One piece per size (tensor.split with a list). */
function listPieces(sizes: readonly number[]): Pieces {
  const starts: number[] = [];
  let at = 0;
  for (const s of sizes) {
    starts.push(at);
    at += s;
  }
  return { count: sizes.length, bounds: (i) => [starts[i], starts[i] + sizes[i]], empty: sizes.indexOf(0) };
}

/** torch.chunk: pieces of ceil(n/chunks), the last smaller, and fewer than `chunks` when n is small. */
export function chunkPieces(n: number, chunks: number): Pieces {
  return evenPieces(n, Math.ceil(n / chunks));
}

/** tensor.split with an int: pieces of `size`, the last smaller; one piece when size >= n. */
export function splitPieces(n: number, size: number): Pieces {
  return evenPieces(n, size);
}

/** Every piece's size (for small counts: tests, notes). */
export function sizesOf(p: Pieces): number[] {
  return Array.from({ length: p.count }, (_, i) => p.bounds(i)[1] - p.bounds(i)[0]);
}

/** The sizes for a note: all of them, or the first and the last of many. */
function sizesText(p: Pieces): string {
  if (p.count <= 8) return sizesOf(p).join(', ');
  const size = (i: number) => p.bounds(i)[1] - p.bounds(i)[0];
  return `${size(0)}, ${size(1)}, ${size(2)}, ..., ${size(p.count - 1)}`;
}

/**
 * The node's piece of `pieces`, after the checks every multi-output op shares: the program must
 * take the op as exactly as many tensors as it gives (Python's unpacking), and no piece may be empty.
 */
function pieceOf(
  ctx: InferCtx,
  input: InputInfo,
  dim: number,
  pieces: Pieces,
  why: string,
  help: string,
): InferResult<'slice'> | null {
  const count = pieces.count;
  if (!ctx.piece || ctx.piece.count !== count) {
    const taken = ctx.piece?.count ?? 1;
    ctx.report(
      diag(
        'UnpackCount',
        ctx.piece
          ? `${ctx.className} \`${ctx.id}\` gives ${count} tensor${count === 1 ? '' : 's'}, but the program takes ${taken}`
          : `${ctx.className} \`${ctx.id}\` gives ${count} tensor${count === 1 ? '' : 's'}, which a layer cannot take as one value`,
        ctx.spans.call,
        `${count} piece${count === 1 ? '' : 's'}`,
      )
        .label(input.span, `\`${input.id}\` is ${shapeToString(input.shape)}`)
        .note(why)
        .note(
          !ctx.piece
            ? `in PyTorch it returns a tuple of ${count} tensors; take each piece by its own name`
            : taken > count
              ? `Python raises ValueError: not enough values to unpack (expected ${taken}, got ${count})`
              : `Python raises ValueError: too many values to unpack (expected ${taken})`,
        )
        .help(ctx.piece ? help : `unpack the ${count} pieces into ${count} names`),
    );
    return null;
  }
  const empty = pieces.empty;
  if (empty >= 0) {
    ctx.report(
      diag(
        'OutputTooSmall',
        `${ctx.className} \`${ctx.id}\`: piece ${empty} would be empty (size 0 along dim ${dim})`,
        ctx.spans.call,
        'an empty piece',
      )
        .label(input.span, `\`${input.id}\` is ${shapeToString(input.shape)}`)
        .note(why)
        .note('PyTorch gives an empty tensor there; cnnc has no empty tensors')
        .help('give every piece a size of at least 1'),
    );
    return null;
  }
  const [start, end] = pieces.bounds(ctx.piece.index);
  const attrs: SliceAttrs = { dim, start, end };
  return { shape: input.shape.map((d, j) => (j === dim ? end - start : d)), attrs };
}

/** The input's size along the dim argument, which must be known; null after a report. */
function knownSizeAlong(ctx: InferCtx, input: InputInfo, rankMessage: string): { dim: number; n: number } | null {
  if (input.shape.length === 0) return wrongRank(ctx, input, 'an input of at least 1 dimension', rankMessage);
  const dim = resolveDim(ctx, 'dim', ctx.args.value('dim') as number, input);
  if (dim === null) return null;
  const n: Dim = input.shape[dim];
  if (!isKnown(n)) return unknownSize(ctx, input, `a known size along dim ${dim} to cut it`, n, ctx.args.span('dim'));
  return { dim, n };
}

export const chunk: OpDef<'slice'> = {
  className: 'Chunk',
  op: 'slice',
  args: [
    { name: 'chunks', kind: 'int', default: REQUIRED },
    { name: 'dim', kind: 'int', default: 0 },
  ],
  arity: { min: 1, max: 1 },
  check(args, report) {
    const chunks = args.value('chunks') as number;
    if (chunks > 0) return;
    report(
      diag(
        'InvalidArgumentValue',
        `Chunk argument \`chunks\` must be at least 1, but is ${chunks}`,
        args.span('chunks'),
        'must be >= 1',
      ).note(`PyTorch would fail at run time: chunk expects \`chunks\` to be greater than 0, got: ${chunks}`),
    );
  },
  infer(outer) {
    const ctx = firstPieceReports(outer);
    const input = ctx.inputs[0];
    const at = knownSizeAlong(ctx, input, 'chunk expects at least a 1-dimensional tensor');
    if (!at) return null;
    const chunks = ctx.args.value('chunks') as number;
    const pieces = chunkPieces(at.n, chunks);
    const size = pieces.bounds(0)[1];
    const why = `chunk cuts dim ${at.dim} (size ${at.n}) into pieces of ceil(${at.n}/${chunks}) = ${size}: ${pieces.count} piece${pieces.count === 1 ? '' : 's'} (${sizesText(pieces)})`;
    const want = ctx.piece?.count ?? 0;
    const help =
      want >= 1 && want <= at.n
        ? `take ${pieces.count} pieces, or use Split(${pyList(evenSizes(at.n, want))}, dim=${ctx.args.value('dim')}) for ${want}`
        : `take ${pieces.count} pieces`;
    return pieceOf(ctx, input, at.dim, pieces, why, help);
  },
  params: () => [],
  macs: () => 0,
  receptive: () => SAME_RF,
};

/** n cut into `count` sizes as equal as possible, the larger first: a Split that gives exactly `count` pieces. */
function evenSizes(n: number, count: number): number[] {
  return Array.from({ length: count }, (_, i) => Math.floor(n / count) + (i < n % count ? 1 : 0));
}

export const split: OpDef<'slice'> = {
  className: 'Split',
  op: 'slice',
  args: [
    { name: 'split_size_or_sections', kind: 'int_or_ints', default: REQUIRED },
    { name: 'dim', kind: 'int', default: 0 },
  ],
  arity: { min: 1, max: 1 },
  check(args, report) {
    const v = args.value('split_size_or_sections');
    const sizes = intsOf(v);
    if (sizes.every((s) => s >= 0)) return;
    report(
      diag(
        'InvalidArgumentValue',
        typeof v === 'number'
          ? `Split size must not be negative, but is ${v}`
          : `Split sizes must not be negative, but are ${pyList(sizes)}`,
        args.span('split_size_or_sections'),
        'negative size',
      ).note(
        typeof v === 'number'
          ? `PyTorch would fail at run time: split expects split_size be non-negative, but got split_size=${v}`
          : `PyTorch would fail at run time: split_with_sizes expects split_sizes have only non-negative entries, but got split_sizes=${pyList(sizes)}`,
      ),
    );
  },
  infer(outer) {
    const ctx = firstPieceReports(outer);
    const input = ctx.inputs[0];
    const v = ctx.args.value('split_size_or_sections');
    const at = knownSizeAlong(
      ctx,
      input,
      typeof v === 'number'
        ? 'split expects at least a 1-dimensional tensor'
        : 'split_with_sizes expects at least a 1-dimensional tensor',
    );
    if (!at) return null;
    const argSpan = ctx.args.span('split_size_or_sections');
    if (typeof v === 'number') {
      if (v === 0) {
        ctx.report(
          diag('SliceOutOfRange', `Split \`${ctx.id}\`: a split size of 0 cannot cut ${at.n}`, argSpan, 'size 0')
            .label(input.span, `\`${input.id}\` is ${shapeToString(input.shape)}`)
            .note(
              `PyTorch would fail at run time: split_size can only be 0 if dimension size is 0, but got dimension size of ${at.n}`,
            )
            .help('give a size of at least 1'),
        );
        return null;
      }
      const pieces = splitPieces(at.n, v);
      const why = `split cuts dim ${at.dim} (size ${at.n}) into pieces of ${v}: ${pieces.count} piece${pieces.count === 1 ? '' : 's'} (${sizesText(pieces)})`;
      const want = ctx.piece?.count ?? 0;
      const help =
        want >= 1 && want <= at.n
          ? `take ${pieces.count} pieces, or give the sizes of ${want}: Split(${pyList(evenSizes(at.n, want))}, dim=${ctx.args.value('dim')})`
          : `take ${pieces.count} pieces`;
      return pieceOf(ctx, input, at.dim, pieces, why, help);
    }
    const sizes = intsOf(v);
    const total = sizes.reduce((a, b) => a + b, 0);
    if (total !== at.n) {
      const rest = at.n - (total - (sizes.at(-1) ?? 0));
      ctx.report(
        diag(
          'SliceOutOfRange',
          `Split \`${ctx.id}\`: the sizes ${pyList(sizes)} add up to ${total}, but dim ${at.dim} of \`${input.id}\` is ${at.n}`,
          argSpan,
          `sum ${total}, not ${at.n}`,
        )
          .label(input.span, `\`${input.id}\` is ${shapeToString(input.shape)}`)
          .note(
            `PyTorch would fail at run time: split_with_sizes expects split_sizes to sum exactly to ${at.n} (input tensor's size at dimension ${ctx.args.value('dim')}), but got split_sizes=${pyList(sizes)}`,
          )
          .help(
            sizes.length > 0 && rest >= 1
              ? `make the last size ${rest}: ${pyList([...sizes.slice(0, -1), rest])}`
              : `give sizes that add up to ${at.n}`,
          ),
      );
      return null;
    }
    const why = `split cuts dim ${at.dim} (size ${at.n}) into ${sizes.length} piece${sizes.length === 1 ? '' : 's'} (${sizes.join(', ')})`;
    return pieceOf(
      ctx,
      input,
      at.dim,
      listPieces(sizes),
      why,
      `take ${sizes.length} pieces, or list ${ctx.piece?.count} sizes`,
    );
  },
  params: () => [],
  macs: () => 0,
  receptive: () => SAME_RF,
};

/** torch.narrow(input, dim, start, length): a negative start counts from the end. */
export const narrow: OpDef<'slice'> = {
  className: 'Narrow',
  op: 'slice',
  args: [
    { name: 'dim', kind: 'int', default: REQUIRED },
    { name: 'start', kind: 'int', default: REQUIRED },
    { name: 'length', kind: 'int', default: REQUIRED },
  ],
  arity: { min: 1, max: 1 },
  infer(ctx) {
    const input = ctx.inputs[0];
    if (input.shape.length === 0)
      return wrongRank(ctx, input, 'an input of at least 1 dimension', 'narrow() cannot be applied to a 0-dim tensor.');
    const dim = resolveDim(ctx, 'dim', ctx.args.value('dim') as number, input);
    if (dim === null) return null;
    const start = ctx.args.value('start') as number;
    const length = ctx.args.value('length') as number;
    const n = input.shape[dim];
    const out = (s: number): InferResult<'slice'> | null => {
      if (length === 0) {
        ctx.report(
          diag(
            'OutputTooSmall',
            `Narrow \`${ctx.id}\`: length 0 gives an empty tensor`,
            ctx.args.span('length'),
            'length 0',
          )
            .note('PyTorch gives an empty tensor; cnnc has no empty tensors')
            .help('give a length of at least 1'),
        );
        return null;
      }
      const attrs: SliceAttrs = { dim, start: s, end: s + length };
      return { shape: input.shape.map((d, j) => (j === dim ? length : d)), attrs };
    };
    if (!isKnown(n)) {
      if (start < 0)
        return unknownSize(ctx, input, `a known size along dim ${dim} for a negative start`, n, ctx.args.span('start'));
      if (length < 0) return badRange(ctx, input, start, length, `${dimToString(n)}`);
      symbolicCheck(
        ctx,
        `start + length = ${start + length} fits in ${dimToString(n)}`,
        ctx.args.span('length'),
        input,
      );
      return out(start);
    }
    if (start < -n || start > n) {
      ctx.report(
        diag(
          'SliceOutOfRange',
          `Narrow \`${ctx.id}\`: start=${start} is outside dim ${dim} of \`${input.id}\`, which has size ${n}`,
          ctx.args.span('start'),
          `expected in [${-n}, ${n}]`,
        )
          .label(input.span, `\`${input.id}\` is ${shapeToString(input.shape)}`)
          .note(
            `PyTorch would fail at run time: Dimension out of range (expected to be in range of [${-n}, ${n - 1}], but got ${start})`,
          )
          .help(`give a start in [${-n}, ${n - 1}]`),
      );
      return null;
    }
    const s = start < 0 ? start + n : start;
    if (length < 0 || s + length > n) return badRange(ctx, input, s, length, String(n));
    return out(s);
  },
  params: () => [],
  macs: () => 0,
  receptive: () => SAME_RF,
};

function badRange(ctx: InferCtx, input: InputInfo, start: number, length: number, size: string): null {
  const n = Number(size);
  ctx.report(
    diag(
      'SliceOutOfRange',
      `Narrow \`${ctx.id}\`: start ${start} + length ${length} does not fit in size ${size}`,
      ctx.args.span('length'),
      length < 0 ? 'negative length' : `ends at ${start + length}`,
    )
      .label(input.span, `\`${input.id}\` is ${shapeToString(input.shape)}`)
      .note(`PyTorch would fail at run time: start (${start}) + length (${length}) exceeds dimension size (${size}).`)
      .help(
        !Number.isInteger(n) || length < 0 || n - start < 1
          ? 'give a length of at least 1 that ends inside the dimension'
          : length <= n
            ? `use a length of at most ${n - start}, or a start of at most ${n - length}`
            : `use a length of at most ${n - start}`,
      ),
  );
  return null;
}
