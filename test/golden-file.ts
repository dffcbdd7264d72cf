import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, isAbsolute, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';

/** Where golden files live: test/__golden__/. */
export const GOLDEN_ROOT = fileURLToPath(new URL('./__golden__/', import.meta.url));

export interface GoldenOptions {
  /** Directory the relative path is resolved against. */
  readonly root: string;
  /** Write `actual` to the file instead of comparing. */
  readonly update: boolean;
}

/**
 * Compares `actual` with test/__golden__/<relPath>. With UPDATE_GOLDEN=1 in the environment it writes
 * the file instead (review the diff before committing). A missing file fails.
 */
export function expectMatchesGoldenFile(actual: string, relPath: string): void {
  compareWithGoldenFile(actual, relPath, { root: GOLDEN_ROOT, update: process.env.UPDATE_GOLDEN === '1' });
}

/** expectMatchesGoldenFile with the root and the update switch given explicitly (for testing it). */
export function compareWithGoldenFile(actual: string, relPath: string, opts: GoldenOptions): void {
  const path = resolve(opts.root, relPath);
  const rel = relative(opts.root, path);
  if (rel === '' || rel.startsWith('..') || isAbsolute(rel)) {
    throw new Error(`golden file path ${JSON.stringify(relPath)} must name a file inside ${opts.root}`);
  }
  if (opts.update) {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, actual, 'utf8');
    return;
  }
  if (!existsSync(path)) {
    throw new Error(`golden file ${path} does not exist; run the tests with UPDATE_GOLDEN=1 to create it`);
  }
  const expected = readFileSync(path, 'utf8');
  expect(actual, `output differs from golden file ${path}; if the change is intended, rerun with UPDATE_GOLDEN=1`).toBe(
    expected,
  );
}
