import { diag, type DiagnosticBuilder } from '../diagnostics/diagnostic.ts';
import { type Dim, isKnown, shapeToString } from '../ir/dim.ts';
import type { Graph } from '../ir/graph.ts';
import type { Span } from '../source/span.ts';

export interface Limits {
  /** the most bytes one tensor (input, activation or parameter) may take */
  readonly maxTensorBytes: number;
  /** the most bytes all parameters together may take */
  readonly maxParamBytes: number;
}

/** 1 GiB per tensor and 2 GiB of parameters: far above any model that runs well in JavaScript. */
export const DEFAULT_LIMITS: Limits = { maxTensorBytes: 1 << 30, maxParamBytes: 2 ** 31 };

/** Typed arrays and our index arithmetic (and gpu.js's) are safe below 2^31 elements. */
export const MAX_ELEMENTS = 2 ** 31 - 1;

const BYTES_PER_ELEMENT = 4;

/** `1.5 GiB`, `3.0 MiB`, `12.0 KiB`, `100 bytes`: sizes as messages show them. */
export function formatBytes(bytes: number): string {
  if (bytes >= 2 ** 40) return `${(bytes / 2 ** 40).toFixed(1)} TiB`;
  if (bytes >= 2 ** 30) return `${(bytes / 2 ** 30).toFixed(1)} GiB`;
  if (bytes >= 2 ** 20) return `${(bytes / 2 ** 20).toFixed(1)} MiB`;
  if (bytes >= 2 ** 10) return `${(bytes / 2 ** 10).toFixed(1)} KiB`;
  return `${Math.floor(bytes)} bytes`;
}

/** `16,777,216`: element counts as messages show them. */
export function formatCount(n: number): string {
  return Number.isFinite(n) ? Math.round(n).toLocaleString('en-US') : String(n);
}

/**
 * Elements of a shape, and whether that is exact: a symbolic size is at least 1, so the product of
 * the known sizes is a lower bound that can already be too big (`[N, 3, 70000, 70000]`).
 */
function elementsOf(shape: readonly Dim[]): { elements: number; exact: boolean } {
  let elements = 1;
  let exact = true;
  for (const d of shape) {
    if (isKnown(d)) elements *= d;
    else exact = false;
  }
  return { elements, exact };
}

/** Refuses, at compile time, inputs, tensors and parameter sets too big to allocate or to index. */
export function checkLimits(graph: Graph, limits: Limits, report: (d: DiagnosticBuilder) => void): void {
  const tensorLimit = Math.min(limits.maxTensorBytes, MAX_ELEMENTS * BYTES_PER_ELEMENT);
  const checkTensor = (what: string, shape: readonly Dim[], span: Span) => {
    const { elements, exact } = elementsOf(shape);
    const bytes = elements * BYTES_PER_ELEMENT;
    if (elements <= MAX_ELEMENTS && bytes <= limits.maxTensorBytes) return;
    const atLeast = exact ? '' : 'at least ';
    report(
      diag(
        'SizeLimit',
        `${what}, ${shapeToString(shape)}, needs ${atLeast}${formatBytes(bytes)}, above the limit of ${formatBytes(tensorLimit)}`,
        span,
        `${atLeast}${formatBytes(bytes)}`,
      )
        .note(
          elements > MAX_ELEMENTS
            ? `${atLeast}${formatCount(elements)} elements overflow 32-bit indexing (at most 2^31 - 1)`
            : 'the limit keeps a run from exhausting memory',
        )
        .help('use a smaller input or batch, or raise the limit with --max-tensor-mb'),
    );
  };

  for (const input of graph.inputs) checkTensor(`input \`${input.name}\``, input.shape, input.span);
  let paramBytes = 0;
  for (const node of graph.nodes) {
    for (const p of node.params) {
      const elements = p.shape.reduce((a, b) => a * b, 1);
      const bytes = elements * BYTES_PER_ELEMENT;
      paramBytes += bytes;
      if (bytes > limits.maxTensorBytes || elements > MAX_ELEMENTS) {
        report(
          diag(
            'SizeLimit',
            `parameter \`${p.key}\` of shape [${p.shape.join(', ')}] needs ${formatBytes(bytes)}, above the limit of ${formatBytes(tensorLimit)}`,
            node.spans.call,
            formatBytes(bytes),
          )
            .note(`${formatCount(elements)} float32 values`)
            .help('raise the limit with --max-tensor-mb, or use fewer channels'),
        );
      }
    }
    if (node.shape) checkTensor(`the output of \`${node.id}\``, node.shape, node.spans.call);
  }
  if (paramBytes > limits.maxParamBytes) {
    report(
      diag(
        'SizeLimit',
        `the parameters of \`${graph.name}\` need ${formatBytes(paramBytes)}, above the limit of ${formatBytes(limits.maxParamBytes)}`,
        graph.span,
        formatBytes(paramBytes),
      ).note(`${formatCount(paramBytes / BYTES_PER_ELEMENT)} float32 values in all`),
    );
  }
}
