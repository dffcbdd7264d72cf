import { showText } from '../../1-parse/escape.ts';
import { diag } from '../../diagnostics/diagnostic.ts';
import { didYouMean } from '../../diagnostics/suggest.ts';
import { type BoundArgs, type InferCtx, type OpDef, REQUIRED } from './op-def.ts';
import { sameShape } from './activations.ts';
import { pyArg } from './arg-values.ts';
import { wrongRank } from './checks.ts';

/**
 * The dropouts are the identity at inference, which is all cnnc runs; PyTorch still refuses a p
 * outside [0, 1] when the module is made.
 */
function checkP(className: string, args: BoundArgs, report: InferCtx['report'], pytorch: string): void {
  const p = args.value('p') as number;
  if (p >= 0 && p <= 1) return;
  report(
    diag(
      'InvalidArgumentValue',
      `${className} argument \`p\` must be between 0 and 1, but is ${p}`,
      args.span('p'),
      'not a probability',
    )
      .note(`${pytorch}${pyArg(args, 'p')}`)
      .help('use a probability such as p=0.5'),
  );
}

const VARIANT: Readonly<Record<string, 'element' | 'channel' | 'alpha' | 'feature_alpha'>> = {
  Dropout: 'element',
  Dropout1d: 'channel',
  Dropout2d: 'channel',
  Dropout3d: 'channel',
  AlphaDropout: 'alpha',
  FeatureAlphaDropout: 'feature_alpha',
};

function dropoutLike(className: string): OpDef<'identity'> {
  return {
    ...sameShape(
      className,
      'identity',
      [
        { name: 'p', kind: 'float', default: 0.5 },
        { name: 'inplace', kind: 'bool', default: false },
      ],
      (a) => ({ training: { kind: 'dropout', p: a.value('p') as number, variant: VARIANT[className] } }),
    ),
    check: (args, report) =>
      checkP(
        className,
        args,
        report,
        'PyTorch raises ValueError: dropout probability has to be between 0 and 1, but got ',
      ),
  };
}

export const dropout = dropoutLike('Dropout');
export const dropout2d = dropoutLike('Dropout2d');
export const dropout3d = dropoutLike('Dropout3d');
export const alphaDropout = dropoutLike('AlphaDropout');
export const featureAlphaDropout = dropoutLike('FeatureAlphaDropout');

/** Dropout1d checks the rank even in eval mode: [N, C, L] or [C, L]. */
export const dropout1d: OpDef<'identity'> = {
  ...dropoutLike('Dropout1d'),
  infer(ctx) {
    const input = ctx.inputs[0];
    const rank = input.shape.length;
    if (rank !== 2 && rank !== 3) {
      return wrongRank(
        ctx,
        input,
        'a 2-D or 3-D input (N, C, L or C, L)',
        `dropout1d: Expected 2D or 3D input, but received a ${rank}D input. Note that dropout1d exists to provide channel-wise dropout on inputs with 1 spatial dimension, a channel dimension, and an optional batch dimension (i.e. 2D or 3D inputs).`,
        rank === 4 ? 'use Dropout2d for [N, C, H, W] inputs' : 'check the order of layers',
      );
    }
    return {
      shape: input.shape,
      attrs: { training: { kind: 'dropout', p: ctx.args.value('p') as number, variant: 'channel' } },
    };
  },
};

const MODES = ['batch', 'row'] as const;

/**
 * torchvision.ops.StochasticDepth: the identity at inference. torchvision checks p and mode each
 * time the layer runs (also in eval mode), so a bad value fails every run.
 */
export const stochasticDepth: OpDef<'identity'> = {
  ...sameShape(
    'StochasticDepth',
    'identity',
    [
      { name: 'p', kind: 'float', default: REQUIRED },
      { name: 'mode', kind: 'string', default: REQUIRED },
    ],
    (a) => ({
      training: { kind: 'stochastic_depth', p: a.value('p') as number, mode: a.value('mode') as 'row' | 'batch' },
    }),
  ),
  check(args, report) {
    checkP(
      'StochasticDepth',
      args,
      report,
      'PyTorch would fail at run time: drop probability has to be between 0 and 1, but got ',
    );
    const mode = args.value('mode') as string;
    if ((MODES as readonly string[]).includes(mode)) return;
    const guess = didYouMean(mode, MODES);
    report(
      diag(
        'InvalidArgumentValue',
        `StochasticDepth argument \`mode\` must be 'batch' or 'row', but is '${showText(mode, 64)}'`,
        args.span('mode'),
        'not a mode',
      )
        .note(`PyTorch would fail at run time: mode has to be either 'batch' or 'row', but got ${showText(mode, 64)}`)
        .help(guess ? `did you mean mode='${guess}'?` : "use mode='row' (torchvision's models do) or 'batch'"),
    );
  },
};
