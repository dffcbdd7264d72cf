import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, onTestFinished } from 'vitest';

/**
 * A fresh folder `cnnc-<prefix>-XXXXXX` in the system temp dir, removed when whatever made it ends,
 * whether it passed or failed: the test that called this, or, when called outside a test (at the top
 * of a file or in a `describe`), that file's or suite's tests. A folder made where neither can be
 * hooked (inside a beforeAll) is removed at the end of the run (test/global-temp.ts), as is any a
 * stopped worker left: the folder's name carries the run's name for that.
 */
export function tempDir(prefix: string): string {
  const run = process.env.CNNC_TEST_RUN ?? 'norun';
  const dir = mkdtempSync(join(tmpdir(), `cnnc-${run}-${prefix}-`));
  const remove = () => rmSync(dir, { recursive: true, force: true });
  try {
    onTestFinished(remove);
  } catch {
    try {
      // not inside a running test
      afterAll(remove);
    } catch {
      // inside a hook: the run's teardown removes it
    }
  }
  return dir;
}
