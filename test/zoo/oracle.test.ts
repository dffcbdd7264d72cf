/**
 * The zoo oracle itself: generate.py for two small families, then every file checked, partly here and partly
 * in Python (verify.py) where torch must be the judge (tensor bytes, torch.load, a fresh eval).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../temp-dir.ts';
import { runPython } from '../torch/python.ts';
import {
  GENERATE_SCRIPT,
  ZOO_DIR,
  ZOO_FAMILIES,
  type ZooCase,
  type ZooFamily,
  generateZoo,
  readZooIntermediate,
  readZooNpy,
  zooIntermediates,
} from './oracle.ts';

const FAMILIES = ['resnet18', 'mobilenet_v3_small'] as const satisfies readonly ZooFamily[];
// torchvision's published parameter counts (test/zoo/published.json)
const PUBLISHED_PARAMS: Record<(typeof FAMILIES)[number], number> = { resnet18: 11689512, mobilenet_v3_small: 2542856 };
// BatchNorm2d layers, each with one int64 num_batches_tracked
const BATCHNORMS: Record<(typeof FAMILIES)[number], number> = { resnet18: 20, mobilenet_v3_small: 34 };

interface VerifyReport {
  family: string;
  pth_keys: number;
  pth_keys_match_meta: boolean;
  output_shape: number[];
  output_dtype: string;
  output_max_abs: number;
  output_max_diff: number;
  regenerated_input_equal: boolean;
  regenerated_state_equal: boolean;
  safetensors: {
    metadata: Record<string, string>;
    keys: number;
    i64_keys: number;
    extra_keys: string[];
    mismatched: string[];
    layout_problems: string[];
  };
}

interface HeaderEntry {
  dtype: string;
  shape: number[];
  data_offsets: [number, number];
}

/** The safetensors header, parsed here without cnnc's reader (which does not take I64 yet). */
function parseHeader(path: string): {
  length: number;
  text: string;
  header: Record<string, unknown>;
  fileSize: number;
} {
  const bytes = readFileSync(path);
  const length = Number(bytes.readBigUInt64LE(0));
  const text = bytes.subarray(8, 8 + length).toString('utf8');
  return { length, text, header: JSON.parse(text) as Record<string, unknown>, fileSize: bytes.length };
}

function compareBytes(a: string, b: string): number {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return Buffer.compare(x, y);
}

