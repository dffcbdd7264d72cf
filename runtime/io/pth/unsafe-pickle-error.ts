import { TensorFileError } from '../tensor-file-error.ts';

/**
 * A pickle that asks for something outside torch's weights-only allow-list: a global such as
 * `os.system`, a call or instantiation of anything not allow-listed, or an opcode torch refuses.
 * Nothing was executed; the CLI reports it as E0412.
 */
export class UnsafePickleError extends TensorFileError {
  override readonly name = 'UnsafePickleError';
}
