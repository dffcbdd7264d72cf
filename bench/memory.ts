/**
 * Peak memory of running a workload, one child process per engine so each measurement is its own.
 * The child reports its resident set after loading its modules, after compiling the workload (and
 * loading the engine's library), after setting the engine up, and the peak resident set from engine
 * setup through the runs (memory-child.ts says how the peak is read).
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export interface MemoryProbe {
  readonly engine: string;
  /** resident set in MiB at each stage */
  readonly afterImportMiB: number;
  readonly afterCompileMiB: number;
  readonly afterSetupMiB: number;
  /** the high-water mark from engine setup through the runs */
  readonly peakMiB: number;
  readonly runs: number;
  readonly method?: string;
  readonly error?: string;
}

export interface MemoryResult {
  readonly workload: string;
  readonly method: string;
  readonly probes: readonly MemoryProbe[];
}

const child = fileURLToPath(new URL('./memory-child.ts', import.meta.url));
const repoRoot = fileURLToPath(new URL('..', import.meta.url));

function probe(file: string, engine: string, seed: number, runs: number): Promise<MemoryProbe> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', child, file, engine, String(seed), String(runs)],
      { cwd: repoRoot, timeout: 120_000, maxBuffer: 1 << 20 },
      (err, stdout, stderr) => {
        const line = stdout.trim().split('\n').pop() ?? '';
        try {
          if (err) throw err;
          resolve(JSON.parse(line) as MemoryProbe);
        } catch (e) {
          const why = stderr.trim().split('\n').filter(Boolean).pop() ?? (e as Error).message;
          resolve({
            engine,
            afterImportMiB: NaN,
            afterCompileMiB: NaN,
            afterSetupMiB: NaN,
            peakMiB: NaN,
            runs: 0,
            error: why,
          });
        }
      },
    );
  });
}

export async function measureMemory(
  file: string,
  id: string,
  engines: readonly string[],
  { seed = 1, runs = 5 } = {},
): Promise<MemoryResult> {
  const probes: MemoryProbe[] = [];
  for (const e of engines) probes.push(await probe(file, e, seed, runs));
  const how = probes.find((p) => p.method)?.method ?? 'ru_maxrss';
  return { workload: id, method: `a fresh Node process per engine; peak over setup and ${runs} runs: ${how}`, probes };
}
