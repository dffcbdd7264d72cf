/**
 * The benchmark: for each workload, every engine is set up, checked against the reference output,
 * warmed up, then timed in interleaved rounds (each round runs every engine once, starting from a
 * different engine each time) so drifts in machine load hit every engine alike. Medians are reported.
 */
import { loadavg } from 'node:os';
import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { checkOutputs, ATOL, RTOL } from './check.ts';
import { allEngines, Unsupported, type Engine, type Runner } from './engines/index.ts';
import { machineInfo, type MachineInfo } from './machine.ts';
import { FULL, QUICK, geomean, keepWarming, median, repsFor, type TimingPolicy } from './timing.ts';
import { loadWorkload, referenceOutputs, type WorkloadDef } from './workloads.ts';
import type { CompileTimeResult } from './compile-time.ts';
import type { MemoryResult } from './memory.ts';

export type EngineStatus = 'ok' | 'failed' | 'skipped' | 'error';

export interface EngineResult {
  readonly engine: string;
  readonly kind: 'cnnc' | 'peer';
  readonly status: EngineStatus;
  /** why it was skipped, failed or crashed */
  readonly reason?: string;
  readonly medianMs?: number;
  readonly minMs?: number;
  readonly maxMs?: number;
  readonly reps?: number;
  /** 2 * MACs / median time; absent for workloads without multiply-accumulates (pooling) */
  readonly gflops?: number;
  /** building the engine's model (codegen, session creation, kernel upload) */
  readonly setupMs?: number;
  /** the first, checked run (lazy compilation happens here) */
  readonly firstRunMs?: number;
  readonly warmupRuns?: number;
  /** largest absolute difference from the reference output */
  readonly maxAbsErr?: number;
  readonly times?: readonly number[];
}

export interface WorkloadResult {
  readonly id: string;
  readonly title: string;
  readonly file: string;
  readonly macs: number;
  readonly referenceMs: number;
  readonly engines: Record<string, EngineResult>;
  /** the fastest cnnc backend that passed the check */
  readonly cnncBest: string | null;
  /** peer median / cnnc best median, per peer: above 1, cnnc is faster */
  readonly speedup: Record<string, number>;
}

export interface BenchResult {
  readonly schema: 1;
  readonly date: string;
  readonly machine: MachineInfo;
  readonly settings: {
    readonly quick: boolean;
    readonly seed: number;
    readonly rtol: number;
    readonly atol: number;
    readonly policy: TimingPolicy;
  };
  readonly engines: Record<
    string,
    { readonly kind: 'cnnc' | 'peer'; readonly description: string; readonly unavailable: string | null }
  >;
  readonly workloads: Record<string, WorkloadResult>;
  /** geometric mean over workloads of `speedup` (cnnc best vs the peer), with how many workloads it covers */
  readonly geomeanSpeedup: Record<string, { readonly value: number; readonly workloads: number }>;
  readonly compileTime?: CompileTimeResult;
  readonly memory?: MemoryResult;
  readonly totalSeconds: number;
}

export interface BenchOptions {
  readonly workloads: readonly WorkloadDef[];
  /** engine names to run (default: every engine) */
  readonly engines?: readonly string[];
  readonly quick?: boolean;
  readonly seed?: number;
  readonly policy?: TimingPolicy;
  /** also measure the compile time of this .cnn file (a ResNet-18) */
  readonly compileTimeOf?: string | null;
  /** also measure peak memory of this workload file, per engine named */
  readonly memoryOf?: { readonly file: string; readonly id: string; readonly engines: readonly string[] } | null;
  readonly log?: (line: string) => void;
}

/** The engines named, in the order of allEngines(); an unknown name is an error listing the known ones. */
export function selectEngines(names?: readonly string[]): Engine[] {
  const all = allEngines();
  if (!names) return all;
  const groups: Record<string, (e: Engine) => boolean> = {
    cnnc: (e) => e.kind === 'cnnc',
    peers: (e) => e.kind === 'peer',
  };
  const unknown = names.filter((n) => !groups[n] && !all.some((e) => e.name === n));
  if (unknown.length)
    throw new Error(
      `unknown engine ${unknown.join(', ')}: use ${all.map((e) => e.name).join(', ')}, or the groups cnnc, peers`,
    );
  return all.filter((e) => names.some((n) => n === e.name || groups[n]?.(e)));
}

