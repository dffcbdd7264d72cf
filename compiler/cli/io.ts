import { readFileSync } from 'node:fs';
import { CliError } from './errors.ts';

/** Reads a text file for the CLI, turning file-system errors into one-line messages. */
export function readText(path: string, what: string): string {
  const bytes = readBytes(path, what);
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new CliError(`${what} \`${path}\` is not valid UTF-8 text`);
  }
}

export function readBytes(path: string, what: string): Uint8Array {
  try {
    return readFileSync(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'does not exist' : code === 'EISDIR' ? 'is a folder' : code === 'EACCES' ? 'cannot be read (permission denied)' : `cannot be read (${code ?? String(e)})`;
    throw new CliError(`${what} \`${path}\` ${why}`);
  }
}
