/** The results as tables: fixed-width text for the terminal, Markdown for bench/RESULTS.md. */
import type { BenchResult, EngineResult } from './harness.ts';

type Format = 'text' | 'md';

function table(header: string[], rows: string[][], format: Format, rightFrom = 1): string {
  if (format === 'md') {
    const line = (r: string[]) => `| ${r.join(' | ')} |`;
    return [line(header), line(header.map((_, i) => (i >= rightFrom ? '---:' : '---'))), ...rows.map(line)].join('\n');
  }
  const all = [header, ...rows];
  const widths = header.map((_, c) => Math.max(...all.map((r) => r[c].length)));
  const line = (r: string[]) =>
    r
      .map((cell, c) => (c >= rightFrom ? cell.padStart(widths[c]) : cell.padEnd(widths[c])))
      .join('  ')
      .trimEnd();
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

const num = (x: number, digits = 3) => (x >= 1000 ? x.toFixed(0) : x.toPrecision(digits));
const cell = (r: EngineResult | undefined, value: (r: EngineResult) => string) =>
  !r ? '' : r.status === 'ok' ? value(r) : r.status === 'failed' ? 'FAILED' : r.status === 'skipped' ? 'skip' : 'ERROR';

export function renderReport(res: BenchResult, format: Format = 'text'): string {
  const engines = Object.keys(res.engines);
  const peers = engines.filter((e) => res.engines[e].kind === 'peer');
  const ws = Object.values(res.workloads);
  const out: string[] = [];
  const h = (title: string) => out.push('', format === 'md' ? `### ${title}` : `${title}`, '');
  const label = (w: (typeof ws)[number]) => `${w.id} ${w.title}`;

  h('Median time per run, ms (lower is better)');
  out.push(
    table(
      ['workload', 'MMACs', ...engines],
      ws.map((w) => [
        label(w),
        (w.macs / 1e6).toFixed(1),
        ...engines.map((e) => cell(w.engines[e], (r) => num(r.medianMs!))),
      ]),
      format,
    ),
  );

  h('Throughput, GFLOP/s = 2 x MACs / median time (W6 pools: no MACs)');
  out.push(
    table(
      ['workload', ...engines],
      ws.map((w) => [
        label(w),
        ...engines.map((e) => cell(w.engines[e], (r) => (r.gflops === undefined ? '-' : r.gflops.toFixed(2)))),
      ]),
      format,
    ),
  );

  h('Speed of the fastest cnnc backend relative to each peer (peer ms / cnnc ms: above 1 cnnc is faster)');
  const ratioRows = ws.map((w) => [
    label(w),
    w.cnncBest ?? '-',
    ...peers.map((p) => (w.speedup[p] === undefined ? '-' : `${num(w.speedup[p])}x`)),
  ]);
  ratioRows.push([
    'geometric mean',
    '',
    ...peers.map((p) => (res.geomeanSpeedup[p] ? `${num(res.geomeanSpeedup[p].value)}x` : '-')),
  ]);
  out.push(table(['workload', 'cnnc best', ...peers], ratioRows, format, 2));

  const problems = ws.flatMap((w) =>
    Object.values(w.engines)
      .filter((r) => r && r.status !== 'ok' && !res.engines[r.engine].unavailable)
      .map((r) => `${w.id} ${r.engine}: ${r.status}: ${r.reason}`),
  );
  const unavailable = engines
    .filter((e) => res.engines[e].unavailable)
    .map((e) => `${e}: skipped: ${res.engines[e].unavailable}`);
  if (problems.length || unavailable.length) {
    h('Not timed');
    out.push(...[...unavailable, ...problems].map((p) => (format === 'md' ? `- ${p}` : p)));
  }

  if (res.compileTime) {
    const c = res.compileTime;
    h(
      `Compile time of ${c.file} (${c.model}: ${c.lines} lines, ${c.nodes} layers, ${c.steps} plan steps, ${(c.params / 1e6).toFixed(1)} M params)`,
    );
    const row = (name: string, t: { coldMs: number; medianMs: number; reps: number }) => [
      name,
      num(t.coldMs),
      num(t.medianMs),
      String(t.reps),
    ];
    out.push(
      table(
        ['phase', 'first call ms', 'median ms', 'runs'],
        [
          row('check() (parse + names + shapes)', c.check),
          row('compile() (check, bind, re-check, plan, passes)', c.compile),
          row(`CPU codegen (${(c.cpuSourceBytes / 1024).toFixed(0)} KiB of JS)`, c.cpuCodegen),
        ],
        format,
      ),
    );
  }

  if (res.memory) {
    const m = res.memory;
    h(`Peak memory of a ${m.workload} run (resident set, MiB; ${m.method})`);
    out.push(
      table(
        ['engine', 'after imports', 'workload compiled', 'engine set up', 'peak in setup + runs', 'peak - compiled'],
        m.probes.map((p) =>
          p.error
            ? [p.engine, `error: ${p.error}`, '', '', '', '']
            : [
                p.engine,
                p.afterImportMiB.toFixed(1),
                p.afterCompileMiB.toFixed(1),
                p.afterSetupMiB.toFixed(1),
                p.peakMiB.toFixed(1),
                (p.peakMiB - p.afterCompileMiB).toFixed(1),
              ],
        ),
        format,
      ),
    );
  }

  h('Engines');
  out.push(
    ...engines.map((e) =>
      format === 'md' ? `- \`${e}\`: ${res.engines[e].description}` : `${e}: ${res.engines[e].description}`,
    ),
  );
  return out.join('\n').replace(/^\n/, '');
}

/** The committed snapshot, bench/RESULTS.md. */
export function renderMarkdown(res: BenchResult): string {
  const m = res.machine;
  return [
    '# cnnc benchmark results',
    '',
    "Written by `npm run bench -- --record` (the latest full run). Each engine's output was checked against the",
    `reference kernels (rtol ${res.settings.rtol}, atol ${res.settings.atol}) before it was timed; times are medians of interleaved`,
    'runs after warm-up, inputs in and outputs back in host memory included. fp32; batch 1 except W7.',
    '',
    `- Date: ${res.date.slice(0, 10)}`,
    `- Machine: ${m.cpu}, ${m.memoryGiB} GiB, ${m.os}`,
    `- Node ${m.node}; whole run ${res.totalSeconds.toFixed(0)} s${res.settings.quick ? ' (--quick: 1-2 runs, not a measurement)' : ''}`,
    `- Load average (1 min) at start ${m.loadStart}, at end ${m.loadEnd ?? '?'} on ${m.cores} cores: other work on the machine slows the multi-threaded engines (ort-node, wasm) most`,
    '',
    renderReport(res, 'md'),
    '',
  ].join('\n');
}
