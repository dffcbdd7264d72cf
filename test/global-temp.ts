/**
 * Vitest global setup: names this run, so every temporary folder its tests make
 * (`cnnc-<run>-...`, test/temp-dir.ts) can be found, and removes whatever is left at the end: folders
 * a hook made, or that a test worker could not remove because it was stopped. Other runs' folders
 * (a second `vitest` on the same machine) carry another name and are left alone.
 */
import { readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export function setup(): void {
  process.env.CNNC_TEST_RUN ??= `run${process.pid.toString(36)}${Math.random().toString(36).slice(2, 8)}`;
}

export function teardown(): void {
  const run = process.env.CNNC_TEST_RUN;
  if (!run) return;
  for (const name of readdirSync(tmpdir())) {
    if (name.startsWith(`cnnc-${run}-`)) rmSync(join(tmpdir(), name), { recursive: true, force: true });
  }
}
