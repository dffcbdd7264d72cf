/**
 * Helper threads for the wasm backend: each worker instantiates the same compiled module on the same
 * shared memory and joins in on kernel phases `fn(lo, hi, tid)` published through a control block in
 * that memory (Atomics only; no message passing on the hot path).
 *
 * A phase's work units are cut into chunks that every thread (the caller included) claims one at a
 * time from a shared counter, so the caller never waits for a worker that has not woken up yet (on a
 * busy machine a sleeping thread can take milliseconds to be scheduled): it simply claims the chunks
 * itself, and waits only for chunks a worker has actually claimed. The counter holds the job's
 * sequence number in its high 16 bits and the next chunk in its low 16, so a late worker can never
 * claim a chunk of a job other than the one whose parameters it read.
 *
 * Idle workers spin on the counter for a short while (phases follow one another within
 * microseconds, and waking a sleeping thread costs tens of microseconds), then sleep in Atomics.wait.
 * On a busy machine a worker can still be descheduled in the middle of a chunk, and the caller must
 * wait for it; the executor times phases run both ways and keeps the faster (mode-chooser.ts).
 *
 * Control block (Int32 slots at `control`): 0 counter, 1 fn, 2 units, 3 chunk, 4 chunks done,
 * 5 quit, 6 error.
 */
import { Worker } from 'node:worker_threads';

const CTR = 0,
  FN = 1,
  UNITS = 2,
  CHUNK = 3,
  DONE = 4,
  QUIT = 5,
  ERROR = 6;

/** How long an idle worker spins before sleeping, in milliseconds. */
const WORKER_SPIN_MS = 0.25;
/**
 * How long the caller spins on workers' chunks before sleeping, in milliseconds. Short: when the
 * machine is busy, a spinning caller would take the core its own worker needs to finish.
 */
const MAIN_SPIN_MS = 0.05;

/** The counter keeps the chunk index in 16 bits. */
const MAX_CHUNKS = 0xffff;