interface Live {
  readonly engine: Engine;
  readonly runner: Runner;
  readonly setupMs: number;
  readonly firstRunMs: number;
  readonly maxAbsErr: number;
  readonly warmupRuns: number;
  readonly reps: number;
  readonly times: number[];
}

const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url));

const ms = (x: number) => (x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(2));

export async function runBench(options: BenchOptions): Promise<BenchResult> {
  const started = performance.now();
  const log = options.log ?? (() => undefined);
  const quick = options.quick ?? false;
  const seed = options.seed ?? 1;
  const policy = options.policy ?? (quick ? QUICK : FULL);
  const engines = selectEngines(options.engines);
  const machine = machineInfo();
  log(`machine: ${machine.cpu}, ${machine.memoryGiB} GiB, Node ${machine.node}`);

  const unavailable = new Map<string, string | null>();
  for (const e of engines) {
    const why = await e.unavailable();
    unavailable.set(e.name, why);
    if (why) log(`${e.name}: skipped everywhere: ${why}`);
  }

  const workloads: Record<string, WorkloadResult> = {};
  for (const def of options.workloads) {
    workloads[def.id] = await benchWorkload(def, engines, unavailable, seed, policy, log);
  }

  const geomeanSpeedup: BenchResult['geomeanSpeedup'] = {};
  for (const e of engines.filter((x) => x.kind === 'peer')) {
    const xs = Object.values(workloads)
      .map((w) => w.speedup[e.name])
      .filter((x): x is number => x !== undefined && Number.isFinite(x));
    if (xs.length) geomeanSpeedup[e.name] = { value: geomean(xs), workloads: xs.length };
  }

  let compileTime: CompileTimeResult | undefined;
  if (options.compileTimeOf) {
    const { measureCompileTime } = await import('./compile-time.ts');
    log(`compile time: ${options.compileTimeOf}`);
    compileTime = measureCompileTime(options.compileTimeOf, { quick });
  }
  let memory: MemoryResult | undefined;
  if (options.memoryOf) {
    const { measureMemory } = await import('./memory.ts');
    log(`peak memory: ${options.memoryOf.id} on ${options.memoryOf.engines.join(', ')} (a child process each)`);
    memory = await measureMemory(options.memoryOf.file, options.memoryOf.id, options.memoryOf.engines, {
      seed,
      runs: quick ? 1 : 5,
    });
  }

  machine.loadEnd = Math.round(loadavg()[0] * 100) / 100;
  return {
    schema: 1,
    date: new Date().toISOString(),
    machine,
    settings: { quick, seed, rtol: RTOL, atol: ATOL, policy },
    engines: Object.fromEntries(
      engines.map((e) => [
        e.name,
        { kind: e.kind, description: e.description, unavailable: unavailable.get(e.name) ?? null },
      ]),
    ),
    workloads,
    geomeanSpeedup,
    compileTime,
    memory,
    totalSeconds: (performance.now() - started) / 1000,
  };
}

