import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { compareWithGoldenFile, GOLDEN_ROOT } from '../golden-file.ts';

describe('golden-file utility', () => {
  const dirs: string[] = [];
  const tmp = () => {
    const d = mkdtempSync(join(tmpdir(), 'cnnc-golden-'));
    dirs.push(d);
    return d;
  };
  afterEach(() => {
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });

  it('lives in test/__golden__', () => {
    expect(GOLDEN_ROOT.replace(/\\/g, '/')).toMatch(/\/test\/__golden__\/$/);
  });

  it('fails on a missing file and says how to create it', () => {
    expect(() => compareWithGoldenFile('x', 'a/b.txt', { root: tmp(), update: false })).toThrow(/UPDATE_GOLDEN=1/);
  });

  it('writes the file in update mode, creating folders, and then matches it', () => {
    const root = tmp();
    compareWithGoldenFile('hello\n', 'deep/er/out.txt', { root, update: true });
    expect(readFileSync(join(root, 'deep/er/out.txt'), 'utf8')).toBe('hello\n');
    expect(() => compareWithGoldenFile('hello\n', 'deep/er/out.txt', { root, update: false })).not.toThrow();
  });

  it('fails when the output differs, even only in a trailing newline', () => {
    const root = tmp();
    writeFileSync(join(root, 'g.txt'), 'hello\n');
    expect(() => compareWithGoldenFile('hello', 'g.txt', { root, update: false })).toThrow(/UPDATE_GOLDEN=1/);
    expect(() => compareWithGoldenFile('hullo\n', 'g.txt', { root, update: false })).toThrow();
  });

  it('refuses paths outside the golden folder', () => {
    expect(() => compareWithGoldenFile('x', '../escape.txt', { root: tmp(), update: true })).toThrow(/inside/);
  });
});
