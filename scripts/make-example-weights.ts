/**
 * Writes the seeded weights of the example architectures (examples/<name>/<name>.safetensors):
 * PyTorch's default initialisation (runtime/io/init.ts defaultInit, through initialWeights) with a
 * fixed seed, keyed by the model's own state_dict names (planned without folding passes).
 * Run `npx tsx scripts/make-example-weights.ts`; the files are the same on every run.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { check, compile } from '../compiler/index.ts';
import { writeSafetensors } from '../runtime/io/safetensors.ts';
import { initialWeights } from '../runtime/weights.ts';

export const WEIGHTS_SEED = 0;

/** Examples that ship weights (each < 300 KB). */
export const WEIGHTED_EXAMPLES = [
  'rgb-feature-maps',
  'lenet5',
  'vgg-block',
  'resnet-block',
  'mobilenet-block',
] as const;

/** The safetensors bytes for one example's .cnn. */
export function exampleWeights(name: string): Uint8Array {
  const file = `examples/${name}/${name}.cnn`;
  const source = readFileSync(new URL(`../${file}`, import.meta.url), 'utf8');
  // parameter shapes do not depend on symbolic sizes (batch, height, width): bind them to any value
  const graph = check(source, { file }).graphs[0];
  const inputShapes = Object.fromEntries(
    graph.inputs.map((i) => [i.name, i.shape.map((d, k) => (typeof d === 'number' ? d : k === 0 ? 1 : 32))]),
  );
  // passes off: the keys must be the model's own state_dict keys, not folded ones
  const compiled = compile(source, { file, passes: false, inputShapes });
  if (!compiled.ok || !compiled.plan)
    throw new Error(`${file} does not compile: ${compiled.diagnostics.map((d) => d.message).join('; ')}`);
  const weights = initialWeights(compiled.plan, WEIGHTS_SEED);
  return writeSafetensors(weights, {
    generator: 'scripts/make-example-weights.ts',
    init: "PyTorch's default initialisation, seeded (not trained)",
    seed: String(WEIGHTS_SEED),
  });
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  for (const name of WEIGHTED_EXAMPLES) {
    const bytes = exampleWeights(name);
    writeFileSync(new URL(`../examples/${name}/${name}.safetensors`, import.meta.url), bytes);
    console.log(`examples/${name}/${name}.safetensors: ${bytes.length} bytes`);
  }
}
