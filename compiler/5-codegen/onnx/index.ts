export { exportOnnx, OnnxExportError, type OnnxExport, type OnnxExportOptions } from './export-onnx.ts';
export type { BatchProbe, BatchSymbol } from './batch-shapes.ts';
export { DEFAULT_EXTERNAL_ABOVE, type ExternalData } from './external-data.ts';
export { DEFAULT_OPSET, MAX_OPSET, MIN_OPSET, isSupportedOpset } from './opsets.ts';
