/**
 * Resource limits: what would need more memory than the limit, overflow 32-bit indexing, or go
 * beyond what a backend can index or compile is refused at compile time with the size it would
 * need (and the backend named); nothing is allocated and nothing runs. Also bounded: models whose
 * blocks expand exponentially or nest without end.
 */
import fc from 'fast-check';
import { utils } from 'gpu.js';
import { describe, expect, it } from 'vitest';
import {
  backendLimits,
  checkBackendLimits,
  GL_MAX_ELEMENTS,
  GL_MAX_KERNEL_INPUTS,
  glTextureSize,
} from '../../compiler/5-codegen/backend-limits.ts';
import { DEFAULT_LIMITS } from '../../compiler/2-analyze/check-limits.ts';
import { codeOf } from '../../compiler/diagnostics/catalogue.ts';
import type { Diagnostic } from '../../compiler/diagnostics/diagnostic.ts';
import { check, compile } from '../../compiler/index.ts';
import { compileModel } from '../../runtime/session.ts';
import { fuzz, timed } from './fuzz-config.ts';

const errors = (ds: readonly Diagnostic[]) => ds.filter((d) => d.severity === 'error');
const messages = (ds: readonly Diagnostic[]) =>
  errors(ds).map((d) => `${codeOf(d.code)} ${d.message} ${d.notes.join(' ')}`);

const model = (input: string, ...layers: string[]) =>
  `model Big {\n  input x: ${input}\n${layers.map((l) => `  ${l}\n`).join('')}}\n`;

describe('memory limits (check)', () => {
  it('refuses a declared 1x1x70000x70000 input with the size it needs, even when the layers shrink it', () => {
    const r = check(model('[1, 1, 70000, 70000]', 'p: MaxPool2d(1000)'));
    expect(r.ok).toBe(false);
    const input = errors(r.diagnostics).find((d) => d.message.startsWith('input `x`'));
    expect(input?.code).toBe('SizeLimit');
    expect(input?.message).toBe('input `x`, [1, 1, 70000, 70000], needs 18.3 GiB, above the limit of 1.0 GiB');
    expect(input?.notes.join(' ')).toContain('4,900,000,000 elements overflow 32-bit indexing');
  });

  it('refuses a symbolic batch whose known sizes are already too big, saying "at least"', () => {
    const r = check(model('[N, 3, 30000, 30000]', 'r: ReLU()'));
    expect(messages(r.diagnostics)[0]).toContain('input `x`, [N, 3, 30000, 30000], needs at least 10.1 GiB');
  });

  it('refuses an output that overflows 32-bit indexing under a raised limit too', () => {
    const r = check(model('[1, 1, 8, 8]', 'up: AdaptiveAvgPool2d((50000, 50000))'), {
      limits: { maxTensorBytes: 2 ** 40 },
    });
    expect(messages(r.diagnostics).join('\n')).toMatch(
      /the output of `up`, \[1, 1, 50000, 50000\], needs 9\.3 GiB, above the limit of 8\.0 GiB .*2,500,000,000 elements overflow 32-bit indexing/,
    );
  });

  it('refuses one parameter above the limit, and parameters that together exceed it', () => {
    const one = check(model('[1, 100000]', 'fc: Linear(100000, 100000)'));
    expect(messages(one.diagnostics)[0]).toMatch(
      /^E0320 parameter `fc.weight` of shape \[100000, 100000\] needs 37.3 GiB, above the limit of 1.0 GiB/,
    );
    // three 0.75 GiB weights: each under the 1 GiB tensor limit, 2.25 GiB in all
    const three = check(
      model(
        '[1, 14189]',
        'a: Linear(14189, 14189, bias=False)',
        'b: Linear(14189, 14189, bias=False)',
        'c: Linear(14189, 14189, bias=False)',
      ),
    );
    expect(messages(three.diagnostics)).toEqual([
      expect.stringMatching(/^E0320 the parameters of `Big` need 2.3 GiB, above the limit of 2.0 GiB/),
    ]);
  });

  it('applies a configured limit: refuses what the default accepts, and says both sizes', () => {
    const source = model('[1, 8, 256, 256]', 'c: Conv2d(8, 8, 3, padding=1)');
    expect(check(source).ok).toBe(true);
    const r = check(source, { limits: { maxTensorBytes: 1 * 2 ** 20 } });
    expect(messages(r.diagnostics)[0]).toBe(
      'E0320 input `x`, [1, 8, 256, 256], needs 2.0 MiB, above the limit of 1.0 MiB the limit keeps a run from exhausting memory',
    );
    expect(DEFAULT_LIMITS).toEqual({ maxTensorBytes: 2 ** 30, maxParamBytes: 2 ** 31 });
  });

  it('refuses random oversized shapes and never throws on them (sizes up to 2^60 elements)', () => {
    const dims = fc.array(fc.integer({ min: 1, max: 2 ** 15 }), { minLength: 2, maxLength: 4 });
    fuzz(dims, 100, (d) => {
      const shape = [1, ...d];
      const elements = shape.reduce((a, b) => a * b, 1);
      const r = check(model(`[${shape.join(', ')}]`, 'r: ReLU()'));
      expect(r.ok).toBe(elements * 4 <= DEFAULT_LIMITS.maxTensorBytes);
      if (!r.ok) expect(errors(r.diagnostics).every((e) => e.code === 'SizeLimit')).toBe(true);
    });
  });
});

