/**
 * Micro-benchmark of the wasm backend alone, to guide kernel work: for each workload (bench/workloads),
 * the median and best time of many runs with 1 and 2 threads, GFLOP/s (2 x MACs / time), the kernel
 * chosen for each step, and a check against the CPU reference. Not the project's benchmark (that is
 * bench/main.ts, which compares engines).
 *
 *   npx tsx bench/wasm-micro.ts [W2 W5 ...] [--runs 50] [--threads 1,2] [--relaxed] [--steps]
 *
 * --relaxed turns on V8's relaxed-SIMD flag in this process (Node 20 ships it off) so the kernels use
 * f32x4.relaxed_madd; --steps also times every step on its own.
 */
import { setFlagsFromString } from 'node:v8';
import { createWasmExecutor } from '../runtime/wasm/executor.ts';
import { loadWorkload, referenceOutputs, WORKLOADS } from './workloads.ts';

const args = process.argv.slice(2);
const opt = (name: string, dflt: string): string => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : dflt;
};
const runs = Number(opt('--runs', '50'));
const threadCounts = opt('--threads', '1,2').split(',').map(Number);
const relaxed = args.includes('--relaxed');
if (relaxed) setFlagsFromString('--experimental-wasm-relaxed-simd');
const wanted = args.filter((a) => /^W\d$/.test(a));

for (const def of WORKLOADS) {
  if (wanted.length > 0 && !wanted.includes(def.id)) continue;
  const w = loadWorkload(def, 1);
  const ref = referenceOutputs(w);
  for (const threads of threadCounts) {
    const ex = await createWasmExecutor(w.plan, w.weights, { threads, relaxed });
    const out = ex.run(w.feeds);
    let maxErr = 0;
    for (const [name, t] of Object.entries(ref)) {
      const got = out[name].data;
      for (let i = 0; i < got.length; i++)
        maxErr = Math.max(maxErr, Math.abs(got[i] - t.data[i]) / (1 + Math.abs(t.data[i])));
    }
    // warm up: V8 starts wasm in its baseline compiler and tiers hot functions up to TurboFan
    const warmEnd = performance.now() + 300;
    while (performance.now() < warmEnd) ex.run(w.feeds);
    const times: number[] = [];
    for (let r = 0; r < runs; r++) {
      const t0 = performance.now();
      ex.run(w.feeds);
      times.push(performance.now() - t0);
    }
    times.sort((a, b) => a - b);
    const med = times[times.length >> 1];
    const gflops = (ms: number) => ((2 * w.macs) / ms / 1e6).toFixed(1);
    console.log(
      `${def.id} ${threads}t${relaxed ? ' relaxed' : ''}: median ${med.toFixed(3)} ms (${gflops(med)} GFLOP/s), best ${times[0].toFixed(3)} ms (${gflops(times[0])} GFLOP/s), max rel err ${maxErr.toExponential(1)}`,
    );
    if (args.includes('--steps')) {
      // median of each part over the runs
      const profiles = Array.from({ length: runs }, () => ex.profile(w.feeds));
      const med = (xs: number[]) => xs.sort((a, b) => a - b)[xs.length >> 1].toFixed(3);
      console.log(
        `    copy in ${med(profiles.map((p) => p.copyIn))} ms, copy out ${med(profiles.map((p) => p.copyOut))} ms`,
      );
      ex.program.steps.forEach((s, i) => {
        const phases = s.phases.map(
          (ph, j) => `${ph.kind === 'wasm' ? ph.fn : ph.kind} ${med(profiles.map((p) => p.steps[i][j]))}`,
        );
        console.log(`    ${s.op} ${s.nodes.join('+')}: ${s.describe}: ${phases.join(', ')} ms`);
      });
    } else if (threads === threadCounts[0])
      for (const s of ex.program.steps) console.log(`    ${s.op} ${s.nodes.join('+')}: ${s.describe}`);
    ex.destroy();
  }
}
