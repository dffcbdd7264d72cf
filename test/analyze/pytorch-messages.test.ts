/**
 * PyTorch is the oracle for the messages quoted in notes: each case is a model cnnc rejects and the
 * same thing done in PyTorch 1.13 / torchvision 0.14; the note must quote PyTorch's exception text
 * exactly ("PyTorch raises ValueError: ..." at construction, "PyTorch would fail at run time: ..."
 * when the layer runs, "Python raises ..." for unpacking).
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { check } from '../../compiler/front-end.ts';
import { tempDir } from '../temp-dir.ts';
import { runPython } from '../torch/python.ts';
import { notes, pieces, run } from './build.ts';

/** How the note introduces PyTorch's message. */
type When = 'raises' | 'runtime' | 'python';

interface Case {
  readonly id: string;
  /** the model body: inputs and layers */
  readonly cnn: string;
  /** Python statements that raise in PyTorch; `z` is torch.zeros */
  readonly py: string;
  readonly when: When;
}

const CASES: Case[] = [
  // activations and dropouts
  { id: 'dropout2d-p', cnn: 'input x: [1, 3, 4, 4]\nd: Dropout2d(1.5)', py: 'nn.Dropout2d(1.5)', when: 'raises' },
  { id: 'dropout-float-p', cnn: 'input x: [1, 3, 4, 4]\nd: Dropout(2.0)', py: 'nn.Dropout(2.0)', when: 'raises' },
  {
    id: 'alpha-dropout-p',
    cnn: 'input x: [1, 3, 4, 4]\nd: AlphaDropout(-1)',
    py: 'nn.AlphaDropout(-1)',
    when: 'raises',
  },
  {
    id: 'dropout1d-rank',
    cnn: 'input x: [1, 3, 4, 4]\nd: Dropout1d()',
    py: 'nn.Dropout1d().eval()(z(1, 3, 4, 4))',
    when: 'runtime',
  },
  {
    id: 'stochastic-depth-p',
    cnn: "input x: [1, 3, 4, 4]\nd: StochasticDepth(1.5, 'row')",
    py: "StochasticDepth(1.5, 'row').eval()(z(1, 3, 4, 4))",
    when: 'runtime',
  },
  {
    id: 'stochastic-depth-mode',
    cnn: "input x: [1, 3, 4, 4]\nd: StochasticDepth(0.5, 'rows')",
    py: "StochasticDepth(0.5, 'rows').eval()(z(1, 3, 4, 4))",
    when: 'runtime',
  },
  { id: 'gelu', cnn: "input x: [2]\ng: GELU('tan')", py: "nn.GELU('tan')(z(2))", when: 'runtime' },
  {
    id: 'prelu-channels',
    cnn: 'input x: [2, 3, 4, 4]\np: PReLU(4)',
    py: 'nn.PReLU(4)(z(2, 3, 4, 4))',
    when: 'runtime',
  },
  { id: 'prelu-1d', cnn: 'input x: [5]\np: PReLU(3)', py: 'nn.PReLU(3)(z(5))', when: 'runtime' },
  { id: 'prelu-0', cnn: 'input x: [2, 3]\np: PReLU(0)', py: 'nn.PReLU(0)(z(2, 3))', when: 'runtime' },
  {
    id: 'prelu-0d',
    cnn: 'input x: [2, 3]\nm: Mean(None)\np: PReLU(3)',
    py: 'nn.PReLU(3)(z(2, 3).mean(None))',
    when: 'runtime',
  },
  // broadcasting
  {
    id: 'add-rightmost',
    cnn: 'input a: [1, 4, 6, 6]\ninput b: [1, 4, 4, 4]\ns: Add() <- a, b',
    py: 'z(1, 4, 6, 6) + z(1, 4, 4, 4)',
    when: 'runtime',
  },
  {
    id: 'add-ranks',
    cnn: 'input a: [3]\ninput b: [2, 4, 5, 5]\ns: Add() <- a, b',
    py: 'z(3) + z(2, 4, 5, 5)',
    when: 'runtime',
  },
  {
    id: 'mul',
    cnn: 'input a: [2, 8, 5, 5]\ninput b: [2, 4, 5, 5]\ns: Mul() <- a, b',
    py: 'z(2, 8, 5, 5) * z(2, 4, 5, 5)',
    when: 'runtime',
  },
  {
    id: 'sub-shorter-first',
    cnn: 'input a: [3]\ninput b: [2, 4]\ns: Sub() <- a, b',
    py: 'z(3) - z(2, 4)',
    when: 'runtime',
  },
  {
    id: 'div',
    cnn: 'input a: [2, 3, 5]\ninput b: [3, 4, 5]\ns: Div() <- a, b',
    py: 'z(2, 3, 5) / z(3, 4, 5)',
    when: 'runtime',
  },
  // slices
  { id: 'chunk-0', cnn: 'input x: [5]\nc: Chunk(0)', py: 'z(5).chunk(0)', when: 'runtime' },
  {
    id: 'chunk-0d',
    cnn: 'input x: [2, 3]\nm: Mean(None)\nc: Chunk(2)',
    py: 'z(2, 3).mean(None).chunk(2)',
    when: 'runtime',
  },
  { id: 'chunk-dim', cnn: 'input x: [5]\nc: Chunk(2, dim=1)', py: 'z(5).chunk(2, dim=1)', when: 'runtime' },
  { id: 'split-negative', cnn: 'input x: [10]\ns: Split(-1)', py: 'z(10).split(-1)', when: 'runtime' },
  {
    id: 'split-negative-sizes',
    cnn: 'input x: [2, 10]\ns: Split([-3, 13], dim=1)',
    py: 'z(2, 10).split([-3, 13], dim=1)',
    when: 'runtime',
  },
  { id: 'split-0', cnn: 'input x: [2, 10]\ns: Split(0, dim=1)', py: 'z(2, 10).split(0, dim=1)', when: 'runtime' },
  { id: 'narrow-end', cnn: 'input x: [2, 5]\nn: Narrow(1, 3, 4)', py: 'z(2, 5).narrow(1, 3, 4)', when: 'runtime' },
  {
    id: 'narrow-wrapped',
    cnn: 'input x: [2, 5]\nn: Narrow(1, -2, 4)',
    py: 'z(2, 5).narrow(1, -2, 4)',
    when: 'runtime',
  },
  { id: 'narrow-start', cnn: 'input x: [2, 5]\nn: Narrow(1, 6, 1)', py: 'z(2, 5).narrow(1, 6, 1)', when: 'runtime' },
  {
    id: 'narrow-start-neg',
    cnn: 'input x: [2, 5]\nn: Narrow(1, -6, 1)',
    py: 'z(2, 5).narrow(1, -6, 1)',
    when: 'runtime',
  },
  { id: 'narrow-length', cnn: 'input x: [2, 5]\nn: Narrow(1, 0, -1)', py: 'z(2, 5).narrow(1, 0, -1)', when: 'runtime' },
  { id: 'narrow-dim', cnn: 'input x: [2, 5]\nn: Narrow(2, 0, 1)', py: 'z(2, 5).narrow(2, 0, 1)', when: 'runtime' },
  {
    id: 'narrow-0d',
    cnn: 'input x: [2, 3]\nm: Mean(None)\nn: Narrow(0, 0, 1)',
    py: 'z(2, 3).mean(None).narrow(0, 0, 1)',
    when: 'runtime',
  },
  // data movement
  {
    id: 'channel-shuffle-0',
    cnn: 'input x: [1, 6, 4, 4]\nc: ChannelShuffle(0)',
    py: 'nn.ChannelShuffle(0)(z(1, 6, 4, 4))',
    when: 'runtime',
  },
  {
    id: 'channel-shuffle-groups',
    cnn: 'input x: [1, 6, 4, 4]\nc: ChannelShuffle(4)',
    py: 'nn.ChannelShuffle(4)(z(1, 6, 4, 4))',
    when: 'runtime',
  },
  {
    id: 'channel-shuffle-rank',
    cnn: 'input x: [1, 6]\nc: ChannelShuffle(2)',
    py: 'nn.ChannelShuffle(2)(z(1, 6))',
    when: 'runtime',
  },
  {
    id: 'permute-length',
    cnn: 'input x: [1, 2, 3, 4]\np: Permute([0, 2, 1])',
    py: 'Permute([0, 2, 1])(z(1, 2, 3, 4))',
    when: 'runtime',
  },
  {
    id: 'permute-range',
    cnn: 'input x: [1, 2, 3, 4]\np: Permute([0, 5, 5, 1])',
    py: 'Permute([0, 5, 5, 1])(z(1, 2, 3, 4))',
    when: 'runtime',
  },
  {
    id: 'permute-repeat',
    cnn: 'input x: [1, 2, 3, 4]\np: Permute([0, 2, -2, 1])',
    py: 'Permute([0, 2, -2, 1])(z(1, 2, 3, 4))',
    when: 'runtime',
  },
  {
    id: 'transpose-range',
    cnn: 'input x: [1, 2, 3, 4]\nt: Transpose(1, 4)',
    py: 'z(1, 2, 3, 4).transpose(1, 4)',
    when: 'runtime',
  },
  {
    id: 'reshape',
    cnn: 'input x: [2, 3, 4]\nr: Reshape((2, -1, 5))',
    py: 'z(2, 3, 4).reshape(2, -1, 5)',
    when: 'runtime',
  },
  { id: 'view', cnn: 'input x: [2, 3, 4]\nr: View((5, 5))', py: 'z(2, 3, 4).view(5, 5)', when: 'runtime' },
  {
    id: 'reshape-zero',
    cnn: 'input x: [2, 3, 4]\nr: Reshape((0, -1))',
    py: 'z(2, 3, 4).reshape(0, -1)',
    when: 'runtime',
  },
  {
    id: 'reshape-holes',
    cnn: 'input x: [2, 3, 4]\nr: Reshape((-1, -1))',
    py: 'z(2, 3, 4).reshape(-1, -1)',
    when: 'runtime',
  },
  {
    id: 'reshape-minus-2',
    cnn: 'input x: [2, 3, 4]\nr: View((2, -2, 4))',
    py: 'z(2, 3, 4).view(2, -2, 4)',
    when: 'runtime',
  },
  {
    id: 'unflatten',
    cnn: 'input x: [2, 8, 3]\nu: Unflatten(-2, (2, 3))',
    py: 'nn.Unflatten(-2, (2, 3))(z(2, 8, 3))',
    when: 'runtime',
  },
  {
    id: 'unflatten-hole',
    cnn: 'input x: [2, 8, 3]\nu: Unflatten(1, (3, -1))',
    py: 'nn.Unflatten(1, (3, -1))(z(2, 8, 3))',
    when: 'runtime',
  },
  {
    id: 'unflatten-empty',
    cnn: 'input x: [2, 8, 3]\nu: Unflatten(1, ())',
    py: 'nn.Unflatten(1, ())(z(2, 8, 3))',
    when: 'runtime',
  },
  {
    id: 'unflatten-holes',
    cnn: 'input x: [2, 8, 3]\nu: Unflatten(1, (-1, -1))',
    py: 'nn.Unflatten(1, (-1, -1))(z(2, 8, 3))',
    when: 'runtime',
  },
  {
    id: 'unflatten-minus-2',
    cnn: 'input x: [2, 8, 3]\nu: Unflatten(1, (-2, -4))',
    py: 'nn.Unflatten(1, (-2, -4))(z(2, 8, 3))',
    when: 'runtime',
  },
  // padding
  {
    id: 'reflect-height',
    cnn: 'input x: [1, 2, 4, 5]\np: ReflectionPad2d((0, 0, 4, 0))',
    py: 'nn.ReflectionPad2d((0, 0, 4, 0))(z(1, 2, 4, 5))',
    when: 'runtime',
  },
  {
    id: 'reflect-width-first',
    cnn: 'input x: [1, 2, 4, 5]\np: ReflectionPad2d(5)',
    py: 'nn.ReflectionPad2d(5)(z(1, 2, 4, 5))',
    when: 'runtime',
  },
  {
    id: 'reflect-3d',
    cnn: 'input x: [2, 4, 5]\np: ReflectionPad2d((0, 7, 0, 0))',
    py: 'nn.ReflectionPad2d((0, 7, 0, 0))(z(2, 4, 5))',
    when: 'runtime',
  },
  {
    id: 'conv-reflect-width',
    cnn: "input x: [1, 1, 6, 7]\nc: Conv2d(1, 1, 3, padding=(0, 7), padding_mode='reflect')",
    py: "nn.Conv2d(1, 1, 3, padding=(0, 7), padding_mode='reflect')(z(1, 1, 6, 7))",
    when: 'runtime',
  },
  {
    id: 'constant-crop-after',
    cnn: 'input x: [1, 2, 4, 5]\np: ZeroPad2d((-3, -3, 0, 0))',
    py: 'nn.ZeroPad2d((-3, -3, 0, 0))(z(1, 2, 4, 5))',
    when: 'runtime',
  },
  {
    id: 'constant-crop-start',
    cnn: 'input x: [1, 2, 4, 5]\np: ZeroPad2d((-6, 3, 0, 0))',
    py: 'nn.ZeroPad2d((-6, 3, 0, 0))(z(1, 2, 4, 5))',
    when: 'runtime',
  },
  {
    id: 'constant-crop-height',
    cnn: 'input x: [1, 2, 4, 5]\np: ConstantPad2d((0, 0, -3, -2), 1.0)',
    py: 'nn.ConstantPad2d((0, 0, -3, -2), 1.0)(z(1, 2, 4, 5))',
    when: 'runtime',
  },
  {
    id: 'replicate-negative',
    cnn: 'input x: [1, 2, 4, 5]\np: ReplicationPad2d((-6, 0, 0, 0))',
    py: 'nn.ReplicationPad2d((-6, 0, 0, 0))(z(1, 2, 4, 5))',
    when: 'runtime',
  },
  {
    id: 'reflect-negative',
    cnn: 'input x: [1, 2, 4, 5]\np: ReflectionPad2d((-3, -3, 0, 0))',
    py: 'nn.ReflectionPad2d((-3, -3, 0, 0))(z(1, 2, 4, 5))',
    when: 'runtime',
  },
  {
    id: 'replicate-both-small',
    cnn: 'input x: [1, 2, 4, 5]\np: ReplicationPad2d((-5, 0, -4, 0))',
    py: 'nn.ReplicationPad2d((-5, 0, -4, 0))(z(1, 2, 4, 5))',
    when: 'runtime',
  },
  {
    id: 'reflect-both-small',
    cnn: 'input x: [1, 2, 4, 5]\np: ReflectionPad2d((-6, 0, -5, 0))',
    py: 'nn.ReflectionPad2d((-6, 0, -5, 0))(z(1, 2, 4, 5))',
    when: 'runtime',
  },
  {
    id: 'pad-odd',
    cnn: 'input x: [1, 2, 4, 5]\np: ZeroPad2d((1, 2, 3))',
    py: 'nn.ZeroPad2d((1, 2, 3))(z(1, 2, 4, 5))',
    when: 'runtime',
  },
  { id: 'pad-1d', cnn: 'input x: [5]\np: ZeroPad2d(1)', py: 'nn.ZeroPad2d(1)(z(5))', when: 'runtime' },
  {
    id: 'replicate-2d',
    cnn: 'input x: [4, 5]\np: ReplicationPad2d(1)',
    py: 'nn.ReplicationPad2d(1)(z(4, 5))',
    when: 'runtime',
  },
  // norms
  {
    id: 'layer-norm',
    cnn: 'input x: [2, 7, 7, 96]\nln: LayerNorm(768)',
    py: 'nn.LayerNorm(768)(z(2, 7, 7, 96))',
    when: 'runtime',
  },
  {
    id: 'layer-norm-rank',
    cnn: 'input x: [7, 96]\nln: LayerNorm((3, 7, 96))',
    py: 'nn.LayerNorm((3, 7, 96))(z(7, 96))',
    when: 'runtime',
  },
  {
    id: 'layer-norm-empty',
    cnn: 'input x: [7, 96]\nln: LayerNorm(())',
    py: 'nn.LayerNorm(())(z(7, 96))',
    when: 'runtime',
  },
  {
    id: 'layer-norm2d',
    cnn: 'input x: [1, 2, 4, 5]\nln: LayerNorm2d(3)',
    py: 'LayerNorm2d(3)(z(1, 2, 4, 5))',
    when: 'runtime',
  },
  {
    id: 'layer-norm2d-rank',
    cnn: 'input x: [2, 4, 5]\nln: LayerNorm2d(4)',
    py: 'LayerNorm2d(4)(z(2, 4, 5))',
    when: 'runtime',
  },
  {
    id: 'group-norm-construct',
    cnn: 'input x: [2, 6, 4, 4]\ng: GroupNorm(4, 6)',
    py: 'nn.GroupNorm(4, 6)',
    when: 'raises',
  },
  {
    id: 'group-norm-divisible',
    cnn: 'input x: [2, 3, 4, 4]\ng: GroupNorm(2, 6)',
    py: 'nn.GroupNorm(2, 6)(z(2, 3, 4, 4))',
    when: 'runtime',
  },
  {
    id: 'group-norm-weight',
    cnn: 'input x: [2, 8, 4, 4]\ng: GroupNorm(2, 6)',
    py: 'nn.GroupNorm(2, 6)(z(2, 8, 4, 4))',
    when: 'runtime',
  },
  { id: 'group-norm-1d', cnn: 'input x: [6]\ng: GroupNorm(2, 6)', py: 'nn.GroupNorm(2, 6)(z(6))', when: 'runtime' },
  {
    id: 'group-norm-0d',
    cnn: 'input x: [2, 3]\nm: Mean(None)\ng: GroupNorm(1, 1)',
    py: 'nn.GroupNorm(1, 1)(z(2, 3).mean(None))',
    when: 'runtime',
  },
  // reductions
  { id: 'mean-range', cnn: 'input x: [1, 2, 4, 5]\nm: Mean((4,))', py: 'z(1, 2, 4, 5).mean((4,))', when: 'runtime' },
  {
    id: 'sum-repeat',
    cnn: 'input x: [1, 2, 4, 5]\nm: Sum((3, -1))',
    py: 'z(1, 2, 4, 5).sum((3, -1))',
    when: 'runtime',
  },
  {
    id: 'mean-repeat',
    cnn: 'input x: [1, 2, 4, 5]\nm: Mean([2, 2])',
    py: 'z(1, 2, 4, 5).mean([2, 2])',
    when: 'runtime',
  },
  // Linear on inputs of any rank
  {
    id: 'linear-3d',
    cnn: 'input x: [2, 7, 96]\nfc: Linear(768, 10)',
    py: 'nn.Linear(768, 10)(z(2, 7, 96))',
    when: 'runtime',
  },
  {
    id: 'linear-4d',
    cnn: 'input x: [2, 7, 7, 96]\nfc: Linear(768, 10)',
    py: 'nn.Linear(768, 10)(z(2, 7, 7, 96))',
    when: 'runtime',
  },
  { id: 'linear-1d', cnn: 'input x: [96]\nfc: Linear(768, 10)', py: 'nn.Linear(768, 10)(z(96))', when: 'runtime' },
  {
    id: 'linear-0d',
    cnn: 'input x: [2, 3]\nm: Mean(None)\nfc: Linear(1, 10)',
    py: 'nn.Linear(1, 10)(z(2, 3).mean(None))',
    when: 'runtime',
  },
];

