/** Pictures in, pictures out: decode PNG/JPEG to tensors, and draw feature maps as PNG grids. */
export { decodeImage, detectFormat, MAX_PIXELS, type ImageFormat, type RgbaImage } from './decode.ts';
export { encodePng, type RgbaPixels } from './encode.ts';
export { ImageError } from './image-error.ts';
export { resizeBilinear } from './resize.ts';
export {
  IDENTITY,
  normalisePlanar,
  parseNumberList,
  parseScale,
  perChannel,
  PRESETS,
  type Normalisation,
  type Preset,
  type Scale,
} from './normalise.ts';
export { imageToTensor, type ImageTensorOptions } from './to-tensor.ts';
export {
  autoZoom,
  channelRanges,
  featureGrid,
  formatValue,
  gridColumns,
  type ChannelRange,
  type FeatureGrid,
  type GridOptions,
} from './grid.ts';
export { colour, COLORMAPS, type ColormapName } from './colormap.ts';
