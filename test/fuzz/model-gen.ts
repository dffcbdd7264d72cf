/**
 * Random valid models as .cnn text: stacks of Conv2d (kernel, stride, padding incl. 'same' and
 * 'valid', dilation, groups, padding modes), max/avg pools (ceil_mode, count_include_pad,
 * divisor_override), adaptive pooling, BatchNorm2d, activations, residual Add and Concat branches,
 * and a Flatten + Linear (+ Softmax) tail, on small random inputs.
 *
 * fast-check draws raw integers and flags; `buildModel` turns them into hyper-parameters that are
 * valid by PyTorch's rules (computed here independently of the analyzer), falling back to a
 * harmless choice where a draw would be invalid. Raw numbers shrink towards 0, the simplest layer.
 */
import fc from 'fast-check';

export interface RawStage {
  readonly kind: number;
  readonly n: readonly number[];
  readonly f: readonly boolean[];
}

export interface RawModel {
  readonly batch: number;
  readonly channels: number;
  readonly height: number;
  readonly width: number;
  readonly symbolicBatch: boolean;
  readonly stages: readonly RawStage[];
  readonly tail: RawStage;
}

export interface GeneratedModel {
  readonly source: string;
  /** the concrete shape of input `x` */
  readonly inputShape: readonly number[];
  /** node ids in order, as the analyzer names them */
  readonly layers: readonly string[];
  /** the layer the model returns, and its shape (PyTorch's rules, computed by the generator) */
  readonly last: string;
  readonly lastShape: readonly number[];
}

/** The model's text with `lines` added after its last layer, returning `output` instead. */
export function appendLayers(m: GeneratedModel, lines: readonly string[], output: string): string {
  const end = m.source.lastIndexOf('  output ');
  return `${m.source.slice(0, end)}${lines.map((l) => `  ${l}\n`).join('')}  output ${output}\n}\n`;
}

const rawStage = fc.record({
  kind: fc.nat({ max: 6 }),
  n: fc.array(fc.nat({ max: 11 }), { minLength: 12, maxLength: 12 }),
  f: fc.array(fc.boolean(), { minLength: 6, maxLength: 6 }),
});

export function rawModel(maxStages = 5): fc.Arbitrary<RawModel> {
  return fc.record({
    batch: fc.integer({ min: 1, max: 2 }),
    channels: fc.integer({ min: 1, max: 4 }),
    height: fc.integer({ min: 1, max: 10 }),
    width: fc.integer({ min: 1, max: 10 }),
    symbolicBatch: fc.boolean(),
    stages: fc.array(rawStage, { minLength: 1, maxLength: maxStages }),
    tail: rawStage,
  });
}

/** Random valid models, with the raw draw kept for the failure report. */
export function validModel(maxStages = 5): fc.Arbitrary<GeneratedModel> {
  return rawModel(maxStages).map(buildModel);
}

/** Valid models that end in a 4-D [N, C, H, W] tensor (no Flatten/Linear tail). */
export function validModel4d(maxStages = 5): fc.Arbitrary<GeneratedModel> {
  return rawModel(maxStages).map((raw) => buildModel({ ...raw, tail: { ...raw.tail, kind: 0 } }));
}

interface State {
  c: number;
  h: number;
  w: number;
  prev: string;
}

type Pair = [number, number];
const pick = <T>(xs: readonly T[], n: number): T => xs[n % xs.length];
const divisors = (n: number) => Array.from({ length: n }, (_, i) => i + 1).filter((d) => n % d === 0);
const pairText = ([a, b]: Pair) => (a === b ? String(a) : `(${a}, ${b})`);

/** PyTorch's window output size, or 0 when the window does not fit. */
function windowOut(size: number, lo: number, hi: number, k: number, s: number, d: number, ceil: boolean): number {
  const span = size + lo + hi - d * (k - 1) - 1;
  if (span < 0) return 0;
  let out = (ceil ? Math.ceil(span / s) : Math.floor(span / s)) + 1;
  // the last window must start inside the input or the left padding
  if (ceil && (out - 1) * s >= size + lo) out -= 1;
  return out;
}

class Builder {
  private readonly lines: string[] = [];
  readonly layers: string[] = [];
  private count = 0;

  constructor(readonly state: State) {}

  name(prefix: string): string {
    return `${prefix}${this.count++}`;
  }

  add(name: string, call: string, inputs?: readonly string[]): string {
    this.lines.push(`  ${name}: ${call}${inputs ? ` <- ${inputs.join(', ')}` : ''}`);
    this.layers.push(name);
    return name;
  }

  /** A statement reading `from` (the previous layer unless named) */
  layer(prefix: string, call: string, from = this.state.prev): string {
    const name = this.name(prefix);
    return this.add(
      name,
      call,
      from === this.state.prev && this.lines.length > 0 && this.layers.at(-1) === from ? undefined : [from],
    );
  }

  text(header: string, footer: string): string {
    return [header, ...this.lines, footer].join('\n');
  }
}

