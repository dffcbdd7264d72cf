/**
 * Runs one conformance file and compares what cnnc does with what the file expects. Returns the
 * differences as sentences (empty when the file conforms), so a failing test says all of them.
 */
import type { StoredTensor } from '../../runtime/io/stored-tensor.ts';
import { int64Tensor, safetensorsOf } from '../../test/checkpoints/fixtures.ts';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { check, compile } from '../../compiler/index.ts';
import { CATALOGUE } from '../../compiler/diagnostics/catalogue.ts';
import type { Diagnostic } from '../../compiler/diagnostics/diagnostic.ts';
import { evaluate, shapeToString } from '../../compiler/ir/dim.ts';
import type { Graph, IRNode } from '../../compiler/ir/graph.ts';
import type { SourceFile } from '../../compiler/source/source-file.ts';
import { writeNpy } from '../../runtime/io/npy.ts';
import { tensor, type Tensor } from '../../compiler/ir/tensor.ts';
import { runCli } from '../../test/cli-harness.ts';
import type { Expectations, Fixture, Located, NodeRef } from './directives.ts';

interface Seen extends Located {
  readonly severity: 'error' | 'warning';
  readonly message: string;
}

/** Checks a file through check() (or compile() with `# compile`). */
export function conformanceProblems(file: string, text: string, e: Expectations): string[] {
  const options = { file, inputShapes: e.bind ?? undefined };
  let diagnostics: readonly Diagnostic[];
  let graphs: readonly Graph[];
  let files: ReadonlyMap<string, SourceFile>;
  let ok: boolean;
  if (e.compile) {
    const c = compile(text, {
      ...options,
      model: e.compile.model ?? undefined,
      backend: e.compile.backend ?? undefined,
    });
    ({ diagnostics, files, ok } = c);
    graphs = c.graph ? [c.graph] : [];
  } else {
    ({ diagnostics, graphs, files, ok } = check(text, options));
  }
  const seen: Seen[] = diagnostics.map((d) => {
    const span = d.labels[0]?.span;
    const line = span ? (files.get(span.file)?.position(span.start).line ?? null) : null;
    return { code: CATALOGUE[d.code].code, line, severity: d.severity, message: d.message };
  });
  const problems = compareDiagnostics(e, seen);
  if (ok !== (e.errors.length === 0))
    problems.push(`check() says ok=${ok}, but the file expects ${e.errors.length} error(s)`);

  for (const s of e.shapes) {
    const found = findNode(graphs, s);
    if (typeof found === 'string') problems.push(found);
    else if (!found.shape) problems.push(`${name(s)}: no shape (an error left it unknown), expected ${s.shape}`);
    else if (squash(shapeToString(found.shape)) !== squash(s.shape))
      problems.push(`${name(s)}: shape ${shapeToString(found.shape)}, expected ${s.shape}`);
  }
  for (const v of e.evals) {
    const found = findNode(graphs, v);
    if (typeof found === 'string') {
      problems.push(found);
      continue;
    }
    const got = found.shape?.map((d) => evaluate(d, v.bindings));
    const at = [...v.bindings].map(([k, n]) => `${k}=${n}`).join(', ');
    if (!got || got.some((d) => typeof d !== 'number') || got.join(',') !== v.shape.join(',')) {
      problems.push(
        `${name(v)} with ${at}: ${got ? shapeToString(got) : 'no shape'}, expected [${v.shape.join(', ')}] (symbolic: ${found.shape ? shapeToString(found.shape) : 'none'})`,
      );
    }
  }
  const allParams = graphs.flatMap((g) => g.nodes.flatMap((n) => n.params));
  for (const p of e.params) {
    const matches = allParams.filter((q) => q.key === p.key);
    if (matches.length === 0)
      problems.push(`no parameter \`${p.key}\` (keys: ${allParams.map((q) => q.key).join(', ') || 'none'})`);
    for (const q of matches)
      if (q.shape.join(',') !== p.shape.join(','))
        problems.push(`parameter \`${p.key}\` is [${q.shape.join(', ')}], expected [${p.shape.join(', ')}]`);
  }
  for (const k of e.paramKeys) {
    const found = findNode(graphs, k);
    if (typeof found === 'string') problems.push(found);
    else if (found.params.map((p) => p.key).join(',') !== k.keys.join(',')) {
      problems.push(
        `${name(k)} has parameters [${found.params.map((p) => p.key).join(', ')}], expected [${k.keys.join(', ')}]`,
      );
    }
  }
  for (const a of e.attrs) {
    const found = findNode(graphs, a);
    if (typeof found === 'string') {
      problems.push(found);
      continue;
    }
    const got = JSON.stringify((found.attrs as Record<string, unknown>)[a.attr]);
    if (got !== JSON.stringify(a.value))
      problems.push(`${name(a)}.${a.attr} is ${got}, expected ${JSON.stringify(a.value)}`);
  }
  if (e.outputs) {
    if (graphs.length !== 1) problems.push(`expect-outputs needs exactly one model, the file has ${graphs.length}`);
    else if (graphs[0].outputNames.join(',') !== e.outputs.join(','))
      problems.push(`outputs are [${graphs[0].outputNames.join(', ')}], expected [${e.outputs.join(', ')}]`);
  }
  return problems;
}

