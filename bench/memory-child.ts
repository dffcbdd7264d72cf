/** One memory probe (see memory.ts): argv FILE ENGINE SEED RUNS; prints one JSON line. */
import { readFileSync, writeFileSync } from 'node:fs';
import { basename } from 'node:path';
import { selectEngines } from './harness.ts';
import { loadWorkload } from './workloads.ts';

const MiB = 2 ** 20;
const round = (bytes: number) => Math.round((bytes / MiB) * 10) / 10;
const rss = () => round(process.memoryUsage.rss());

/**
 * Linux keeps the resident set's high-water mark in /proc/self/status (VmHWM) and resets it when "5"
 * is written to /proc/self/clear_refs, so the peak of the run alone can be read, without the loader's
 * transient peak while it transpiles the modules. Elsewhere: getrusage's ru_maxrss, never reset.
 */
function resetPeak(): boolean {
  try {
    writeFileSync('/proc/self/clear_refs', '5');
    return /^VmHWM:/m.test(readFileSync('/proc/self/status', 'utf8'));
  } catch {
    return false;
  }
}
function peak(resettable: boolean): number {
  if (resettable) {
    const kb = /^VmHWM:\s*(\d+)\s*kB/m.exec(readFileSync('/proc/self/status', 'utf8'));
    if (kb) return round(Number(kb[1]) * 1024);
  }
  return round(process.resourceUsage().maxRSS * 1024);
}

const [file, engineName, seedText, runsText] = process.argv.slice(2);
const [engine] = selectEngines([engineName]);
const afterImportMiB = rss();
const w = loadWorkload({ id: basename(file), title: basename(file), file }, Number(seedText));
const why = await engine.unavailable();
if (why) throw new Error(`${engineName} is unavailable: ${why}`);
const afterCompileMiB = rss();
const resettable = resetPeak();
const runner = await engine.prepare(w);
await runner.activate?.();
const afterSetupMiB = rss();
const runs = Number(runsText);
for (let i = 0; i < runs; i++) await runner.run();
const peakMiB = peak(resettable);
await runner.destroy();
const method = resettable ? 'VmHWM, reset after compiling' : 'ru_maxrss (whole process)';
process.stdout.write(
  `${JSON.stringify({ engine: engineName, afterImportMiB, afterCompileMiB, afterSetupMiB, peakMiB, runs, method })}\n`,
);
// ORT's thread pools and TF.js's wasm module may keep the event loop alive; the probe is done
process.exit(0);
