import { readdirSync, statSync } from 'node:fs';
import { extname, join } from 'node:path';
import { readNpy } from '../../runtime/io/npy.ts';
import { type Tensor, tensor } from '../ir/tensor.ts';
import { CliError } from './errors.ts';
import type { ImageInputOptions } from './images.ts';
import { readBytes } from './io.ts';

/** `--input x=photo.png` pairs, in order. */
export function parseInputArgs(values: readonly string[]): { name: string; path: string }[] {
  return values.map((v) => {
    const eq = v.indexOf('=');
    if (eq <= 0) throw new CliError(`--input needs NAME=FILE, e.g. --input x=x.npy (got \`${v}\`)`, 2);
    return { name: v.slice(0, eq), path: v.slice(eq + 1) };
  });
}

/** What a reader knows about the input it reads for. */
export interface ReadContext {
  /** the model input's name */
  readonly input: string;
  /** options for image readers (--scale, --mean, --std, --preset, --resize, --grey) */
  readonly image: ImageInputOptions;
}

export interface InputReader {
  /** file extensions it reads, lower case with the dot */
  readonly extensions: readonly string[];
  /** images take the image options; arrays are read as they are */
  readonly kind?: 'array' | 'image';
  read(path: string, bytes: Uint8Array, declared: readonly (number | string)[], context: ReadContext): Promise<Tensor>;
}

const readers: InputReader[] = [
  {
    extensions: ['.npy'],
    kind: 'array',
    read: async (path, bytes) => {
      try {
        return readNpy(bytes, path);
      } catch (e) {
        throw new CliError(`E0408: ${(e as Error).message}`);
      }
    },
  },
];

/** Lets other modules (images) add readers without this file knowing them. */
export function addInputReader(r: InputReader): void {
  readers.push(r);
}

export function readerFor(path: string): InputReader | undefined {
  const ext = extname(path).toLowerCase();
  return readers.find((r) => r.extensions.includes(ext));
}

const knownExtensions = () => readers.flatMap((r) => r.extensions).join(', ');

export async function readInput(
  path: string,
  declared: readonly (number | string)[],
  context: ReadContext,
): Promise<Tensor> {
  const reader = readerFor(path);
  if (!reader) throw new CliError(`cannot read \`${path}\`: inputs must be ${knownExtensions()} files`);
  return reader.read(path, readBytes(path, 'input file'), declared, context);
}

/** A path as the files it stands for: a folder gives its readable files, sorted by name. */
export function expandInputPath(path: string): string[] {
  let isFolder = false;
  try {
    isFolder = statSync(path).isDirectory();
  } catch {
    return [path]; // readBytes reports the missing file
  }
  if (!isFolder) return [path];
  const files = readdirSync(path)
    .filter((f) => !f.startsWith('.') && readerFor(f))
    .sort()
    .map((f) => join(path, f));
  if (files.length === 0) throw new CliError(`the folder \`${path}\` has no ${knownExtensions()} files`);
  return files;
}

/** The `--input` values grouped by input name, folders expanded: several files make a batch. */
export function groupInputs(values: readonly string[]): Map<string, string[]> {
  const groups = new Map<string, string[]>();
  for (const { name, path } of parseInputArgs(values))
    groups.set(name, [...(groups.get(name) ?? []), ...expandInputPath(path)]);
  return groups;
}

/**
 * Reads the files of one input and stacks them along the batch dimension (dim 0). A declared fixed
 * batch size must equal the number of samples; every file must give the same shape otherwise.
 */
export async function readBatch(
  paths: readonly string[],
  declared: readonly (number | string)[],
  context: ReadContext,
  onFile: (path: string) => void = () => undefined,
): Promise<Tensor> {
  const parts: { path: string; t: Tensor }[] = [];
  for (const path of paths) {
    parts.push({ path, t: await readInput(path, declared, context) });
    onFile(path);
  }
  if (parts.length === 1) return parts[0].t;
  const first = parts[0];
  for (const p of parts) {
    const same =
      p.t.shape.length === first.t.shape.length && p.t.shape.every((d, i) => i === 0 || d === first.t.shape[i]);
    if (p.t.shape.length === 0 || !same) {
      const hint = readerFor(p.path)?.kind === 'image' ? '; add --resize to bring images to one size' : '';
      throw new CliError(
        `the files of a batch must have one shape: \`${first.path}\` gives [${first.t.shape.join(', ')}], \`${p.path}\` gives [${p.t.shape.join(', ')}]${hint}`,
      );
    }
  }
  const batch = parts.reduce((n, p) => n + p.t.shape[0], 0);
  if (typeof declared[0] === 'number' && declared[0] !== batch) {
    const example = [`N`, ...declared.slice(1)].join(', ');
    throw new CliError(
      `input \`${context.input}\` is declared [${declared.join(', ')}], a batch of ${declared[0]}, but ${paths.length} files give ${batch} samples; declare \`input ${context.input}: [${example}]\` to take any batch size`,
    );
  }
  const data = new Float32Array(parts.reduce((n, p) => n + p.t.data.length, 0));
  let at = 0;
  for (const p of parts) {
    data.set(p.t.data, at);
    at += p.t.data.length;
  }
  return tensor([batch, ...first.t.shape.slice(1)], data);
}