describe('zoo oracle (generate.py)', () => {
  const out = tempDir('zoo-oracle');
  let cases: Map<ZooFamily, ZooCase>;

  beforeAll(() => {
    cases = generateZoo(FAMILIES, { dumpIntermediates: true, outDir: out });
  }, 300_000);

  const get = (family: ZooFamily): ZooCase => {
    const c = cases.get(family);
    if (!c) throw new Error(`no case for ${family}`);
    return c;
  };

  it('lists the same families as families.py', () => {
    const { stdout } = runPython(GENERATE_SCRIPT, ['--list']);
    expect(JSON.parse(stdout).families).toEqual([...ZOO_FAMILIES]);
  });

  it('passes the safetensors writer self-test (the byte vectors of the safetensors repository)', () => {
    const { stdout } = runPython(join(ZOO_DIR, 'safetensors_writer.py'));
    expect(stdout).toContain('self-test passed');
  });

  it.each(FAMILIES)('%s: writes every file and a meta.json that describes it', (family) => {
    const c = get(family);
    expect(c.dir).toBe(join(out, family));
    expect(c.safetensors).toBeDefined();
    expect(c.pth).toBeDefined();
    const m = c.meta;
    expect(m.family).toBe(family);
    expect(m.constructor).toBe(`torchvision.models.${family}`);
    expect(m.kwargs).toEqual({ weights: null });
    expect(m.input_shape).toEqual([2, 3, 64, 64]);
    expect(m.output_shape).toEqual([2, 1000]);
    expect(m.num_params).toBe(PUBLISHED_PARAMS[family]);
    expect(m.state_dict.filter((e) => e.dtype === 'int64').map((e) => e.key)).toHaveLength(BATCHNORMS[family]);
    expect(m.state_dict.filter((e) => e.dtype === 'int64').every((e) => e.key.endsWith('.num_batches_tracked'))).toBe(
      true,
    );
    // the sizes written match the files, and the float32 checkpoint is about 4 bytes per parameter
    expect(m.files['model.safetensors']).toBe(readFileSync(c.safetensors as string).length);
    expect(m.files['model.safetensors']).toBeGreaterThan(4 * m.num_params);
    expect(m.files['model.safetensors']).toBeLessThan(4 * m.num_params * 1.05);
    expect(m.seconds.total).toBeGreaterThan(0);
  });

  it.each(FAMILIES)('%s: input and logits read as float32, finite, O(1), and depending on the input', (family) => {
    const c = get(family);
    const x = readZooNpy(c.input);
    const y = readZooNpy(c.output);
    expect(x.shape).toEqual([2, 3, 64, 64]);
    expect(y.shape).toEqual([2, 1000]);
    let maxAbs = 0;
    let sampleDiff = 0;
    for (let i = 0; i < 1000; i++) {
      const a = y.data[i] as number;
      const b = y.data[1000 + i] as number;
      expect(Number.isFinite(a) && Number.isFinite(b)).toBe(true);
      maxAbs = Math.max(maxAbs, Math.abs(a), Math.abs(b));
      sampleDiff = Math.max(sampleDiff, Math.abs(a - b));
    }
    expect(maxAbs).toBeCloseTo(c.meta.output_max_abs, 5);
    // neither vanishing nor exploding through the depth of the network, and not constant across inputs
    expect(maxAbs).toBeGreaterThan(0.5);
    expect(maxAbs).toBeLessThan(50);
    expect(sampleDiff).toBeGreaterThan(0.1);
  });

  it.each(FAMILIES)('%s: safetensors header has the layout safetensors.torch.save_file writes', (family) => {
    const c = get(family);
    const { length, text, header, fileSize } = parseHeader(c.safetensors as string);
    expect(length % 8).toBe(0);
    expect(text.startsWith('{')).toBe(true);
    expect(text.trimEnd().endsWith('}')).toBe(true);
    expect(text.length - text.trimEnd().length).toBeLessThan(8);
    expect(/^ *$/.test(text.slice(text.trimEnd().length))).toBe(true);
    const keys = Object.keys(header);
    expect(keys[0]).toBe('__metadata__');
    expect(header.__metadata__).toEqual({ format: 'pt' });
    const names = keys.slice(1);
    const entries = names.map((k) => header[k] as HeaderEntry);
    // every state_dict key, none renamed, with its shape; int64 as I64 and float32 as F32
    const bySd = new Map(c.meta.state_dict.map((e) => [e.key, e]));
    expect(new Set(names)).toEqual(new Set(bySd.keys()));
    names.forEach((k, i) => {
      const sd = bySd.get(k);
      expect(entries[i]?.shape).toEqual(sd?.shape);
      expect(entries[i]?.dtype).toBe(sd?.dtype === 'int64' ? 'I64' : 'F32');
    });
    // order: I64 (larger alignment) first, then F32; within a dtype by name as bytes
    const i64 = names.filter((_, i) => entries[i]?.dtype === 'I64');
    expect(names.slice(0, i64.length)).toEqual(i64);
    expect(i64).toHaveLength(BATCHNORMS[family]);
    for (const group of [names.slice(0, i64.length), names.slice(i64.length)]) {
      expect([...group].sort(compareBytes)).toEqual(group);
    }
    // data offsets are contiguous from 0 and cover the rest of the file exactly
    let offset = 0;
    for (const e of entries) {
      expect(e.data_offsets[0]).toBe(offset);
      const size = e.shape.reduce((a, b) => a * b, 1) * (e.dtype === 'I64' ? 8 : 4);
      expect(e.data_offsets[1] - e.data_offsets[0]).toBe(size);
      offset = e.data_offsets[1];
    }
    expect(8 + length + offset).toBe(fileSize);
  });

  it.each(FAMILIES)(
    "%s: torch agrees: tensor bytes (I64 too), torch.load(weights_only=True), a fresh model's output",
    (family) => {
      const c = get(family);
      const report = JSON.parse(runPython(join(ZOO_DIR, 'verify.py'), [c.dir]).stdout) as VerifyReport;
      expect(report.family).toBe(family);
      expect(report.pth_keys).toBe(c.meta.state_dict.length);
      expect(report.pth_keys_match_meta).toBe(true);
      expect(report.safetensors.metadata).toEqual({ format: 'pt' });
      expect(report.safetensors.keys).toBe(c.meta.state_dict.length);
      expect(report.safetensors.i64_keys).toBe(BATCHNORMS[family]);
      expect(report.safetensors.extra_keys).toEqual([]);
      expect(report.safetensors.mismatched).toEqual([]);
      expect(report.safetensors.layout_problems).toEqual([]);
      expect(report.output_shape).toEqual([2, 1000]);
      expect(report.output_dtype).toBe('float32');
      // same process setup (one thread), same kernels: bit-identical
      expect(report.output_max_diff).toBe(0);
      expect(report.regenerated_input_equal).toBe(true);
      expect(report.regenerated_state_equal).toBe(true);
    },
    120_000,
  );

  it('dumps every module output, keyed by its named_modules() name', () => {
    const c = get('resnet18');
    const index = zooIntermediates(c);
    const modules = new Set(index.map((e) => e.module));
    for (const name of ['conv1', 'bn1', 'layer1.0.conv1', 'layer4.1', 'layer4', 'avgpool', 'fc']) {
      expect(modules.has(name)).toBe(true);
    }
    // BasicBlock calls its one ReLU twice: the second call has its own file
    expect(index.some((e) => e.file === 'layer1.0.relu@2.npy')).toBe(true);
    // the classifier's output is the model's output, bit for bit
    const fc = readZooIntermediate(c, 'fc');
    const y = readZooNpy(c.output);
    expect(fc.shape).toEqual(y.shape);
    expect(Array.from(fc.data)).toEqual(Array.from(y.data));
    expect(readZooIntermediate(c, 'conv1').shape).toEqual([2, 64, 32, 32]);
    expect(readZooIntermediate(c, 'layer1.0.relu', 2).shape).toEqual([2, 64, 16, 16]);
  });

  it('refuses an unknown family with a one-line error', () => {
    expect(() => generateZoo(['nosuchnet' as ZooFamily], { outDir: tempDir('zoo-bad') })).toThrow(
      /unknown family nosuchnet; known: alexnet, /,
    );
  });
});
