import type { Workload } from '../workloads.ts';

/** One engine's handle on one workload: set up once, then run many times. */
export interface Runner {
  /** what really ran, when it is worth saying (e.g. the backend a library chose) */
  readonly detail?: string;
  /** made current before each timed run (e.g. TF.js's global backend); not timed */
  activate?(): Promise<void>;
  /** one inference, timed: the prepared inputs go in, the outputs come back to host memory */
  run(): Promise<unknown>;
  /** a run's result as NCHW float32 arrays keyed by output name; not timed */
  read(result: unknown): Record<string, Float32Array>;
  destroy(): Promise<void> | void;
}

export interface Engine {
  /** cnnc backends by their backend name (`cpu`, `gpujs:webasm`); peers by library (`ort-node`) */
  readonly name: string;
  readonly kind: 'cnnc' | 'peer';
  /** library and version, threads: one line for the report */
  readonly description: string;
  /** why this engine cannot run on this machine at all, or null */
  unavailable(): Promise<string | null>;
  /** throws Unsupported for a workload the engine cannot express (reported as skipped) */
  prepare(w: Workload): Promise<Runner>;
}

/** An engine that cannot run a particular workload (the reason goes in the report). */
export class Unsupported extends Error {}
