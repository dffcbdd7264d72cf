/**
 * torchvision's published parameter counts and GFLOPS (test/zoo/published.json) against the models as built
 * here: the counts must agree, and "GFLOPS" must be multiply-accumulates of convolutions and matrix products
 * only (count_macs.py), which is the convention cnnc's `summary` has to follow to reproduce the table.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runPython } from '../torch/python.ts';
import { ZOO_DIR, ZOO_FAMILIES, type ZooFamily } from './oracle.ts';

interface Published {
  families: Record<string, { num_params: number; gflops: number; crop_size: number; weights: string }>;
}

interface HookCounts {
  conv: number;
  se_conv: number;
  linear: number;
  total: number;
  others: { norm_elems: number; pool_out_elems: number; activation_elems: number };
}

interface Counted {
  family: ZooFamily;
  num_params: number;
  crop: number;
  hooks_224: HookCounts;
  hooks_crop: HookCounts;
  dispatch_crop: { total: number; by_op: Record<string, number>; uncounted_ops: string[] };
  params_match: boolean;
  gflops_match: boolean;
}

const PUBLISHED_PATH = join(ZOO_DIR, 'published.json');
const published = JSON.parse(readFileSync(PUBLISHED_PATH, 'utf8')) as Published;
// inception_v3's published count includes AuxLogits, which aux_logits=False (the zoo's build) leaves out
const INCEPTION_AUX_PARAMS = 3326696;

describe('published torchvision numbers', () => {
  let counted: Map<ZooFamily, Counted>;

  beforeAll(() => {
    const { stdout } = runPython(join(ZOO_DIR, 'count_macs.py'), ['--published', PUBLISHED_PATH]);
    counted = new Map((JSON.parse(stdout).families as Counted[]).map((c) => [c.family, c]));
  }, 600_000);

  const get = (family: ZooFamily): Counted => {
    const c = counted.get(family);
    if (!c) throw new Error(`count_macs.py gave nothing for ${family}`);
    return c;
  };

  it('has every zoo family', () => {
    expect(Object.keys(published.families).sort()).toEqual([...ZOO_FAMILIES].sort());
  });

  it.each(ZOO_FAMILIES)('%s: parameter count equals the published num_params', (family) => {
    const c = get(family);
    const want = published.families[family]?.num_params;
    if (family === 'inception_v3') {
      expect(c.num_params).toBe((want as number) - INCEPTION_AUX_PARAMS);
    } else {
      expect(c.params_match).toBe(true);
      expect(c.num_params).toBe(want);
    }
  });

  it.each(ZOO_FAMILIES)('%s: published GFLOPS = conv + matmul MACs / 1e9 at the crop size, 3 decimals', (family) => {
    const c = get(family);
    const p = published.families[family];
    expect(c.crop).toBe(p?.crop_size);
    expect(Math.round(c.hooks_crop.total / 1e6) / 1e3).toBeCloseTo(p?.gflops as number, 9);
    expect(c.gflops_match).toBe(true);
    // module hooks and torchvision's aten-level method agree exactly
    expect(c.hooks_crop.total).toBe(c.dispatch_crop.total);
  });

  it('counts SqueezeExcitation convs and the classifier, and no norms, pools or activations', () => {
    // each of these alternatives breaks at least one published figure
    const breaks = (alt: (h: HookCounts) => number) =>
      ZOO_FAMILIES.filter((f) => Math.round(alt(get(f).hooks_crop) / 1e6) / 1e3 !== published.families[f]?.gflops);
    expect(breaks((h) => h.total - h.se_conv)).toEqual(
      expect.arrayContaining(['mobilenet_v3_small', 'mobilenet_v3_large', 'efficientnet_b0', 'regnet_y_400mf']),
    );
    expect(breaks((h) => h.total - h.linear).length).toBeGreaterThan(15);
    expect(breaks((h) => h.total + h.others.norm_elems).length).toBeGreaterThan(10);
    expect(breaks((h) => h.total + h.others.pool_out_elems)).toEqual(
      expect.arrayContaining(['vgg11_bn', 'densenet121']),
    );
    expect(breaks((h) => h.total + h.others.activation_elems).length).toBeGreaterThan(10);
    expect(breaks((h) => 2 * h.total)).toEqual([...ZOO_FAMILIES]);
  });

  it('inception_v3 is published at 299x299, not 224x224', () => {
    const c = get('inception_v3');
    expect(c.crop).toBe(299);
    expect(Math.round(c.hooks_224.total / 1e6) / 1e3).not.toBe(published.families.inception_v3?.gflops);
  });
});
