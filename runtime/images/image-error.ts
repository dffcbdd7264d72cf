/** An image that cannot be read, or does not fit the model. The message names the file and the problem. */
export class ImageError extends Error {
  override readonly name = 'ImageError';
}
