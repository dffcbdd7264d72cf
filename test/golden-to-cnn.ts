/**
 * Writes a golden case (../shared/golden) as .cnn text, so the golden suites exercise the real
 * language front end. Returns the text and the line of each layer, for error-line assertions.
 */
import type { GoldenCase, GoldenLayer } from './golden.ts';

const py = (v: unknown): string => {
  if (v === null || v === undefined) return 'None';
  if (typeof v === 'boolean') return v ? 'True' : 'False';
  if (typeof v === 'string') return `'${v}'`;
  if (Array.isArray(v)) return `(${v.map(py).join(', ')})`;
  return String(v);
};

function call(layer: GoldenLayer): string {
  const a = layer as Record<string, unknown>;
  switch (layer.op) {
    case 'conv2d':
      return `Conv2d(${a.in_channels}, ${a.out_channels}, kernel_size=${py(a.kernel_size)}, stride=${py(a.stride)}, padding=${py(a.padding)}, dilation=${py(a.dilation)}, groups=${a.groups}, bias=${py(a.bias)}, padding_mode=${py(a.padding_mode)})`;
    case 'maxpool2d':
      return `MaxPool2d(kernel_size=${py(a.kernel_size)}, stride=${py(a.stride)}, padding=${py(a.padding)}, dilation=${py(a.dilation)}, ceil_mode=${py(a.ceil_mode)})`;
    case 'avgpool2d':
      return `AvgPool2d(${py(a.kernel_size)}, ${py(a.stride)}, ${py(a.padding)}, ceil_mode=${py(a.ceil_mode)}, count_include_pad=${py(a.count_include_pad)}, divisor_override=${py(a.divisor_override)})`;
    case 'adaptive_avgpool2d':
      return `AdaptiveAvgPool2d(${py(a.output_size)})`;
    case 'global_avgpool2d':
      return 'AdaptiveAvgPool2d(1)';
    case 'batchnorm2d':
      return `BatchNorm2d(${a.num_features}, eps=${a.eps}, momentum=${py(a.momentum)}, affine=${py(a.affine)}, track_running_stats=${py(a.track_running_stats)})`;
    case 'relu':
      return 'ReLU()';
    case 'sigmoid':
      return 'Sigmoid()';
    case 'tanh':
      return 'Tanh()';
    case 'leaky_relu':
      return `LeakyReLU(negative_slope=${a.negative_slope})`;
    case 'flatten':
      return `Flatten(start_dim=${a.start_dim ?? 1}, end_dim=${a.end_dim ?? -1})`;
    case 'linear':
      return `Linear(${a.in_features}, ${a.out_features}, bias=${py(a.bias)})`;
    case 'add':
      return 'Add()';
    case 'concat':
      return `Concat(dim=${a.dim ?? 1})`;
    default:
      throw new Error(`golden op ${layer.op} has no .cnn spelling`);
  }
}

export function goldenToCnn(
  c: GoldenCase,
  opts: { weights?: string } = {},
): { text: string; lineOf: Map<string, number> } {
  const lines = [
    `# generated from ../shared/golden/${c.id}.json: ${c.description}`,
    `model ${c.id.replace(/[^A-Za-z0-9_]/g, '_')} {`,
  ];
  for (const [name, shape] of Object.entries(c.inputShapes)) lines.push(`  input ${name}: [${shape.join(', ')}]`);
  if (opts.weights) lines.push(`  weights ${JSON.stringify(opts.weights)}`);
  const lineOf = new Map<string, number>();
  for (const layer of c.layers) {
    const inputs = layer.inputs ? ` <- ${layer.inputs.join(', ')}` : '';
    lines.push(`  ${layer.name}: ${call(layer)}${inputs}`);
    lineOf.set(layer.name, lines.length);
  }
  lines.push(`  output ${c.layers[c.layers.length - 1].name}`, '}', '');
  return { text: lines.join('\n'), lineOf };
}