/** A valid Conv2d from `from` with `c` channels at h x w; returns the call and the output state. */
function conv(
  s: RawStage,
  c: number,
  h: number,
  w: number,
  keepSize = false,
): { call: string; c: number; h: number; w: number } {
  const [n0, n1, n2, n3, n4, n5, n6, n7, n8] = s.n;
  const out = keepSize ? c : 1 + (n0 % 6);
  const groups = pick(
    divisors(c).filter((g) => out % g === 0),
    n1,
  );
  const k: Pair = [1 + (n2 % 3), 1 + (n3 % 3)];
  const d: Pair = [s.f[0] ? 2 : 1, s.f[1] ? 2 : 1];
  const stride: Pair = keepSize ? [1, 1] : [1 + (n4 % 2), 1 + (n5 % 2)];
  const mode = pick(['zeros', 'zeros', 'reflect', 'replicate', 'circular'] as const, n6);
  const paddingKind = keepSize ? 2 : n7 % 4; // 0 int, 1 pair, 2 'same', 3 'valid'
  let pads: [number, number, number, number];
  let paddingText: string;
  if (paddingKind === 2 && stride[0] === 1 && stride[1] === 1) {
    const t = [d[0] * (k[0] - 1), d[1] * (k[1] - 1)];
    pads = [t[0] >> 1, t[0] - (t[0] >> 1), t[1] >> 1, t[1] - (t[1] >> 1)];
    paddingText = pick(["'same'", '"same"'], n8);
  } else if (paddingKind === 3) {
    pads = [0, 0, 0, 0];
    paddingText = "'valid'";
  } else {
    const p: Pair = paddingKind === 1 ? [n8 % 3, n1 % 3] : [n8 % 3, n8 % 3];
    pads = [p[0], p[0], p[1], p[1]];
    paddingText = pairText(p);
  }
  const sizes = [h, w];
  const fits = [0, 1].every((i) => {
    const [lo, hi] = [pads[2 * i], pads[2 * i + 1]];
    if (mode === 'reflect' && Math.max(lo, hi) >= sizes[i]) return false;
    if (mode === 'circular' && Math.max(lo, hi) > sizes[i]) return false;
    return windowOut(sizes[i], lo, hi, k[i], stride[i], d[i], false) >= 1;
  });
  if (!fits) {
    // always valid: a 1x1 kernel keeps the size
    const bias = s.f[2] ? '' : ', bias=False';
    return { call: `Conv2d(${c}, ${out}, 1${groups > 1 ? `, groups=${groups}` : ''}${bias})`, c: out, h, w };
  }
  const args = [`${c}`, `${out}`, `kernel_size=${pairText(k)}`];
  if (stride[0] !== 1 || stride[1] !== 1 || s.f[3]) args.push(`stride=${pairText(stride)}`);
  args.push(`padding=${paddingText}`);
  if (d[0] !== 1 || d[1] !== 1) args.push(`dilation=${pairText(d)}`);
  if (groups > 1) args.push(`groups=${groups}`);
  if (!s.f[2]) args.push('bias=False');
  if (mode !== 'zeros' || s.f[4]) args.push(`padding_mode='${mode}'`);
  const oh = windowOut(h, pads[0], pads[1], k[0], stride[0], d[0], false);
  const ow = windowOut(w, pads[2], pads[3], k[1], stride[1], d[1], false);
  return { call: `Conv2d(${args.join(', ')})`, c: out, h: oh, w: ow };
}

/** A valid MaxPool2d or AvgPool2d. */
function pool(s: RawStage, h: number, w: number): { call: string; h: number; w: number } {
  const [n0, n1, n2, n3, n4, n5, n6] = s.n;
  const max = s.f[0];
  const k: Pair = [1 + (n0 % 3), 1 + (n1 % 3)];
  const strideGiven = n2 % 3 !== 0;
  const stride: Pair = strideGiven ? [1 + (n3 % 2), 1 + (n2 % 2)] : k;
  const p: Pair = [n4 % (Math.floor(k[0] / 2) + 1), n5 % (Math.floor(k[1] / 2) + 1)];
  const d: Pair = max && s.f[1] ? [2, 1 + (n6 % 2)] : [1, 1];
  const ceil = s.f[2];
  const oh = windowOut(h, p[0], p[0], k[0], stride[0], d[0], ceil);
  const ow = windowOut(w, p[1], p[1], k[1], stride[1], d[1], ceil);
  if (oh < 1 || ow < 1) return { call: max ? 'MaxPool2d(1)' : 'AvgPool2d(kernel_size=1)', h, w };
  const args = [`kernel_size=${pairText(k)}`];
  if (strideGiven) args.push(`stride=${pairText(stride)}`);
  if (p[0] || p[1]) args.push(`padding=${pairText(p)}`);
  if (d[0] !== 1 || d[1] !== 1) args.push(`dilation=${pairText(d)}`);
  if (ceil) args.push('ceil_mode=True');
  if (!max && !s.f[3]) args.push('count_include_pad=False');
  if (!max && s.f[4]) args.push(`divisor_override=${1 + (n6 % 4)}`);
  return { call: `${max ? 'MaxPool2d' : 'AvgPool2d'}(${args.join(', ')})`, h: oh, w: ow };
}

