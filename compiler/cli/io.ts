import { readFileSync, statSync } from 'node:fs';
import { formatBytes } from '../2-analyze/check-limits.ts';
import { CliError } from './errors.ts';

/** .cnn files beyond this are refused before they are read: inline values that large belong in a weights file. */
export const MAX_TEXT_BYTES = 32 * 2 ** 20;

/** Reads a text file for the CLI, turning file-system errors into one-line messages. */
export function readText(path: string, what: string, maxBytes = MAX_TEXT_BYTES): string {
  const bytes = readBytes(path, what, maxBytes);
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new CliError(`${what} \`${path}\` is not valid UTF-8 text`);
  }
}

/**
 * Reads a whole file. Only regular files: a device (`/dev/zero`), a pipe or a socket could be
 * endless, so they are refused before reading.
 */
export function readBytes(path: string, what: string, maxBytes = Infinity): Uint8Array {
  try {
    const stat = statSync(path);
    if (stat.isDirectory()) throw new CliError(`${what} \`${path}\` is a folder`);
    if (!stat.isFile()) throw new CliError(`${what} \`${path}\` is not a regular file (a device, pipe or socket)`);
    if (stat.size > maxBytes)
      throw new CliError(
        `${what} \`${path}\` is ${formatBytes(stat.size)}; files above ${formatBytes(maxBytes)} are refused`,
      );
    return readFileSync(path);
  } catch (e) {
    if (e instanceof CliError) throw e;
    throw new CliError(`${what} \`${path}\` ${fileProblem(e)}`);
  }
}

/** An error from the file system (it has an errno code), as opposed to a bug. */
export function isFileSystemError(e: unknown): e is NodeJS.ErrnoException {
  return (
    e instanceof Error &&
    typeof (e as NodeJS.ErrnoException).code === 'string' &&
    typeof (e as NodeJS.ErrnoException).syscall === 'string'
  );
}

/** What went wrong with a path, in words: `does not exist`, `cannot be written (permission denied)`. */
export function fileProblem(e: unknown, action: 'read' | 'written' = 'read'): string {
  const code = (e as NodeJS.ErrnoException).code;
  switch (code) {
    case 'ENOENT':
      return 'does not exist';
    case 'EISDIR':
      return 'is a folder';
    case 'ENOTDIR':
      return 'is below something that is not a folder';
    case 'EEXIST':
      return 'exists and is not a folder';
    case 'EACCES':
    case 'EPERM':
      return `cannot be ${action} (permission denied)`;
    case 'EROFS':
      return 'is on a read-only file system';
    case 'ENOSPC':
      return 'cannot be written: the disk is full';
    case 'ENAMETOOLONG':
      return 'is too long a file name';
    default:
      return `cannot be used (${code ?? String(e)})`;
  }
}

/** One line for a file-system error that escaped a command (writing outputs, making folders). */
export function describeFileSystemError(e: NodeJS.ErrnoException): string {
  const path = e.path;
  const verb =
    e.syscall === 'mkdir'
      ? 'cannot create the folder'
      : e.syscall === 'open' || e.syscall === 'write'
        ? 'cannot write'
        : `${e.syscall} failed on`;
  return path ? `${verb} \`${path}\`: it ${fileProblem(e, 'written')}` : `${e.syscall} failed: ${e.code}`;
}
