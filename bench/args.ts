/** Command-line options of `npm run bench`. */
import { WORKLOADS, type WorkloadDef } from './workloads.ts';
import { resolve } from 'node:path';

export interface BenchArgs {
  readonly quick: boolean;
  readonly workloads: readonly WorkloadDef[];
  readonly engines?: readonly string[];
  readonly out: string;
  /** also rewrite bench/RESULTS.md */
  readonly record: boolean;
  readonly compileTime: boolean;
  readonly memory: boolean;
  readonly seed: number;
  readonly help: boolean;
}

export class UsageError extends Error {}

export const USAGE = `usage: npm run bench -- [options]
  --quick              smoke run: one warm-up and 2 timed runs per engine
  --only W2,W5         only these workloads (W1-W8)
  --workload FILE      bench a .cnn file instead (repeatable)
  --engines cpu,ort-node  only these engines (names as in the table; groups: cnnc, peers)
  --out FILE           JSON results (default bench/results/latest.json)
  --record             also write the tables to bench/RESULTS.md
  --no-compile-time    skip the ResNet-18 compile-time measurement
  --no-memory          skip the W8 peak-memory measurement
  --seed N             weights and input seed (default 1)`;

export function parseArgs(argv: readonly string[], defaultOut: string): BenchArgs {
  let quick = false;
  let record = false;
  let compileTime = true;
  let memory = true;
  let help = false;
  let seed = 1;
  let out = defaultOut;
  let only: string[] | null = null;
  const files: string[] = [];
  let engines: string[] | undefined;
  const list = (v: string) =>
    v
      .split(',')
      .map((x) => x.trim())
      .filter(Boolean);
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const [flag, inline] =
      a.startsWith('--') && a.includes('=')
        ? [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)]
        : [a, undefined];
    const value = () => {
      const v = inline ?? argv[++i];
      if (v === undefined) throw new UsageError(`${flag} needs a value`);
      return v;
    };
    switch (flag) {
      case '--quick':
        quick = true;
        break;
      case '--record':
        record = true;
        break;
      case '--no-compile-time':
        compileTime = false;
        break;
      case '--no-memory':
        memory = false;
        break;
      case '--only':
        only = list(value()).map((x) => x.toUpperCase());
        break;
      case '--workload':
        files.push(resolve(value()));
        break;
      case '--engines':
        engines = list(value());
        break;
      case '--out':
        out = resolve(value());
        break;
      case '--seed':
        seed = Number(value());
        if (!Number.isInteger(seed)) throw new UsageError('--seed takes an integer');
        break;
      case '--help':
      case '-h':
        help = true;
        break;
      default:
        throw new UsageError(`unknown option ${a}`);
    }
  }
  let workloads: WorkloadDef[] = [...WORKLOADS];
  if (only) {
    const unknown = only.filter((id) => !WORKLOADS.some((w) => w.id === id));
    if (unknown.length)
      throw new UsageError(`unknown workload ${unknown.join(', ')}: use ${WORKLOADS.map((w) => w.id).join(', ')}`);
    workloads = WORKLOADS.filter((w) => only!.includes(w.id));
  }
  if (files.length)
    workloads = [
      ...(only ? workloads : []),
      ...files.map((file, i) => ({ id: `F${i + 1}`, title: file.split('/').pop()!, file })),
    ];
  return { quick, workloads, engines, out, record, compileTime, memory, seed, help };
}
