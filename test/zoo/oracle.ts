/**
 * PyTorch as the oracle for torchvision's CNN families: runs test/zoo/generate.py (seeded weights, an input,
 * the eval-mode logits) into a temporary folder and returns typed paths and metadata, plus readers for the
 * .npy files it writes. Weights are never downloaded: every model is `weights=None` with seeded parameters
 * and BatchNorm statistics (see init_params.py).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Tensor } from '../../compiler/ir/tensor.ts';
import { readNpy } from '../../runtime/io/npy.ts';
import { tempDir } from '../temp-dir.ts';
import { runPython } from '../torch/python.ts';

export const ZOO_DIR = fileURLToPath(new URL('.', import.meta.url));
export const GENERATE_SCRIPT = join(ZOO_DIR, 'generate.py');

/** The families generate.py knows (families.py), in its order. */
export const ZOO_FAMILIES = [
  'alexnet',
  'vgg11_bn',
  'resnet18',
  'resnet50',
  'resnext50_32x4d',
  'squeezenet1_0',
  'squeezenet1_1',
  'densenet121',
  'googlenet',
  'inception_v3',
  'mobilenet_v2',
  'mobilenet_v3_small',
  'mobilenet_v3_large',
  'shufflenet_v2_x1_0',
  'mnasnet1_0',
  'efficientnet_b0',
  'regnet_x_400mf',
  'regnet_y_400mf',
  'convnext_tiny',
] as const;
export type ZooFamily = (typeof ZOO_FAMILIES)[number];

export type ZooFormat = 'safetensors' | 'pth';

export interface ZooOptions {
  /** Input height and width; generate.py raises it to a family's minimum (inception_v3: 75). Default 64. */
  readonly size?: number;
  readonly batch?: number;
  readonly seed?: number;
  /** Checkpoint formats to write; default both. */
  readonly formats?: readonly ZooFormat[];
  /** Also write every module's output under intermediates/. */
  readonly dumpIntermediates?: boolean;
  /** Where to write; default a fresh tempDir removed when the calling test (or file) ends. */
  readonly outDir?: string;
}

export interface ZooStateEntry {
  readonly key: string;
  readonly shape: readonly number[];
  /** torch's name without the prefix: 'float32', or 'int64' for num_batches_tracked */
  readonly dtype: string;
}

/** DIR/<family>/meta.json as generate.py writes it. */
export interface ZooMeta {
  readonly family: ZooFamily;
  readonly constructor: string;
  readonly kwargs: Readonly<Record<string, unknown>>;
  readonly torch_version: string;
  readonly torchvision_version: string;
  readonly seed: number;
  readonly family_seed: number;
  readonly input_shape: readonly number[];
  readonly output_shape: readonly number[];
  readonly state_dict: readonly ZooStateEntry[];
  readonly num_params: number;
  readonly output_max_abs: number;
  readonly output_std: number;
  readonly formats: readonly ZooFormat[];
  readonly intermediates: boolean;
  /** bytes of model.safetensors, model.pth, input.npy, output.npy (those written) */
  readonly files: Readonly<Record<string, number>>;
  /** build_and_init, forward, write_safetensors, write_pth, write_intermediates, total */
  readonly seconds: Readonly<Record<string, number>>;
}

export interface ZooIntermediate {
  /** file in intermediates/: `<module>.npy`, `<module>@2.npy` for its second call, `<module>#0.npy` for a tuple */
  readonly file: string;
  /** dotted name as in named_modules() */
  readonly module: string;
  readonly shape: readonly number[];
}

export interface ZooCase {
  readonly family: ZooFamily;
  readonly dir: string;
  readonly meta: ZooMeta;
  /** absent when not among the requested formats */
  readonly safetensors?: string;
  readonly pth?: string;
  readonly input: string;
  readonly output: string;
  /** with dumpIntermediates */
  readonly intermediatesDir?: string;
}

/** Runs generate.py for `families` and returns one case per family, in the order asked. */
export function generateZoo(families: readonly ZooFamily[], options: ZooOptions = {}): Map<ZooFamily, ZooCase> {
  const out = options.outDir ?? tempDir('zoo');
  const args = ['--out', out, '--families', families.join(',')];
  if (options.size !== undefined) args.push('--size', String(options.size));
  if (options.batch !== undefined) args.push('--batch', String(options.batch));
  if (options.seed !== undefined) args.push('--seed', String(options.seed));
  if (options.formats) args.push('--formats', options.formats.join(','));
  if (options.dumpIntermediates) args.push('--dump-intermediates');
  const { stdout } = runPython(GENERATE_SCRIPT, args);
  const written = (JSON.parse(lastLine(stdout)) as { families: { family: ZooFamily; dir: string }[] }).families;
  const cases = new Map<ZooFamily, ZooCase>();
  for (const { family, dir } of written) cases.set(family, readZooCase(dir));
  return cases;
}

/** A case from a folder generate.py wrote before (DIR/<family>). */
export function readZooCase(dir: string): ZooCase {
  const meta = JSON.parse(readFileSync(join(dir, 'meta.json'), 'utf8')) as ZooMeta;
  const optional = (name: string) => (existsSync(join(dir, name)) ? join(dir, name) : undefined);
  return {
    family: meta.family,
    dir,
    meta,
    safetensors: optional('model.safetensors'),
    pth: optional('model.pth'),
    input: join(dir, 'input.npy'),
    output: join(dir, 'output.npy'),
    intermediatesDir: meta.intermediates ? join(dir, 'intermediates') : undefined,
  };
}

/** An .npy file as a float32 tensor. */
export function readZooNpy(path: string): Tensor {
  return readNpy(readFileSync(path), path);
}

/** The intermediates/index.json of a case generated with dumpIntermediates, in call order. */
export function zooIntermediates(zooCase: ZooCase): ZooIntermediate[] {
  if (!zooCase.intermediatesDir) throw new Error(`${zooCase.family}: generated without dumpIntermediates`);
  return JSON.parse(readFileSync(join(zooCase.intermediatesDir, 'index.json'), 'utf8')) as ZooIntermediate[];
}

/** The output of module `name` (as in named_modules(); `call` 2 for its second call, and so on). */
export function readZooIntermediate(zooCase: ZooCase, name: string, call = 1): Tensor {
  const entry = zooIntermediates(zooCase).find((e) => e.file === (call === 1 ? `${name}.npy` : `${name}@${call}.npy`));
  if (!entry) throw new Error(`${zooCase.family}: no intermediate output for module '${name}' call ${call}`);
  return readZooNpy(join(zooCase.intermediatesDir as string, entry.file));
}

function lastLine(text: string): string {
  const lines = text.trim().split('\n');
  return lines[lines.length - 1] ?? '';
}
