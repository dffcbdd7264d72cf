/**
 * PyTorch as the oracle: runs a Python script with Debian's /usr/bin/python3 (which has torch and
 * torchvision; scripts/setup-system.sh installs them). A missing torch fails the test that needs it,
 * with the command that installs it: the oracle is never skipped silently.
 */
import { spawnSync } from 'node:child_process';

export const PYTHON = '/usr/bin/python3';

export interface PythonRun {
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `script` (a path) with `args`; throws with Python's stderr when it exits non-zero. */
export function runPython(script: string, args: readonly string[] = [], timeoutMs = 600_000): PythonRun {
  const r = spawnSync(PYTHON, [script, ...args], {
    encoding: 'utf8',
    timeout: timeoutMs,
    maxBuffer: 256 * 1024 * 1024,
    // one thread each: tests run in parallel on a small machine
    env: { ...process.env, OMP_NUM_THREADS: '1', MKL_NUM_THREADS: '1', PYTHONHASHSEED: '0' },
  });
  if (r.error) throw new Error(`${PYTHON} ${script}: ${r.error.message}`);
  if (r.status !== 0) {
    const hint = /No module named '(torch|torchvision)'/.test(r.stderr)
      ? ' (install PyTorch with `bash scripts/setup-system.sh`, which adds python3-torch and python3-torchvision)'
      : '';
    throw new Error(`${PYTHON} ${script} ${args.join(' ')} exited ${r.status}${hint}:\n${r.stderr.slice(-4000)}`);
  }
  return { stdout: r.stdout, stderr: r.stderr };
}
