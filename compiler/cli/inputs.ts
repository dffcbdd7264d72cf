import { extname } from 'node:path';
import { readNpy } from '../../runtime/io/npy.ts';
import type { Tensor } from '../../runtime/tensor.ts';
import { CliError } from './errors.ts';
import { readBytes } from './io.ts';

/** `--input x=photo.png` pairs, in order. */
export function parseInputArgs(values: readonly string[]): { name: string; path: string }[] {
  return values.map((v) => {
    const eq = v.indexOf('=');
    if (eq <= 0) throw new CliError(`--input needs NAME=FILE, e.g. --input x=x.npy (got \`${v}\`)`, 2);
    return { name: v.slice(0, eq), path: v.slice(eq + 1) };
  });
}

export interface InputReader {
  /** file extensions it reads, lower case with the dot */
  readonly extensions: readonly string[];
  read(path: string, bytes: Uint8Array, declared: readonly (number | string)[]): Promise<Tensor>;
}

const readers: InputReader[] = [
  {
    extensions: ['.npy'],
    read: async (path, bytes) => {
      try {
        return readNpy(bytes, path);
      } catch (e) {
        throw new CliError((e as Error).message);
      }
    },
  },
];

/** Lets other modules (images) add readers without this file knowing them. */
export function addInputReader(r: InputReader): void {
  readers.push(r);
}

export async function readInput(path: string, declared: readonly (number | string)[]): Promise<Tensor> {
  const ext = extname(path).toLowerCase();
  const reader = readers.find((r) => r.extensions.includes(ext));
  if (!reader) throw new CliError(`cannot read \`${path}\`: inputs must be ${readers.flatMap((r) => r.extensions).join(', ')} files`);
  return reader.read(path, readBytes(path, 'input file'), declared);
}