const PRELUDE = [
  'import json, sys, warnings',
  'warnings.filterwarnings("ignore")',
  'import torch, torch.nn as nn',
  'from torchvision.ops import StochasticDepth',
  'from torchvision.ops.misc import Permute',
  'from torchvision.models.convnext import LayerNorm2d',
  'z = torch.zeros',
  'out = {}',
  'def attempt(key, code):',
  '    try:',
  '        exec(code)',
  '        out[key] = None',
  '    except Exception as e:',
  '        out[key] = [type(e).__name__, str(e)]',
];

let torch: Record<string, [string, string] | null> = {};

beforeAll(() => {
  const dir = tempDir('pytorch-messages');
  const script = join(dir, 'messages.py');
  const lines = [
    ...PRELUDE,
    ...CASES.map((c) => `attempt(${JSON.stringify(c.id)}, ${JSON.stringify(c.py)})`),
    ...UNPACK.map((c) => `attempt(${JSON.stringify(c.id)}, ${JSON.stringify(c.py)})`),
    'print(json.dumps(out))',
  ];
  writeFileSync(script, lines.join('\n'));
  torch = JSON.parse(runPython(script).stdout);
});

/** The note for PyTorch's exception; a line break in its message is a space in a (one-line) note. */
function expected(when: When, e: [string, string]): string {
  const message = e[1].replace(/\n/g, ' ');
  if (when === 'raises') return `PyTorch raises ${e[0]}: ${message}`;
  if (when === 'python') return `Python raises ${e[0]}: ${message}`;
  return `PyTorch would fail at run time: ${message}`;
}

