export { exportOnnx, ONNX_OPSET, OnnxExportError, type OnnxExportOptions } from './export-onnx.ts';
