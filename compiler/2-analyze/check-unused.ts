import { diag, type DiagnosticBuilder } from '../diagnostics/diagnostic.ts';
import type { Graph } from '../ir/graph.ts';

/** Warns about layers whose output nothing reads and that are not outputs: usually a missing `<-`. */
export function checkUnused(graph: Graph, report: (d: DiagnosticBuilder) => void): void {
  const read = new Set(graph.nodes.flatMap((n) => n.inputs));
  graph.outputs.forEach((o) => read.add(o));
  for (const node of graph.nodes) {
    if (read.has(node.id)) continue;
    report(
      diag('UnusedLayer', `the output of \`${node.id}\` is never used`, node.spans.name, 'computed, then dropped')
        .note('the next statement reads only the statement right before it, unless it names its inputs with `<-`')
        .help(`read it with \`<- ${node.id}\` in a later layer, list it in \`output\`, or remove it`),
    );
  }
}