describe('notes quote PyTorch exactly', () => {
  for (const c of CASES) {
    it(c.id, () => {
      const e = torch[c.id];
      expect(e, `PyTorch accepts \`${c.py}\``).not.toBeNull();
      const r = check(`model M {\n${c.cnn}\n}\n`);
      const all = r.diagnostics.flatMap((d) => d.notes);
      expect(r.ok).toBe(false);
      expect(all).toContain(expected(c.when, e!));
    });
  }
});

/** Unpacking the pieces of Chunk and Split (the resolver's nodes, built directly). */
const UNPACK = [
  { id: 'unpack-not-enough', py: 'a, b, c, d = z(5).chunk(4)', ids: ['a', 'b', 'c', 'd'], op: 'Chunk', args: [4] },
  { id: 'unpack-too-many', py: 'a, b = z(5).chunk(3)', ids: ['a', 'b'], op: 'Chunk', args: [3] },
  { id: 'unpack-split', py: 'a, b, c = z(10).split([3, 7])', ids: ['a', 'b', 'c'], op: 'Split', args: [[3, 7]] },
];

describe('unpacking notes quote Python exactly', () => {
  for (const c of UNPACK) {
    it(c.id, () => {
      const e = torch[c.id];
      expect(e).not.toBeNull();
      const r = run({ x: [c.op === 'Split' ? 10 : 5] }, pieces(c.ids, c.op, c.args, {}, 'x'));
      expect(notes(r)).toContain(expected('python', e!));
    });
  }
});

describe('symbolic sizes in PyTorch-style messages', () => {
  it('shows the symbolic element count where PyTorch would show the number', () => {
    const r = check('model M {\ninput x: [N, 3, 16]\nr: Reshape((5, 5))\n}\n');
    expect(r.diagnostics.flatMap((d) => d.notes)).toContain(
      "PyTorch would fail at run time: shape '[5, 5]' is invalid for input of size 48*N",
    );
    // bound, the message is PyTorch's for that size
    const bound = check('model M {\ninput x: [N, 3, 16]\nr: Reshape((5, 5))\n}\n', { inputShapes: { x: [2, 3, 16] } });
    expect(bound.diagnostics.flatMap((d) => d.notes)).toContain(
      "PyTorch would fail at run time: shape '[5, 5]' is invalid for input of size 96",
    );
  });
});
