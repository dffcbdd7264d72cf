/**
 * The one catalogue of diagnostic codes. A call site names an entry by its key; the code, the
 * severity and the one-line summary (used in spec/LANGUAGE.md and `cnnc explain CODE`) live here.
 * A test fails if two entries share a code.
 */
export interface CatalogueEntry {
  readonly code: string;
  readonly severity: 'error' | 'warning';
  readonly summary: string;
}

function entry(code: string, summary: string, severity: 'error' | 'warning' = 'error'): CatalogueEntry {
  return { code, severity, summary };
}

export const CATALOGUE = {
  // Lexical and syntax errors: E01xx
  UnexpectedCharacter: entry('E0101', 'a character that cannot start any token'),
  SyntaxError: entry('E0102', 'the tokens do not form a statement the grammar knows'),
  UnterminatedString: entry('E0103', 'a string literal runs to the end of the line'),
  InvalidNumber: entry('E0104', 'a number literal that is malformed or out of range'),
  NothingToCompile: entry('E0105', 'the file declares no model'),

  // Names, arguments and structure: E02xx
  UnknownOp: entry('E0201', 'the layer names an op or block that does not exist'),
  UnknownArgument: entry('E0202', 'a keyword argument the op does not take'),
  DuplicateName: entry('E0203', 'two statements (or inputs) share a name'),
  UnknownName: entry('E0204', 'an input, output or symbol names nothing defined before it'),
  ArgumentGivenTwice: entry('E0205', 'an argument is given both by position and by keyword, or twice'),
  TooManyArguments: entry('E0206', 'more positional arguments than the op takes'),
  MissingArgument: entry('E0207', 'a required argument is missing'),
  WrongArgumentType: entry('E0208', 'an argument has the wrong type (e.g. a string where an int is due)'),
  InvalidArgumentValue: entry(
    'E0209',
    'an argument is of the right type but out of range (stride 0, kernel_size -1, ...)',
  ),
  DuplicateDeclaration: entry('E0210', 'two models or blocks share a name'),
  WrongInputCount: entry('E0211', 'an op receives more or fewer inputs than it takes'),
  RecursiveBlock: entry('E0212', 'a block uses itself, directly or through other blocks'),
  PositionalAfterKeyword: entry('E0213', 'a positional argument follows a keyword argument'),
  UseBeforeDefinition: entry('E0214', 'a statement reads a name that is defined only later'),
  InvalidInputShape: entry('E0215', 'an input shape is not a list of positive integers and symbols'),
  UnknownParameter: entry('E0216', 'an inline parameter the op does not have'),
  InlineValueShape: entry('E0217', 'an inline parameter value whose shape does not fit the parameter'),
  MisplacedStatement: entry(
    'E0218',
    'a statement where it is not allowed (shape on a block input, weights in a block, ...)',
  ),
  NoInput: entry('E0219', 'a model or block with no input'),
  UnusedLayer: entry('W0220', 'a layer whose output nothing reads and that is not an output', 'warning'),

  // Shapes: E03xx
  ChannelMismatch: entry('E0301', 'a layer expects a different number of channels than its input has'),
  KernelLargerThanInput: entry('E0302', 'the (dilated) kernel is larger than the padded input'),
  OutputTooSmall: entry('E0303', 'the computed output size is below 1'),
  GroupsInChannels: entry('E0304', 'in_channels is not divisible by groups'),
  GroupsOutChannels: entry('E0305', 'out_channels is not divisible by groups'),
  SameWithStride: entry('E0306', "padding='same' with a stride other than 1"),
  BadPaddingString: entry('E0307', "a padding string other than 'same' or 'valid'"),
  BadPaddingMode: entry('E0308', 'a padding_mode other than zeros, reflect, replicate or circular'),
  ReflectPadTooBig: entry('E0309', 'reflect padding not smaller than the input dimension'),
  CircularPadTooBig: entry('E0310', 'circular padding larger than the input dimension'),
  PoolPadTooBig: entry('E0311', 'pool padding larger than half the kernel'),
  LinearInFeatures: entry('E0312', 'Linear in_features differs from the size of the last input dimension'),
  AddShapeMismatch: entry('E0313', 'Add inputs whose shapes differ'),
  ConcatShapeMismatch: entry('E0314', 'Concat inputs that differ outside the concat dimension'),
  WrongRank: entry('E0315', 'an op receives a tensor of a rank it does not accept'),
  DimOutOfRange: entry(
    'E0316',
    'a dim argument (Flatten, Softmax, Concat, Narrow, Permute, Mean, ...) outside the input rank',
  ),
  DivisorZero: entry('E0317', 'AvgPool2d divisor_override of 0'),
  UnknownChannels: entry('E0318', 'a channel count that must be known at compile time is symbolic'),
  SymbolicCheck: entry('W0319', 'a shape condition that depends on a symbolic size is checked at run time', 'warning'),
  SizeLimit: entry('E0320', 'a tensor or parameter larger than the configured limit'),
  BackendLimit: entry(
    'E0321',
    'a tensor or kernel beyond what the chosen backend supports (gpu.js WebGL indexing, texture inputs)',
  ),
  BroadcastMismatch: entry('E0322', 'two inputs of Sub, Mul or Div whose shapes do not broadcast'),
  UnpackCount: entry('E0323', 'a multi-output op (Chunk, Split) taken as a different number of tensors than it gives'),
  ChannelGroups: entry('E0324', 'a channel count not divisible by the groups of GroupNorm or ChannelShuffle'),
  RepeatedDim: entry('E0325', 'a dim given twice (Permute, Mean, Sum)'),
  SliceOutOfRange: entry('E0326', 'Narrow, Chunk or Split sizes that do not fit the input dimension'),
  UnknownSize: entry(
    'E0327',
    'a size that must be known at compile time (to chunk, split, narrow or reshape) is symbolic',
  ),
  ReshapeSize: entry('E0328', "a Reshape, View or Unflatten shape that does not fit the input's number of elements"),
  NormalizedShapeMismatch: entry('E0329', "LayerNorm's normalized_shape differs from the input's trailing dimensions"),

  // Weights and run time: E04xx
  WeightsMissingKey: entry('E0401', 'a parameter the model needs is missing from the weights file'),
  WeightsUnexpectedKey: entry('E0402', 'the weights file holds a key no layer has'),
  WeightsShapeMismatch: entry('E0403', 'a parameter in the weights file has the wrong shape'),
  WeightsMalformed: entry('E0404', 'the weights file is not valid safetensors or torch.save (.pt/.pth) data'),
  NoWeights: entry('W0405', 'no weights given: parameters use PyTorch default initialisation with a seed', 'warning'),
  InputShapeMismatch: entry('E0406', 'a run-time input differs from the declared shape'),
  BackendUnavailable: entry('E0407', 'an explicitly named backend cannot run here'),
  BadTensorFile: entry('E0408', 'an input file (.npy or image) that cannot be read as the model needs'),
  UnboundSize: entry('E0409', 'a symbolic size with no value where code must be generated for concrete shapes'),
  AmbiguousModel: entry('E0410', 'the file declares several models and none was chosen'),
  WeightsDtype: entry(
    'E0411',
    'a weights tensor whose dtype or values its parameter cannot take (an integer beyond 2^24 for a float, a float num_batches_tracked)',
  ),
  WeightsUnsafePickle: entry(
    'E0412',
    'a .pt/.pth pickle names a global, call or opcode outside the weights-only allow-list (it could run code); nothing is executed',
  ),
} as const satisfies Record<string, CatalogueEntry>;

export type DiagnosticKey = keyof typeof CATALOGUE;
/** Call sites name a diagnostic by catalogue key. */
export type DiagnosticCode = DiagnosticKey;

export function codeOf(key: DiagnosticKey): string {
  return CATALOGUE[key].code;
}
