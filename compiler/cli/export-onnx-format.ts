/**
 * `cnnc export --format onnx`: the plan as an ONNX model for ONNX Runtime, Triton or TensorRT. A
 * symbolic batch stays dynamic: the model is compiled a second time at another batch size and what
 * differs becomes a `dim_param` (or a -1 in a Reshape). Weights past 2 GiB go to FILE.data.
 */
import { closeSync, mkdirSync, openSync, writeFileSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { formatBytes } from '../2-analyze/check-limits.ts';
import {
  type BatchSymbol,
  DEFAULT_OPSET,
  exportOnnx,
  isSupportedOpset,
  MAX_OPSET,
  MIN_OPSET,
  OnnxExportError,
} from '../5-codegen/onnx/index.ts';
import { CliError } from './errors.ts';
import type { ExportFormat, ExportJob, ExportOptions } from './export-command.ts';
import { fileProblem } from './io.ts';

function opsetOf(opts: ExportOptions): number {
  if (opts.opset === undefined) return DEFAULT_OPSET;
  const n = Number(opts.opset);
  if (!/^\d+$/.test(opts.opset.trim()) || !isSupportedOpset(n))
    throw new CliError(
      `--opset must be an integer from ${MIN_OPSET} to ${MAX_OPSET} (default ${DEFAULT_OPSET}), not \`${opts.opset}\``,
      2,
    );
  return n;
}

function externalAbove(opts: ExportOptions): number | undefined {
  if (opts.externalDataAbove === undefined) return undefined;
  const n = Number(opts.externalDataAbove);
  if (!/^\d+$/.test(opts.externalDataAbove.trim()) || !Number.isSafeInteger(n))
    throw new CliError(`--external-data-above needs a number of bytes, not \`${opts.externalDataAbove}\``, 2);
  return n;
}

/** Each batch symbol at its size in the plan and one more (plus its rank, so two symbols never coincide). */
function batchSymbols(job: ExportJob): BatchSymbol[] {
  const out: BatchSymbol[] = [];
  for (const b of job.batch) {
    if (out.some((s) => s.name === b.symbol)) continue;
    out.push({ name: b.symbol, base: b.size, probe: b.size + 1 + out.length });
  }
  return out;
}

function writeOrFail(path: string, write: () => void): void {
  try {
    write();
  } catch (e) {
    throw new CliError(`cannot write \`${path}\`: it ${fileProblem(e, 'written')}`);
  }
}

export const onnxFormat: ExportFormat = {
  name: 'onnx',
  description: 'ONNX Runtime, Triton, TensorRT',
  options: ['opset', 'externalDataAbove'],
  validate(opts) {
    opsetOf(opts);
    externalAbove(opts);
  },
  write(job) {
    const opset = opsetOf(job.opts);
    const symbols = batchSymbols(job);
    let batch = null;
    if (symbols.length) {
      const shapes = Object.fromEntries(
        Object.entries(job.inputShapes).map(([name, shape]) => {
          const b = job.batch.find((d) => d.input === name);
          const s = b && symbols.find((x) => x.name === b.symbol)!;
          return [name, s ? [s.probe, ...shape.slice(1)] : shape];
        }),
      );
      const at = symbols.map((s) => `${s.name} = ${s.probe}`).join(', ');
      const plan = job.compileAt(
        shapes,
        `\`${job.plan.model}\` does not check with ${at}, so its batch cannot stay dynamic; nothing was exported`,
      );
      batch = { plan, symbols };
    }
    const location = `${basename(job.output)}.data`;
    let result: ReturnType<typeof exportOnnx>;
    try {
      result = exportOnnx(job.plan, job.weights, {
        opset,
        batch,
        externalDataAbove: externalAbove(job.opts),
        externalDataLocation: location,
      });
    } catch (e) {
      if (e instanceof OnnxExportError) throw new CliError(`cannot export \`${job.plan.model}\` to ONNX: ${e.message}`);
      throw e;
    }
    const dir = dirname(job.output) || '.';
    writeOrFail(dir, () => mkdirSync(dir, { recursive: true }));
    writeOrFail(job.output, () => writeFileSync(job.output, result.model));
    const external = result.externalData;
    if (external) {
      const path = join(dir, external.location);
      writeOrFail(path, () => {
        const fd = openSync(path, 'w');
        try {
          for (const chunk of external.chunks) writeSync(fd, chunk);
        } finally {
          closeSync(fd);
        }
      });
    }
    const weights = `${formatBytes(result.weightBytes)} of weights${external ? ` in ${external.location}` : ''}`;
    const dynamic = result.dynamicDims.length ? `dynamic ${result.dynamicDims.join(', ')}` : 'fixed sizes';
    return `wrote ${job.output} (ONNX opset ${opset}, ${result.nodeCount} nodes, ${weights}; ${dynamic})`;
  },
};
