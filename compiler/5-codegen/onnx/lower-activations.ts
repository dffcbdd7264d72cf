/**
 * Every activation of the plan (a step of its own or a fused epilogue) in ONNX. Where the opset
 * has no op for it (HardSwish before 14, Mish before 18, Gelu before 20) it is written out from
 * ops every opset has, with PyTorch's formula.
 */
import type { Activation } from '../../3-lower/plan.ts';
import type { OnnxGraph } from './graph-builder.ts';
import { SINCE } from './opsets.ts';

// PyTorch's constants: Hardsigmoid is relu6(x + 3) / 6; GELU's tanh form uses sqrt(2/pi) and 0.044715
const SIXTH = 1 / 6;
const SQRT_HALF = Math.SQRT1_2;
const SQRT_2_OVER_PI = Math.sqrt(2 / Math.PI);

export function emitActivation(g: OnnxGraph, a: Activation, x: string, out: string): string {
  const t = (base: string) => `${out}:${base}`;
  switch (a.kind) {
    case 'relu':
      return g.node('Relu', [x], out);
    case 'leaky_relu':
      return g.node('LeakyRelu', [x], out, { alpha: { float: a.negative_slope } });
    case 'sigmoid':
      return g.node('Sigmoid', [x], out);
    case 'tanh':
      return g.node('Tanh', [x], out);
    case 'hardtanh':
      return g.node('Clip', [x, g.scalar(a.min_val), g.scalar(a.max_val)], out);
    case 'hardsigmoid':
      return g.node('HardSigmoid', [x], out, { alpha: { float: SIXTH }, beta: { float: 0.5 } });
    case 'hardswish': {
      if (g.opset >= SINCE.hardSwish) return g.node('HardSwish', [x], out);
      const gate = g.temp('HardSigmoid', [x], t('gate'), { alpha: { float: SIXTH }, beta: { float: 0.5 } });
      return g.node('Mul', [x, gate], out);
    }
    case 'silu':
      return g.node('Mul', [x, g.temp('Sigmoid', [x], t('sigmoid'))], out);
    case 'elu':
      return g.node('Elu', [x], out, { alpha: { float: a.alpha } });
    case 'mish': {
      if (g.opset >= SINCE.mish) return g.node('Mish', [x], out);
      const softplus = g.temp('Softplus', [x], t('softplus'));
      return g.node('Mul', [x, g.temp('Tanh', [softplus], t('tanh'))], out);
    }
    case 'gelu': {
      if (g.opset >= SINCE.gelu) return g.node('Gelu', [x], out, { approximate: a.approximate });
      // 0.5 x (1 + erf(x / sqrt 2)), or 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3)))
      let inner: string;
      if (a.approximate === 'none') {
        inner = g.temp('Erf', [g.temp('Mul', [x, g.scalar(SQRT_HALF)], t('scaled'))], t('erf'));
      } else {
        const cube = g.temp('Mul', [g.temp('Mul', [x, x], t('square')), x], t('cube'));
        const poly = g.temp('Add', [x, g.temp('Mul', [cube, g.scalar(0.044715)], t('cubic'))], t('poly'));
        inner = g.temp('Tanh', [g.temp('Mul', [poly, g.scalar(SQRT_2_OVER_PI)], t('scaled'))], t('tanh'));
      }
      const onePlus = g.temp('Add', [inner, g.scalar(1)], t('one_plus'));
      const half = g.temp('Mul', [x, g.scalar(0.5)], t('half'));
      return g.node('Mul', [half, onePlus], out);
    }
  }
}
