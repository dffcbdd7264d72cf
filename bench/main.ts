/** `npm run bench`: runs the benchmark, prints the tables, writes bench/results/latest.json. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs, USAGE, UsageError } from './args.ts';
import { runBench, selectEngines, type BenchResult } from './harness.ts';
import { renderMarkdown, renderReport } from './report.ts';
import { WORKLOADS } from './workloads.ts';

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));
export const DEFAULT_OUT = here('./results/latest.json');
const RESULTS_MD = here('./RESULTS.md');
const RESNET18 = here('./models/resnet18.cnn');
// cnnc's CPU backend, and two peers for scale
const MEMORY_ENGINES = ['cpu', 'ort-node', 'tfjs-wasm'];

export interface BenchIo {
  /** progress and errors (default: stderr) */
  readonly log?: (line: string) => void;
  /** the tables (default: stdout) */
  readonly print?: (text: string) => void;
}

/** Runs the bench for `argv`; returns the exit code (and the results, for tests). */
export async function main(argv: readonly string[], io: BenchIo = {}): Promise<{ code: number; result?: BenchResult }> {
  const log = io.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const print = io.print ?? ((text: string) => process.stdout.write(text));
  let args: ReturnType<typeof parseArgs>;
  try {
    args = parseArgs(argv, DEFAULT_OUT);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    log(`bench: ${e.message}\n${USAGE}`);
    return { code: 2 };
  }
  if (args.help) {
    print(`${USAGE}\n`);
    return { code: 0 };
  }
  const w8 = WORKLOADS.find((w) => w.id === 'W8')!;
  let result: BenchResult;
  try {
    const selected = new Set(selectEngines(args.engines).map((e) => e.name));
    result = await runBench({
      workloads: args.workloads,
      engines: args.engines,
      quick: args.quick,
      seed: args.seed,
      compileTimeOf: args.compileTime ? RESNET18 : null,
      memoryOf: args.memory
        ? { file: w8.file, id: w8.id, engines: MEMORY_ENGINES.filter((e) => selected.has(e)) }
        : null,
      log,
    });
  } catch (e) {
    if (!(e instanceof Error) || !/^unknown engine/.test(e.message)) throw e;
    log(`bench: ${e.message}`);
    return { code: 2 };
  }
  const m = result.machine;
  print(
    `\ncnnc benchmark, ${result.date.slice(0, 10)}, ${m.cpu}, Node ${m.node}, load average ${m.loadStart} -> ${m.loadEnd}\n\n${renderReport(result)}\n`,
  );
  mkdirSync(dirname(args.out), { recursive: true });
  writeFileSync(args.out, `${JSON.stringify(result, null, 2)}\n`);
  log(`\nwrote ${args.out}`);
  if (args.record) {
    writeFileSync(RESULTS_MD, renderMarkdown(result));
    log(`wrote ${RESULTS_MD}`);
  }
  const failed = Object.values(result.workloads)
    .flatMap((w) => Object.values(w.engines))
    .filter((r) => r.status === 'failed' || r.status === 'error');
  return { code: failed.length ? 1 : 0, result };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const { code } = await main(process.argv.slice(2));
  // ORT's thread pools and the wasm runtimes can keep the event loop alive after the last run
  process.exit(code);
}
