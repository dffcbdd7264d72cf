import { Option } from 'commander';
import { DEFAULT_LIMITS, type Limits } from '../2-analyze/check-limits.ts';
import { CliError } from './errors.ts';

/** `--max-tensor-mb 256`: bytes. A usage error (exit 2) for anything but a positive number. */
export function parseMegabytes(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n <= 0)
    throw new CliError(`--max-tensor-mb needs a positive number, not \`${value}\``, 2);
  return n * 2 ** 20;
}

/** The option every command that checks sizes takes (check, run, build). */
export function maxTensorOption(): Option {
  return new Option(
    '--max-tensor-mb <mb>',
    `refuse tensors larger than this many MiB (default ${DEFAULT_LIMITS.maxTensorBytes / 2 ** 20})`,
  ).argParser(parseMegabytes);
}

/** The limits to check with, from parsed options. */
export function limitsFrom(opts: { maxTensorMb?: number }): Partial<Limits> | undefined {
  return opts.maxTensorMb === undefined ? undefined : { maxTensorBytes: opts.maxTensorMb };
}
