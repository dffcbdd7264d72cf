import { GPU } from 'gpu.js';
import { expect, it } from 'vitest';

/** Fails (never skips) when headless GL cannot start, saying how to run the suite. */
export function requireHeadlessGl(): void {
  it('headless GL is available', () => {
    expect(
      GPU.isHeadlessGLSupported,
      'headless GL is unavailable: run the gpu.js tests under an X display, `xvfb-run -a npx vitest run test/gpujs` ' +
        "(and the 'gl' package must be built: libxi-dev libglu1-mesa-dev libglew-dev pkg-config)",
    ).toBe(true);
  });
}
