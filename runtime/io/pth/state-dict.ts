/**
 * The state dict inside what torch.save wrote: the top-level dict when it holds tensors only, or the
 * dict of tensors under `state_dict`, `model_state_dict` or `model` of a training checkpoint (beside
 * `epoch`, `optimizer`, ...). Each tensor becomes a StoredTensor.
 */
import type { StoredTensor } from '../stored-tensor.ts';
import { TensorFileError } from '../tensor-file-error.ts';
import { type CopyBudget, materialize } from './rebuild.ts';
import { PyDict, PyTensor, type PyValue, pyTypeName } from './py-values.ts';
import { shown } from '../shown.ts';

/** Where training scripts put the model's state dict, in the order they are tried. */
export const NESTED_STATE_DICT_KEYS = ['state_dict', 'model_state_dict', 'model'] as const;

export interface FoundStateDict {
  readonly tensors: Map<string, StoredTensor>;
  /** the key the state dict was under, or '' for the top level */
  readonly location: string;
}

export function findStateDict(top: PyValue, source: string, budget: CopyBudget): FoundStateDict {
  const fail = (problem: string): never => {
    throw new TensorFileError(source, problem);
  };
  if (!(top instanceof PyDict))
    return fail(
      `the saved object is a ${pyTypeName(top)}, not a state dict (save a dict of tensors: torch.save(model.state_dict(), path))`,
    );
  if (isStateDict(top)) return { tensors: tensorsOf(top, source, budget), location: '' };
  for (const name of NESTED_STATE_DICT_KEYS) {
    const inner = top.get(name);
    if (inner instanceof PyDict && isStateDict(inner))
      return { tensors: tensorsOf(inner, source, budget), location: name };
  }
  const found = [...top.entries.values()]
    .slice(0, 12)
    .map(({ key, value }) => `${typeof key === 'string' ? `\`${shown(key)}\`` : String(key)} (${pyTypeName(value)})`);
  const more = top.entries.size > 12 ? `, ... (${top.entries.size} in all)` : '';
  return fail(
    `holds no state dict: the saved dict has ${found.length ? `keys ${found.join(', ')}${more}` : 'no keys'}; cnnc reads a dict of tensors, or one under ${NESTED_STATE_DICT_KEYS.map((k) => `\`${k}\``).join(', ')}`,
  );
}

/** A dict whose keys are all strings and whose values are all tensors (an empty dict is one too). */
function isStateDict(d: PyDict): boolean {
  for (const { key, value } of d.entries.values())
    if (typeof key !== 'string' || !(value instanceof PyTensor)) return false;
  return true;
}

function tensorsOf(d: PyDict, source: string, budget: CopyBudget): Map<string, StoredTensor> {
  const out = new Map<string, StoredTensor>();
  // one tensor saved under two keys (tied weights) is materialized once
  const done = new Map<PyTensor, StoredTensor>();
  for (const { key, value } of d.entries.values()) {
    const t = value as PyTensor;
    let stored = done.get(t);
    if (!stored) {
      stored = materialize(t, key as string, source, budget);
      done.set(t, stored);
    }
    out.set(key as string, stored);
  }
  return out;
}