// The worker is plain JavaScript evaluated from a string (no TypeScript loader needed in the thread).
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const { module, memory, control, names, tid, spinMs } = workerData;
const instance = new WebAssembly.Instance(module, { env: { memory } });
const fns = names.map((n) => instance.exports[n]);
const c = new Int32Array(memory.buffer, control, 8);
let lastSeq = Atomics.load(c, ${CTR}) >>> 16;
parentPort.postMessage('ready');
for (;;) {
  let v = Atomics.load(c, ${CTR});
  if (v >>> 16 === lastSeq) {
    const until = performance.now() + spinMs;
    while ((v = Atomics.load(c, ${CTR})) >>> 16 === lastSeq && performance.now() < until);
    while ((v = Atomics.load(c, ${CTR})) >>> 16 === lastSeq) Atomics.wait(c, ${CTR}, v);
  }
  if (Atomics.load(c, ${QUIT}) !== 0) break;
  const seq = v >>> 16;
  lastSeq = seq;
  const fn = fns[c[${FN}]], units = c[${UNITS}], chunk = c[${CHUNK}];
  const n = Math.ceil(units / chunk);
  for (;;) {
    v = Atomics.load(c, ${CTR});
    const k = v & 0xffff;
    if (v >>> 16 !== seq || k >= n) break;
    if (Atomics.compareExchange(c, ${CTR}, v, v + 1) !== v) continue;
    try {
      fn(k * chunk, Math.min(units, (k + 1) * chunk), tid);
    } catch (e) {
      Atomics.store(c, ${ERROR}, 1);
    }
    Atomics.add(c, ${DONE}, 1);
    Atomics.notify(c, ${DONE});
  }
}
`;

export class ThreadPool {
  private readonly c: Int32Array;
  private seq: number;
  private closed = false;
  /** chunks the workers (not the caller) have run so far: tests check that workers take part */
  workerChunks = 0;

  private constructor(
    private readonly workers: Worker[],
    memory: WebAssembly.Memory,
    control: number,
  ) {
    this.c = new Int32Array(memory.buffer, control, 8);
    this.seq = Atomics.load(this.c, CTR) >>> 16;
  }

  /** Starts `count` workers (thread ids 1..count); thread 0 is the caller. */
  static async start(
    module: WebAssembly.Module,
    memory: WebAssembly.Memory,
    control: number,
    names: readonly string[],
    count: number,
  ): Promise<ThreadPool> {
    const workers: Worker[] = [];
    try {
      for (let w = 0; w < count; w++) {
        const worker = new Worker(WORKER_SOURCE, {
          eval: true,
          workerData: { module, memory, control, names: [...names], tid: w + 1, spinMs: WORKER_SPIN_MS },
        });
        // an executor that is never destroyed must not keep the process alive
        worker.unref();
        workers.push(worker);
      }
      await Promise.all(
        workers.map(
          (worker) =>
            new Promise<void>((resolve, reject) => {
              worker.once('message', () => resolve());
              worker.once('error', reject);
              worker.once('exit', (code) => reject(new Error(`wasm worker exited with code ${code} before starting`)));
            }),
        ),
      );
    } catch (e) {
      for (const w of workers) void w.terminate();
      throw e;
    }
    return new ThreadPool(workers, memory, control);
  }

  /** Threads that can work on a phase, the caller included. */
  get threads(): number {
    return this.workers.length + 1;
  }

  /**
   * Runs units [0, units) of export `fn` (the caller's own instance calls `own`) in chunks of `chunk`
   * units shared among the caller and the workers; returns when every chunk is done.
   */
  run(fn: number, own: (lo: number, hi: number, tid: number) => void, units: number, chunk: number): void {
    if (this.closed) throw new Error('this wasm executor has been destroyed');
    const n = Math.ceil(units / chunk);
    if (n > MAX_CHUNKS) throw new Error(`wasm executor: ${n} chunks are more than a job can hold`);
    const c = this.c;
    this.seq = (this.seq + 1) & 0xffff;
    c[FN] = fn;
    c[UNITS] = units;
    c[CHUNK] = chunk;
    Atomics.store(c, DONE, 0);
    Atomics.store(c, CTR, this.seq << 16);
    Atomics.notify(c, CTR);
    let mine = 0;
    try {
      for (;;) {
        const v = Atomics.load(c, CTR);
        const k = v & 0xffff;
        if (k >= n) break;
        if (Atomics.compareExchange(c, CTR, v, v + 1) !== v) continue;
        mine++;
        own(k * chunk, Math.min(units, (k + 1) * chunk), 0);
      }
    } catch (e) {
      // claim the chunks nobody has started, so nobody runs them, then wait for the workers' ones
      for (;;) {
        const v = Atomics.load(c, CTR);
        if ((v & 0xffff) >= n) break;
        if (Atomics.compareExchange(c, CTR, v, v + 1) === v) mine++;
      }
      throw e;
    } finally {
      // whatever happened here, workers must be done with this job's memory before we return
      let d = Atomics.load(c, DONE);
      if (d + mine < n) {
        const until = performance.now() + MAIN_SPIN_MS;
        while (d + mine < n && performance.now() < until) d = Atomics.load(c, DONE);
        while (d + mine < n) {
          Atomics.wait(c, DONE, d, 100);
          d = Atomics.load(c, DONE);
        }
      }
    }
    this.workerChunks += n - mine;
    if (Atomics.load(c, ERROR) !== 0) {
      Atomics.store(c, ERROR, 0);
      throw new Error('a wasm kernel failed in a worker thread');
    }
  }

  destroy(): void {
    if (this.closed) return;
    this.closed = true;
    Atomics.store(this.c, QUIT, 1);
    Atomics.store(this.c, CTR, ((this.seq + 1) & 0xffff) << 16);
    Atomics.notify(this.c, CTR);
    for (const w of this.workers) void w.terminate();
  }
}
