/** Writes a golden case to disk as cnnc's user would have it: .cnn, .npy inputs, .safetensors weights. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeNpy } from '../../runtime/io/npy.ts';
import { writeSafetensors } from '../../runtime/io/safetensors.ts';
import type { GoldenCase } from '../golden.ts';
import { goldenToCnn } from '../golden-to-cnn.ts';

/** The backends CI runs every golden case on (headless GL under xvfb-run). */
export const CI_BACKENDS = ['cpu', 'wasm', 'gpujs:webasm', 'gpujs:headlessgl', 'gpujs:cpu'] as const;

export interface GoldenFiles {
  readonly dir: string;
  readonly cnn: string;
  readonly weights: string | null;
  /** `name=path` for each graph input */
  readonly inputArgs: string[];
}

export function writeGoldenFiles(c: GoldenCase, root: string): GoldenFiles {
  const dir = join(root, c.id);
  mkdirSync(dir, { recursive: true });
  const hasParams = Object.keys(c.params).length > 0;
  const cnn = join(dir, `${c.id}.cnn`);
  writeFileSync(cnn, goldenToCnn(c).text);
  let weights: string | null = null;
  if (hasParams) {
    weights = join(dir, 'weights.safetensors');
    writeFileSync(weights, writeSafetensors(c.params));
  }
  const inputArgs = Object.entries(c.input).map(([name, t]) => {
    const p = join(dir, `${name}.npy`);
    writeFileSync(p, writeNpy(t));
    return `${name}=${p}`;
  });
  return { dir, cnn, weights, inputArgs };
}
