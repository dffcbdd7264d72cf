import { execFileSync } from 'node:child_process';
import os from 'node:os';

export interface MachineInfo {
  /** `lscpu` model name and core count, e.g. "Intel(R) Xeon(R) Processor, 2 cores" */
  readonly cpu: string;
  readonly cores: number;
  readonly memoryGiB: number;
  readonly os: string;
  readonly node: string;
  /** 1-minute load average when the run started and when it ended: other work on a shared machine skews timings */
  readonly loadStart: number;
  loadEnd?: number;
}

export function machineInfo(): MachineInfo {
  const cores = os.availableParallelism?.() ?? os.cpus().length;
  let model = os.cpus()[0]?.model ?? 'unknown CPU';
  try {
    const lscpu = execFileSync('lscpu', { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    model = /^Model name:\s*(.+)$/m.exec(lscpu)?.[1].trim() ?? model;
  } catch {
    // no lscpu (macOS, minimal containers): Node's own CPU model string
  }
  return {
    cpu: `${model}, ${cores} core${cores === 1 ? '' : 's'}`,
    cores,
    memoryGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    node: process.version,
    loadStart: Math.round(os.loadavg()[0] * 100) / 100,
  };
}