/** Runs a `# cli:` file: fixtures are written next to a copy of the file in a fresh folder. */
export async function cliProblems(path: string, text: string, e: Expectations): Promise<string[]> {
  const dir = mkdtempSync(join(tmpdir(), 'cnnc-conformance-'));
  try {
    return await cliProblemsIn(dir, path, text, e);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function cliProblemsIn(dir: string, path: string, text: string, e: Expectations): Promise<string[]> {
  const file = join(dir, basename(path));
  writeFileSync(file, text);
  for (const f of e.fixtures) writeFileSync(join(dir, f.name), fixtureBytes(f));
  const argv = (e.cli ?? []).map((a) => a.replaceAll('{file}', file).replaceAll('{dir}', dir));
  const run = await runCli(argv);
  const output = `${run.stderr}\n${run.stdout}`;
  const problems = compareDiagnostics(e, diagnosticsInOutput(output));
  if (e.exit !== null && run.code !== e.exit) problems.push(`exit code ${run.code}, expected ${e.exit}`);
  // whitespace does not count, so JSON can be matched across its line breaks
  for (const s of e.stdout)
    if (!squash(run.stdout).includes(squash(s.replaceAll('{dir}', dir)))) problems.push(`stdout lacks \`${s}\``);
  if (problems.length) problems.push(`output of \`cnnc ${argv.join(' ')}\`:\n${output.replaceAll(dir, '{dir}')}`);
  return problems;
}

/**
 * Codes in CLI output: rich diagnostics (`error[E0406]: ...` then `┌─ file:LINE:COL`), warnings
 * without a location (`warning[W0405]: ...`) and one-line failures (`cnnc: error: E0401: ...`).
 */
export function diagnosticsInOutput(output: string): Seen[] {
  const lines = output.split('\n');
  const out: Seen[] = [];
  lines.forEach((l, i) => {
    const rich = /^(error|warning)\[([EW]\d{4})\]: (.*)$/.exec(l);
    if (rich) {
      const at = /┌─ .*:(\d+):\d+\s*$/.exec(lines[i + 1] ?? '');
      out.push({
        code: rich[2],
        line: at ? Number(at[1]) : null,
        severity: rich[1] as Seen['severity'],
        message: rich[3],
      });
      return;
    }
    const oneLine = /^cnnc: error: ([EW]\d{4}): (.*)$/.exec(l);
    if (oneLine) out.push({ code: oneLine[1], line: null, severity: 'error', message: oneLine[2] });
  });
  return out;
}

/** Expected and seen diagnostics as multisets; an expectation without a line matches any line. */
function compareDiagnostics(e: Expectations, seen: readonly Seen[]): string[] {
  const problems: string[] = [];
  const left = [...seen];
  for (const want of [...e.errors, ...e.warnings]) {
    const i = left.findIndex((s) => s.code === want.code && (want.line === null || s.line === want.line));
    if (i >= 0) left.splice(i, 1);
    else problems.push(`missing ${want.code}${want.line === null ? '' : ` @ ${want.line}`}`);
  }
  for (const s of left) problems.push(`unexpected ${s.code}${s.line === null ? '' : ` @ ${s.line}`}: ${s.message}`);
  return problems;
}

function findNode(graphs: readonly Graph[], ref: NodeRef): IRNode | string {
  const inModel = ref.model === null ? graphs : graphs.filter((g) => g.name === ref.model);
  if (inModel.length === 0)
    return ref.model === null
      ? `no model to find \`${ref.node}\` in`
      : `no model \`${ref.model}\` (models: ${graphs.map((g) => g.name).join(', ') || 'none'})`;
  const hits = inModel.flatMap((g) => g.nodes.filter((n) => n.id === ref.node));
  if (hits.length === 1) return hits[0];
  if (hits.length > 1) return `\`${ref.node}\` is in several models; write Model/${ref.node}`;
  return `no node \`${name(ref)}\` (nodes: ${inModel.flatMap((g) => g.nodes.map((n) => n.id)).join(', ') || 'none'})`;
}

function name(ref: NodeRef): string {
  return ref.model === null ? ref.node : `${ref.model}/${ref.node}`;
}

const squash = (s: string) => s.replace(/\s+/g, '');

/** Small deterministic values: fixtures need the right shape, not particular numbers. */
function filled(shape: readonly number[]): Tensor {
  const t = tensor(shape);
  for (let i = 0; i < t.data.length; i++) t.data[i] = ((i % 7) - 3) / 4;
  return t;
}

function fixtureBytes(f: Fixture): Uint8Array | string {
  switch (f.kind) {
    case 'npy':
      return writeNpy(filled(f.shape));
    case 'safetensors':
      return safetensorsOf(
        f.tensors.map((t) => {
          const values = filled(t.shape);
          const stored: StoredTensor =
            t.dtype === 'I64'
              ? int64Tensor(
                  [...t.shape],
                  Array.from(values.data, (_, i) => i + 1),
                )
              : { dtype: 'F32', shape: t.shape, bytes: new Uint8Array(values.data.buffer) };
          return [t.key, stored] as [string, StoredTensor];
        }),
      );
    case 'text':
      return f.text;
  }
}