async function benchWorkload(
  def: WorkloadDef,
  engines: readonly Engine[],
  unavailable: ReadonlyMap<string, string | null>,
  seed: number,
  policy: TimingPolicy,
  log: (line: string) => void,
): Promise<WorkloadResult> {
  const w = loadWorkload(def, seed);
  let t0 = performance.now();
  const reference = referenceOutputs(w);
  const referenceMs = performance.now() - t0;
  log(`${def.id} ${def.title}: ${(w.macs / 1e6).toFixed(1)} M MACs, reference ${ms(referenceMs)} ms`);

  const results: Record<string, EngineResult> = {};
  const live: Live[] = [];
  for (const engine of engines) {
    const base = { engine: engine.name, kind: engine.kind };
    const skipWhy = unavailable.get(engine.name);
    if (skipWhy) {
      results[engine.name] = { ...base, status: 'skipped', reason: skipWhy };
      continue;
    }
    let runner: Runner | null = null;
    try {
      t0 = performance.now();
      runner = await engine.prepare(w);
      const setupMs = performance.now() - t0;
      await runner.activate?.();
      t0 = performance.now();
      const first = await runner.run();
      const firstRunMs = performance.now() - t0;
      const check = checkOutputs(runner.read(first), reference);
      if (!check.ok) {
        results[engine.name] = {
          ...base,
          status: 'failed',
          reason: `output differs from the reference: ${check.problem}`,
          maxAbsErr: check.maxAbsErr,
          setupMs,
          firstRunMs,
        };
        log(`  ${engine.name}: FAILED the check: ${check.problem} (max abs err ${check.maxAbsErr.toExponential(2)})`);
        await runner.destroy();
        continue;
      }
      // warm-up: JIT tiers, caches and lazy allocation settle before anything is timed
      const warm: number[] = [];
      const warmStart = performance.now();
      while (keepWarming(policy, warm, performance.now() - warmStart)) {
        t0 = performance.now();
        await runner.run();
        warm.push(performance.now() - t0);
      }
      const estimate = median(warm.slice(-2));
      const reps = repsFor(policy, estimate);
      log(
        `  ${engine.name}: setup ${ms(setupMs)} ms, first run ${ms(firstRunMs)} ms, check ok (max abs err ${check.maxAbsErr.toExponential(2)}), ~${ms(estimate)} ms/run after ${warm.length} warm-up runs -> ${reps} timed runs`,
      );
      live.push({
        engine,
        runner,
        setupMs,
        firstRunMs,
        maxAbsErr: check.maxAbsErr,
        warmupRuns: warm.length,
        reps,
        times: [],
      });
    } catch (e) {
      const message = (e as Error).message.split('\n')[0];
      const status: EngineStatus = e instanceof Unsupported ? 'skipped' : 'error';
      results[engine.name] = { ...base, status, reason: message };
      log(`  ${engine.name}: ${status}: ${message}`);
      try {
        await runner?.destroy();
      } catch {
        // already broken; the error above is the one worth reporting
      }
    }
  }

  // interleaved rounds: every engine runs once per round, the starting engine rotates
  const rounds = Math.max(0, ...live.map((l) => l.reps));
  for (let r = 0; r < rounds; r++) {
    for (let k = 0; k < live.length; k++) {
      const l = live[(k + r) % live.length];
      if (l.times.length >= l.reps) continue;
      await l.runner.activate?.();
      t0 = performance.now();
      await l.runner.run();
      l.times.push(performance.now() - t0);
    }
  }

  for (const l of live) {
    const med = median(l.times);
    results[l.engine.name] = {
      engine: l.engine.name,
      kind: l.engine.kind,
      status: 'ok',
      medianMs: med,
      minMs: Math.min(...l.times),
      maxMs: Math.max(...l.times),
      reps: l.times.length,
      gflops: w.macs > 0 ? (2 * w.macs) / (med * 1e6) : undefined,
      setupMs: l.setupMs,
      firstRunMs: l.firstRunMs,
      warmupRuns: l.warmupRuns,
      maxAbsErr: l.maxAbsErr,
      times: l.times,
    };
    await l.runner.destroy();
  }
  // keep the engines' order
  const ordered = Object.fromEntries(engines.map((e) => [e.name, results[e.name]]));

  const ok = (kind: 'cnnc' | 'peer') => Object.values(ordered).filter((r) => r.kind === kind && r.status === 'ok');
  const best = ok('cnnc').reduce<EngineResult | null>(
    (a, r) => (a === null || r.medianMs! < a.medianMs! ? r : a),
    null,
  );
  const speedup: Record<string, number> = {};
  if (best) for (const p of ok('peer')) speedup[p.engine] = p.medianMs! / best.medianMs!;
  log(
    `  ${def.id}: ${Object.values(ordered)
      .map((r) => `${r.engine} ${r.status === 'ok' ? `${ms(r.medianMs!)} ms` : r.status.toUpperCase()}`)
      .join(', ')}`,
  );
  return {
    id: def.id,
    title: def.title,
    file: relative(REPO_ROOT, def.file),
    macs: w.macs,
    referenceMs,
    engines: ordered,
    cnncBest: best?.engine ?? null,
    speedup,
  };
}