// gpu.js exports its utils, but its typings list only part of them
const gpuUtils = utils as unknown as { closestSquareDimensions(length: number): Int32Array };

describe('backend limits (compile for a backend)', () => {
  // 4097 x 4097 = 16,785,409 elements: over gpu.js WebGL's 2^24, a few MiB for the cpu backend
  const overGl = model('[1, 1, 4097, 4097]', 'r: ReLU()');

  it('refuses a buffer above 2^24 elements for gpujs:headlessgl (naming the backend and the size), accepts it for cpu', () => {
    const gl = compile(overGl, { backend: 'gpujs:headlessgl' });
    expect(gl.ok).toBe(false);
    expect(gl.plan).toBeNull();
    const d = errors(gl.diagnostics);
    expect(d.map((x) => x.code)).toEqual(['BackendLimit', 'BackendLimit']);
    expect(d[0].message).toBe(
      'input `x` [1, 1, 4097, 4097] has 16,785,409 elements: too big for backend gpujs:headlessgl',
    );
    expect(d[0].notes[0]).toContain('at most 16,777,216 elements per tensor');
    expect(d[0].notes[1]).toBe('it would need a 4097x4097 texture; gpujs:headlessgl allows at most 4096x4096');
    expect(d[1].message).toMatch(/^the output of `r` /);
    for (const backend of ['cpu', 'gpujs:cpu']) expect(compile(overGl, { backend }).ok, backend).toBe(true);
    for (const backend of ['gpujs', 'gpujs:webgl', 'gpujs:webgl2', 'gpujs:webasm'])
      expect(compile(overGl, { backend }).ok, backend).toBe(false);
  });

  it("refuses a tensor above 2^24 elements for gpu.js's WebAssembly kernels, which index in float32", async () => {
    // AlexNet's first classifier layer: 9216 x 4096 = 37,748,736 weights
    const r = compile(model('[2, 9216]', 'fc: Linear(9216, 4096)'), { backend: 'gpujs:webasm' });
    expect(messages(r.diagnostics)).toEqual([
      expect.stringMatching(
        /^E0321 parameter `fc.weight` \[4096, 9216\] has 37,748,736 elements: too big for backend gpujs:webasm/,
      ),
    ]);
    expect(errors(r.diagnostics)[0].notes[0]).toContain('WebAssembly kernels compute indices in float32');
    // below the limit it runs and agrees with the cpu backend
    const small = model('[2, 4096]', 'fc: Linear(4096, 4096)');
    const x = { shape: [2, 4096], data: Float32Array.from({ length: 2 * 4096 }, (_, i) => Math.sin(i)) };
    const a = await compileModel(small, { backend: 'cpu' });
    const b = await compileModel(small, { backend: 'gpujs:webasm' });
    if (!a.ok || !b.ok) throw new Error('did not compile');
    const [ya, yb] = [Object.values(await a.model.run({ x }))[0].data, Object.values(await b.model.run({ x }))[0].data];
    expect(Math.max(...ya.map((v, i) => Math.abs(v - yb[i])))).toBeLessThan(1e-4);
    a.model.destroy();
    b.model.destroy();
  });

  it('refuses a parameter above 2^24 elements for WebGL (the run-time check only looked at buffers)', () => {
    const r = compile(model('[1, 4097]', 'fc: Linear(4097, 4097)'), { backend: 'gpujs:headlessgl' });
    expect(messages(r.diagnostics)).toEqual([
      expect.stringMatching(
        /^E0321 parameter `fc.weight` \[4097, 4097\] has 16,785,409 elements: too big for backend gpujs:headlessgl/,
      ),
    ]);
  });

  it('refuses a kernel that reads more tensors than WebGL has texture units (gpu.js would compute wrong numbers)', () => {
    const merge = (n: number) =>
      model(
        '[1, 2, 4, 4]',
        ...Array.from({ length: n }, (_, i) => `r${i}: ReLU() <- x`),
        `s: Add() <- ${Array.from({ length: n }, (_, i) => `r${i}`).join(', ')}`,
      );
    expect(compile(merge(GL_MAX_KERNEL_INPUTS), { backend: 'gpujs:headlessgl' }).ok).toBe(true);
    const r = compile(merge(GL_MAX_KERNEL_INPUTS + 1), { backend: 'gpujs:headlessgl' });
    expect(messages(r.diagnostics)).toEqual([
      expect.stringMatching(/^E0321 `s` reads 17 tensors in one kernel: backend gpujs:headlessgl allows at most 16/),
    ]);
    expect(compile(merge(40), { backend: 'cpu' }).ok).toBe(true);
  });

  it('refuses for the wasm backend what it cannot address', () => {
    const source = model('[1, 24000]', 'fc: Linear(24000, 24000, bias=False)');
    const limits = { maxTensorBytes: 2 ** 32, maxParamBytes: 2 ** 33 };
    expect(compile(source, { backend: 'cpu', limits }).ok).toBe(true);
    const r = compile(source, { backend: 'wasm', limits });
    expect(messages(r.diagnostics)).toEqual([
      expect.stringMatching(/^E0321 `Big` needs at least 2\.1 GiB of memory .*backend wasm addresses at most 2\.0 GiB/),
    ]);
  });

  it('compileModel refuses before creating any executor, and the CLI-facing names have limits', async () => {
    const r = await compileModel(overGl, { backend: 'gpujs:headlessgl' });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.message).toContain('too big for backend gpujs:headlessgl');
    for (const b of [
      'cpu',
      'wasm',
      'wasm:2',
      'gpujs',
      'gpujs:webasm',
      'gpujs:headlessgl',
      'gpujs:cpu',
      'gpujs:webgl',
      'gpujs:webgl2',
    ])
      expect(backendLimits(b), b).not.toBeNull();
    expect(backendLimits('nonsense')).toBeNull();
  });

  it('computes the texture gpu.js lays a tensor out as exactly as gpu.js does', () => {
    fuzz(
      fc.oneof(
        fc.integer({ min: 1, max: 5000 }),
        fc.integer({ min: GL_MAX_ELEMENTS - 50_000, max: GL_MAX_ELEMENTS + 50_000 }),
      ),
      300,
      (n) => {
        expect(glTextureSize(n)).toEqual([...gpuUtils.closestSquareDimensions(n)]);
      },
    );
  });

  it('passes plans within every limit (the check adds no false alarms on small models)', () => {
    const r = compile(
      model('[2, 3, 32, 32]', 'c: Conv2d(3, 8, 3)', 'p: MaxPool2d(2)', 'f: Flatten()', 'l: LazyLinear(10)'),
    );
    for (const b of ['cpu', 'gpujs', 'gpujs:headlessgl', 'wasm'])
      expect(checkBackendLimits(r.plan!, r.graph, b), b).toEqual([]);
  });
});

