/**
 * PyTorch's default parameter initialisation, seeded, so a network can run without a weights file.
 *
 * The distributions match PyTorch (torch.nn.Conv2d / Linear / BatchNorm2d reset_parameters), but the
 * random numbers come from our own generator (mulberry32), so the values differ from PyTorch's for the
 * same seed. Same seed, same values on every run and platform.
 */
import { type Tensor, sizeOf, tensor } from '../../compiler/ir/tensor.ts';
import { hashSeed, mulberry32 } from './prng.ts';

export interface InitParam {
  readonly key: string;
  readonly name: 'weight' | 'bias' | 'running_mean' | 'running_var';
  readonly shape: readonly number[];
  readonly op: 'conv2d' | 'linear' | 'batchnorm2d';
}

/** Initial values for every parameter, keyed by `key`. */
export function defaultInit(params: readonly InitParam[], seed: number): Map<string, Tensor> {
  const out = new Map<string, Tensor>();
  for (const p of params) {
    if (!p.shape.every((d) => Number.isSafeInteger(d) && d >= 0)) {
      throw new Error(`parameter "${p.key}": shape [${p.shape.join(', ')}] must hold non-negative integers`);
    }
    out.set(p.key, initOne(p, params, seed));
  }
  return out;
}

function initOne(p: InitParam, all: readonly InitParam[], seed: number): Tensor {
  if (p.op === 'batchnorm2d') {
    // weight 1, bias 0, running_mean 0, running_var 1.
    const fill = p.name === 'weight' || p.name === 'running_var' ? 1 : 0;
    return tensor(p.shape, new Float32Array(sizeOf(p.shape)).fill(fill));
  }
  if (p.name !== 'weight' && p.name !== 'bias') {
    throw new Error(`parameter "${p.key}": ${p.op} has no ${p.name}`);
  }
  const weight = p.name === 'weight' ? p : findWeightOf(p, all);
  const fanIn = fanInOf(weight);
  // kaiming_uniform_(a=sqrt(5)) gives bound gain*sqrt(3/fan_in) = sqrt(1/3)*sqrt(3/fan_in) = 1/sqrt(fan_in);
  // the bias uses the same bound. PyTorch uses 0 when fan_in is 0.
  const bound = fanIn > 0 ? 1 / Math.sqrt(fanIn) : 0;
  // Each tensor gets its own stream, derived from the seed and its key, so values do not depend on list order.
  const random = mulberry32(hashSeed(seed, p.key));
  const data = new Float32Array(sizeOf(p.shape));
  for (let i = 0; i < data.length; i++) data[i] = (2 * random() - 1) * bound;
  return tensor(p.shape, data);
}

/** The weight of the same layer as `bias` (same key prefix, e.g. "fc1.bias" -> "fc1.weight"). */
function findWeightOf(bias: InitParam, all: readonly InitParam[]): InitParam {
  const prefix = bias.key.endsWith('bias') ? bias.key.slice(0, -'bias'.length) : undefined;
  const weight = all.find(
    (q) => q.name === 'weight' && q.op === bias.op && prefix !== undefined && q.key === `${prefix}weight`,
  );
  if (!weight) {
    throw new Error(`parameter "${bias.key}": no matching weight ("${prefix ?? '?'}weight") to take fan_in from`);
  }
  return weight;
}

/** fan_in = in_channels/groups * kh * kw for a conv weight [out, in/groups, kh, kw]; in_features for linear [out, in]. */
function fanInOf(weight: InitParam): number {
  const rank = weight.op === 'conv2d' ? 4 : 2;
  if (weight.shape.length !== rank) {
    throw new Error(
      `parameter "${weight.key}": a ${weight.op} weight has ${rank} dimensions, got [${weight.shape.join(', ')}]`,
    );
  }
  return weight.shape.slice(1).reduce((a, b) => a * b, 1);
}
