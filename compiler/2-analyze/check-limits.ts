import { diag, type DiagnosticBuilder } from '../diagnostics/diagnostic.ts';
import { isKnown, shapeToString } from '../ir/dim.ts';
import type { Graph } from '../ir/graph.ts';

export interface Limits {
  /** the most bytes one tensor (activation or parameter) may take */
  readonly maxTensorBytes: number;
  /** the most bytes all parameters together may take */
  readonly maxParamBytes: number;
}

/** 1 GiB per tensor and 2 GiB of parameters: far above any model that runs well in JavaScript. */
export const DEFAULT_LIMITS: Limits = { maxTensorBytes: 1 << 30, maxParamBytes: 2 ** 31 };

// Typed arrays and our index arithmetic are safe below 2^31 elements
const MAX_ELEMENTS = 2 ** 31 - 1;

function mib(bytes: number): string {
  return bytes >= 2 ** 30 ? `${(bytes / 2 ** 30).toFixed(1)} GiB` : `${(bytes / 2 ** 20).toFixed(1)} MiB`;
}

/** Refuses, at compile time, tensors and parameter sets too big to allocate or to index. */
export function checkLimits(graph: Graph, limits: Limits, report: (d: DiagnosticBuilder) => void): void {
  let paramBytes = 0;
  for (const node of graph.nodes) {
    for (const p of node.params) {
      const bytes = p.shape.reduce((a, b) => a * b, 1) * 4;
      paramBytes += bytes;
      if (bytes > limits.maxTensorBytes) {
        report(diag('SizeLimit', `parameter \`${p.key}\` of shape [${p.shape.join(', ')}] needs ${mib(bytes)}, above the limit of ${mib(limits.maxTensorBytes)}`, node.spans.call, mib(bytes)).help('raise the limit with --max-tensor-mb, or use fewer channels'));
      }
    }
    if (!node.shape || !node.shape.every(isKnown)) continue;
    const elements = (node.shape as number[]).reduce((a, b) => a * b, 1);
    if (elements > MAX_ELEMENTS || elements * 4 > limits.maxTensorBytes) {
      report(
        diag('SizeLimit', `the output of \`${node.id}\`, ${shapeToString(node.shape)}, needs ${mib(elements * 4)}, above the limit of ${mib(Math.min(limits.maxTensorBytes, MAX_ELEMENTS * 4))}`, node.spans.call, mib(elements * 4))
          .note(elements > MAX_ELEMENTS ? `${elements} elements overflow 32-bit indexing` : 'the limit keeps a run from exhausting memory')
          .help('use a smaller input or batch, or raise the limit with --max-tensor-mb'),
      );
    }
  }
  if (paramBytes > limits.maxParamBytes) {
    report(diag('SizeLimit', `the parameters of \`${graph.name}\` need ${mib(paramBytes)}, above the limit of ${mib(limits.maxParamBytes)}`, graph.span, mib(paramBytes)));
  }
}