describe('models that expand without bound', () => {
  it('refuses blocks that use blocks twice, 30 levels deep (2^30 layers), once and in bounded time', () => {
    const blocks = ['block B0(c) { input x\n  r: ReLU()\n}'];
    for (let i = 1; i < 30; i++) blocks.push(`block B${i}(c) { input x\n  a: B${i - 1}(c)\n  b: B${i - 1}(c)\n}`);
    const source = `${blocks.join('\n')}\nmodel M { input x: [1, 1, 2, 2]\n  t: B29(1)\n  output t\n}\n`;
    const { result, ms } = timed(() => check(source));
    expect(ms).toBeLessThan(15_000);
    expect(messages(result.diagnostics)).toEqual(['E0320 the model expands to more than 100000 layers ']);
  });

  it('refuses blocks nested 5000 deep without running out of stack', () => {
    const blocks = ['block B0(c) { input x\n  r: ReLU()\n}'];
    for (let i = 1; i < 5000; i++) blocks.push(`block B${i}(c) { input x\n  a: B${i - 1}(c)\n}`);
    const r = check(`${blocks.join('\n')}\nmodel M { input x: [1, 1, 2, 2]\n  t: B4999(1)\n  output t\n}\n`);
    expect(messages(r.diagnostics)).toEqual([expect.stringMatching(/^E0320 blocks nest deeper than 100 levels/)]);
  });

  it('accepts blocks nested 100 deep', () => {
    const blocks = ['block B0(c) { input x\n  r: ReLU()\n}'];
    for (let i = 1; i < 100; i++) blocks.push(`block B${i}(c) { input x\n  a: B${i - 1}(c)\n}`);
    expect(check(`${blocks.join('\n')}\nmodel M { input x: [1, 1, 2, 2]\n  t: B99(1)\n  output t\n}\n`).ok).toBe(true);
  });
});
