import { shown } from './shown.ts';

/**
 * Raised when a tensor file (safetensors, .pt/.pth, npy) is malformed or hostile. The message always names the
 * file (`source`), the tensor key where one is involved, and the specific problem.
 */
export class TensorFileError extends Error {
  override readonly name: string = 'TensorFileError';
  readonly source: string;
  readonly key: string | undefined;

  constructor(source: string, problem: string, key?: string) {
    super(key === undefined ? `${source}: ${problem}` : `${source}: tensor "${shown(key, 200)}": ${problem}`);
    this.source = source;
    this.key = key;
  }
}
