import { buildSync } from 'esbuild';
import { fileURLToPath } from 'node:url';
import type { SupportEntry } from '../../compiler/5-codegen/module/emit-module.ts';

const cache = new Map<string, string>();

/**
 * The runtime support a generated module needs (weights reading and checking, and for gpu.js the
 * executor), bundled from runtime/module-support/ into one script that sets `globalName`. Bundling
 * keeps one implementation of each piece: the module runs the same code the tests check. The CLI
 * hands this function to emitModule, so the code generator itself never reaches into the runtime.
 */
export function supportBundle(entry: SupportEntry, globalName: string): string {
  const key = `${entry}:${globalName}`;
  const hit = cache.get(key);
  if (hit) return hit;
  const result = buildSync({
    entryPoints: [fileURLToPath(new URL(`./${entry}.ts`, import.meta.url))],
    bundle: true,
    format: 'iife',
    globalName,
    platform: 'neutral',
    target: 'es2022',
    external: ['node:fs/promises'],
    alias: { 'gpu.js': fileURLToPath(new URL('./gpujs-shim.cjs', import.meta.url)) },
    write: false,
    legalComments: 'none',
    logLevel: 'silent',
  });
  const text = result.outputFiles[0].text;
  cache.set(key, text);
  return text;
}
