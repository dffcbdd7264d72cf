import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, onTestFinished } from 'vitest';

/**
 * A fresh folder `cnnc-<prefix>-XXXXXX` in the system temp dir, removed when whatever made it ends,
 * whether it passed or failed: the test that called this, or, when called outside a test (at the top
 * of a file or in a `describe`), that file's or suite's tests.
 */
export function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), `cnnc-${prefix}-`));
  const remove = () => rmSync(dir, { recursive: true, force: true });
  try {
    onTestFinished(remove);
  } catch {
    // not inside a running test
    afterAll(remove);
  }
  return dir;
}
