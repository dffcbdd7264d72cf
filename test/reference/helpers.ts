import type { Conv2dAttrs } from '../../compiler/ir/attrs.ts';
import { tensor, type Tensor } from '../../compiler/ir/tensor.ts';

/** A tensor from a shape and plain numbers. */
export function t(shape: number[], values: number[]): Tensor {
  return tensor(shape, Float32Array.from(values));
}

/** 0, 1, 2, ... in the given shape. */
export function arange(shape: number[]): Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  return t(
    shape,
    Array.from({ length: n }, (_, i) => i),
  );
}

export function values(x: Tensor): number[] {
  return Array.from(x.data);
}

/** Conv attrs with PyTorch's defaults, overridable. */
export function convAttrs(
  over: Partial<Conv2dAttrs> & Pick<Conv2dAttrs, 'in_channels' | 'out_channels' | 'kernel_size'>,
): Conv2dAttrs {
  return {
    stride: [1, 1],
    pads: [0, 0, 0, 0],
    dilation: [1, 1],
    groups: 1,
    bias: false,
    padding_mode: 'zeros',
    ...over,
  };
}
