import { buildSync } from 'esbuild';
import { fileURLToPath } from 'node:url';

const cache = new Map<string, string>();

/**
 * The runtime support a generated module needs (weights reading and checking, and for gpu.js the
 * executor), bundled from runtime/module-support/ into one script that sets `globalName`. Bundling
 * keeps one implementation of each piece: the module runs the same code the tests check.
 */
export function supportBundle(entry: 'cpu' | 'gpujs' | 'wasm', globalName: string): string {
  const key = `${entry}:${globalName}`;
  const hit = cache.get(key);
  if (hit) return hit;
  const result = buildSync({
    entryPoints: [fileURLToPath(new URL(`../../../runtime/module-support/${entry}.ts`, import.meta.url))],
    bundle: true,
    format: 'iife',
    globalName,
    platform: 'neutral',
    target: 'es2022',
    external: ['node:fs/promises'],
    alias: { 'gpu.js': fileURLToPath(new URL('../../../runtime/module-support/gpujs-shim.cjs', import.meta.url)) },
    write: false,
    legalComments: 'none',
    logLevel: 'silent',
  });
  const text = result.outputFiles[0].text;
  cache.set(key, text);
  return text;
}
