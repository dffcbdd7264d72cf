/**
 * Compile time of a large .cnn file (a ResNet-18), phase by phase: check() (parse + names + shapes),
 * compile() (check, bind sizes and re-check, plan, optimizing passes) and the CPU backend's codegen
 * (cpuProgramSource on the plan). Cold: the first call in this process; warm: the median after it.
 */
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { check, compile } from '../compiler/index.ts';
import { cpuProgramSource } from '../compiler/5-codegen/cpu/program-source.ts';
import { median } from './timing.ts';

export interface PhaseTime {
  readonly coldMs: number;
  readonly medianMs: number;
  readonly reps: number;
}

export interface CompileTimeResult {
  readonly file: string;
  readonly model: string;
  readonly lines: number;
  readonly nodes: number;
  readonly steps: number;
  readonly params: number;
  readonly cpuSourceBytes: number;
  readonly check: PhaseTime;
  readonly compile: PhaseTime;
  readonly cpuCodegen: PhaseTime;
}

function timePhase<T>(f: () => T, quick: boolean): { result: T; time: PhaseTime } {
  let t0 = performance.now();
  const result = f();
  const coldMs = performance.now() - t0;
  const times: number[] = [];
  const start = performance.now();
  const [minReps, maxReps, budget] = quick ? [1, 1, 0] : [5, 30, 1500];
  while (times.length < maxReps && (times.length < minReps || performance.now() - start < budget)) {
    t0 = performance.now();
    f();
    times.push(performance.now() - t0);
  }
  return { result, time: { coldMs, medianMs: median(times), reps: times.length } };
}

export function measureCompileTime(file: string, { quick = false } = {}): CompileTimeResult {
  const source = readFileSync(file, 'utf8');
  const opts = { file: basename(file) };
  const checked = timePhase(() => check(source, opts), quick);
  if (!checked.result.ok)
    throw new Error(`${file} does not check: ${checked.result.diagnostics.map((d) => d.message).join('; ')}`);
  const compiled = timePhase(() => compile(source, opts), quick);
  const { plan, graph } = compiled.result;
  if (!plan || !graph)
    throw new Error(`${file} does not compile: ${compiled.result.diagnostics.map((d) => d.message).join('; ')}`);
  const codegen = timePhase(() => cpuProgramSource(plan), quick);
  return {
    file: basename(file),
    model: plan.model,
    lines: source.split('\n').length,
    nodes: graph.nodes.length,
    steps: plan.steps.length,
    params: graph.nodes.reduce((a, n) => a + n.params.reduce((b, p) => b + p.shape.reduce((x, y) => x * y, 1), 0), 0),
    cpuSourceBytes: codegen.result.length,
    check: checked.time,
    compile: compiled.time,
    cpuCodegen: codegen.time,
  };
}
