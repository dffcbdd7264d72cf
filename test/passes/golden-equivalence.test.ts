/**
 * Every layer and model case of ../shared/golden, compiled with all passes and with none: both plans
 * compute PyTorch's numbers within the case's tolerance, and agree with each other, on the CPU backend
 * and (models) gpu.js's webasm backend. The models also pin how many kernels fusion leaves.
 */
import { describe, expect, it } from 'vitest';
import { expectClose, listGoldenCases, loadGoldenCase, weightsOf } from '../golden.ts';
import { goldenToCnn } from '../golden-to-cnn.ts';
import { expectAllClose, kernels, planOf, runPlan } from './helpers.ts';

/** Kernels left after all passes, per golden model (unfused: one per layer). */
const FUSED_KERNELS: Record<string, string[]> = {
  model_classifier_head: ['conv2d(conv+relu)[relu]', 'adaptive_avgpool2d(pool)', 'linear(fc)'],
  model_inception_small: [
    'conv2d(b1_conv+b1_relu)[relu]',
    'conv2d(b2_reduce+b2_relu1)[relu]',
    'conv2d(b2_conv+b2_relu2)[relu]',
    'conv2d(b3_reduce+b3_relu1)[relu]',
    'conv2d(b3_conv+b3_relu2)[relu]',
    'maxpool2d(b4_pool)',
    'conv2d(b4_conv+b4_relu)[relu]',
    'concat(concat)',
  ],
  model_lenet5: [
    'conv2d(conv1+sig1)[sigmoid]',
    'avgpool2d(pool1)',
    'conv2d(conv2+sig2)[sigmoid]',
    'avgpool2d(pool2)',
    'linear(fc1+sig3)[sigmoid]',
    'linear(fc2+sig4)[sigmoid]',
    'linear(fc3)',
  ],
  model_mixed_chain: [
    'conv2d(conv1+lrelu)[leaky_relu]',
    'maxpool2d(pool1)',
    'conv2d(conv2+tanh)[tanh]',
    'avgpool2d(pool2+sig)[sigmoid]',
  ],
  model_mobilenet_dw_separable: ['conv2d(dw+dw_bn+dw_relu)[relu]', 'conv2d(pw+pw_bn+pw_relu)[relu]'],
  model_resnet_basic_block: ['conv2d(conv1+bn1+relu1)[relu]', 'conv2d(conv2+bn2+add+relu2)[+x,relu]'],
  model_seed_rgb_conv3x3: ['conv2d(conv)'],
  model_two_input_add: ['conv2d(conv+add+relu)[+skip,relu]'],
  model_vgg_block: ['conv2d(conv1+relu1)[relu]', 'conv2d(conv2+relu2)[relu]', 'maxpool2d(pool)'],
};

const layers = listGoldenCases('layer');
const models = listGoldenCases('model');

async function check(id: string, backend: string): Promise<void> {
  const c = loadGoldenCase(id);
  const source = goldenToCnn(c).text;
  const fused = planOf(source, true);
  const plain = planOf(source, false);
  expect(plain.steps.length).toBe(c.layers.length);
  const weights = weightsOf(c.params);
  const last = c.layers[c.layers.length - 1].name;
  const got = await runPlan(fused, weights, c.input, backend);
  const want = await runPlan(plain, weights, c.input, backend);
  expectClose(got[last], c.output!, c.tolerance!, `${id} fused on ${backend}`);
  expectClose(want[last], c.output!, c.tolerance!, `${id} unfused on ${backend}`);
  expectAllClose(got, want);
}

describe('fused and unfused layers compute the same numbers (cpu)', () => {
  it.each(layers)('%s', (id) => check(id, 'cpu'));
});

describe.each(['cpu', 'gpujs:webasm'])('fused and unfused models compute the same numbers (%s)', (backend) => {
  it.each(models)('%s', (id) => check(id, backend));
});

describe('fusion leaves the expected kernels', () => {
  it('every golden model is pinned here', () => {
    expect(Object.keys(FUSED_KERNELS).sort()).toEqual([...models].sort());
  });

  it.each(models)('%s', (id) => {
    const c = loadGoldenCase(id);
    expect(kernels(planOf(goldenToCnn(c).text))).toEqual(FUSED_KERNELS[id]);
  });

  it('a single-layer case with nothing to fuse keeps its one kernel', () => {
    for (const id of layers) expect(planOf(goldenToCnn(loadGoldenCase(id)).text).steps, id).toHaveLength(1);
  });
});