const ACTIVATIONS = [
  'ReLU()',
  'LeakyReLU(0.1)',
  'LeakyReLU(negative_slope=0.3)',
  'Sigmoid()',
  'Tanh()',
  'Identity()',
  'Dropout(0.5)',
  'ReLU(inplace=True)',
];

/** Turns a raw draw into a model that PyTorch (and so cnnc) must accept. */
export function buildModel(raw: RawModel): GeneratedModel {
  const st: State = { c: raw.channels, h: raw.height, w: raw.width, prev: 'x' };
  const b = new Builder(st);
  for (const s of raw.stages) {
    const kind = s.kind;
    if (kind === 0) {
      st.prev = b.layer('act', pick(ACTIVATIONS, s.n[0]));
    } else if (kind === 1) {
      const r = conv(s, st.c, st.h, st.w);
      st.prev = b.layer('conv', r.call);
      Object.assign(st, { c: r.c, h: r.h, w: r.w });
    } else if (kind === 2) {
      const r = pool(s, st.h, st.w);
      st.prev = b.layer('pool', r.call);
      Object.assign(st, { h: r.h, w: r.w });
    } else if (kind === 3) {
      const args = [`${st.c}`];
      if (s.f[0]) args.push('eps=0.001');
      if (s.f[1]) args.push('momentum=0.2');
      if (s.f[2] && s.f[3]) args.push('affine=False');
      st.prev = b.layer(
        'bn',
        s.f[4] && s.f[5] ? `LazyBatchNorm2d(${args.slice(1).join(', ')})` : `BatchNorm2d(${args.join(', ')})`,
      );
    } else if (kind === 4) {
      // residual: a branch that keeps the shape, added to its own input
      const from = st.prev;
      const r = conv(s, st.c, st.h, st.w, true);
      const branch = b.layer('res', r.call, from);
      const extra = s.f[5] ? [b.layer('act', pick(ACTIVATIONS, s.n[9]), from)] : [];
      st.prev = b.add(b.name('sum'), 'Add()', [branch, from, ...extra]);
    } else if (kind === 5 && st.c <= 6) {
      // concat: branches of equal height and width, channels added up
      const from = st.prev;
      const o1 = 1 + (s.n[0] % 3);
      const b1 = b.layer('cat', `Conv2d(${st.c}, ${o1}, kernel_size=1)`, from);
      const b2 = s.f[0]
        ? b.layer('cat', `MaxPool2d(3, stride=1, padding=1)`, from)
        : b.layer(
            'cat',
            `Conv2d(${st.c}, ${1 + (s.n[1] % 3)}, 3, padding=1, padding_mode='${pick(['zeros', 'replicate', 'circular'], s.n[2])}')`,
            from,
          );
      const c2 = s.f[0] ? st.c : 1 + (s.n[1] % 3);
      const inputs = s.f[1] ? [b1, b2, from] : [b1, b2];
      st.prev = b.add(b.name('cat'), s.f[2] ? 'Concat(dim=1)' : pick(['Cat(1)', 'Concat(dim=-3)'], s.n[3]), inputs);
      st.c = o1 + c2 + (s.f[1] ? st.c : 0);
    } else {
      const oh = 1 + (s.n[0] % st.h);
      const ow = 1 + (s.n[1] % st.w);
      st.prev = b.layer('apool', `AdaptiveAvgPool2d(${oh === ow && s.f[0] ? oh : `(${oh}, ${ow})`})`);
      Object.assign(st, { h: oh, w: ow });
    }
  }
  const t = raw.tail;
  let lastShape = [raw.batch, st.c, st.h, st.w];
  if (t.kind % 3 !== 0) {
    if (t.f[0]) {
      st.prev = b.layer('gap', 'AdaptiveAvgPool2d(1)');
      Object.assign(st, { h: 1, w: 1 });
    }
    st.prev = b.layer('flat', t.f[1] ? 'Flatten()' : 'Flatten(start_dim=1)');
    const features = st.c * st.h * st.w;
    const out = 1 + (t.n[0] % 5);
    st.prev = b.layer(
      'fc',
      t.f[2] && t.f[3] ? `LazyLinear(${out})` : `Linear(${features}, ${out}${t.f[4] ? ', bias=False' : ''})`,
    );
    if (t.kind % 3 === 2) st.prev = b.layer('prob', t.f[5] ? 'Softmax(dim=1)' : 'Softmax(dim=-1)');
    lastShape = [raw.batch, out];
  }
  const batch = raw.symbolicBatch ? 'N' : String(raw.batch);
  const header = `model Fuzz {\n  input x: [${batch}, ${raw.channels}, ${raw.height}, ${raw.width}]`;
  return {
    source: b.text(header, `  output ${st.prev}\n}\n`),
    inputShape: [raw.batch, raw.channels, raw.height, raw.width],
    layers: b.layers,
    last: st.prev,
    lastShape,
  };
}
