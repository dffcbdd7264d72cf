/**
 * Weights files as PyTorch writes them, told apart by their content (never by the extension):
 * safetensors (`safetensors.torch.save_file`), torch.save's zip format (`.pt`/`.pth`, PyTorch 1.6+)
 * and its legacy format (`_use_new_zipfile_serialization=False`). Pickles are read by a restricted
 * unpickler with torch's weights_only rules; nothing in a file is ever executed.
 */
import { readStoredSafetensors } from './safetensors.ts';
import type { StoredTensor } from './stored-tensor.ts';
import { TensorFileError } from './tensor-file-error.ts';
import { looksLikePickle, readTorchLegacy } from './pth/torch-legacy.ts';
import { readTorchZip } from './pth/torch-zip.ts';
import { looksLikeZip } from './pth/zip.ts';

export type CheckpointFormat = 'safetensors' | 'torch-zip' | 'torch-legacy';

export interface Checkpoint {
  readonly format: CheckpointFormat;
  /** by state_dict key; each tensor keeps its stored dtype, its bytes often a view of the file */
  readonly tensors: Map<string, StoredTensor>;
  /** the key of a training checkpoint the state dict was under (`model`, `state_dict`), '' at the top */
  readonly location: string;
}

const FORMATS =
  'safetensors, a torch.save zip archive (.pt/.pth from PyTorch 1.6 on) or a legacy torch.save file (_use_new_zipfile_serialization=False)';

/** The format the bytes are in, by their first bytes; null for none cnnc reads. */
export function checkpointFormat(bytes: Uint8Array): CheckpointFormat | null {
  // first: a safetensors header length of 640, 896, ... begins with the bytes of a pickle's protocol
  if (looksLikeSafetensors(bytes)) return 'safetensors';
  if (looksLikeZip(bytes)) return 'torch-zip';
  if (looksLikePickle(bytes)) return 'torch-legacy';
  // safetensors: an 8-byte header length, then the JSON header
  const c = bytes.length > 8 ? bytes[8] : -1;
  if (c === 0x7b || c === 0x5b || c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) return 'safetensors';
  return null;
}

/** An 8-byte little-endian header length that fits the file, then a JSON object. */
function looksLikeSafetensors(bytes: Uint8Array): boolean {
  if (bytes.length < 10 || bytes[8] !== 0x7b) return false;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const length = view.getBigUint64(0, true);
  return length >= 2n && length <= BigInt(bytes.length - 8);
}

/** Reads a weights file of any format cnnc knows; throws TensorFileError (UnsafePickleError for code) naming `source`. */
export function readCheckpoint(bytes: Uint8Array, source = 'weights file'): Checkpoint {
  const format = checkpointFormat(bytes);
  switch (format) {
    case 'safetensors':
      return { format, tensors: readStoredSafetensors(bytes, source).tensors, location: '' };
    case 'torch-zip':
      return { format, ...readTorchZip(bytes, source) };
    case 'torch-legacy':
      return { format, ...readTorchLegacy(bytes, source) };
    default:
      if (bytes.length <= 8)
        throw new TensorFileError(
          source,
          `file is too short (${bytes.length} bytes) to be a weights file (${FORMATS})`,
        );
      if (bytes.length > 262 && new TextDecoder('latin1').decode(bytes.subarray(257, 262)) === 'ustar')
        throw new TensorFileError(
          source,
          `a tar archive (torch.save before PyTorch 0.4?), not read: cnnc reads ${FORMATS}`,
        );
      throw new TensorFileError(source, `not a weights file cnnc reads (it reads ${FORMATS})`);
  }
}
