/**
 * The progress bar of long runs (cli-progress). It draws only on a terminal: when stderr is piped or
 * redirected, or with --no-progress, it is a no-op and the output stays clean for scripts. Lines the
 * CLI prints while the bar is up are held back and printed after it, so they never tear the bar.
 */
import { SingleBar } from 'cli-progress';
import type { Output } from './check-command.ts';

export interface Progress {
  /** sets the current stage's label and draws at once (before long synchronous work) */
  stage(label: string): void;
  /** one unit of work done */
  tick(): void;
  /** removes the bar and prints the lines held back */
  stop(): void;
  /** an Output that holds lines back while the bar is drawn */
  readonly io: Output;
}

export interface ProgressStream {
  readonly isTTY?: boolean;
  write(chunk: string): boolean;
}

/** Draws when `stream` is a terminal and there are `total` units; otherwise does nothing. */
export function createProgress(total: number, io: Output, stream: ProgressStream | null): Progress {
  if (!stream?.isTTY || total < 1) return { stage: () => undefined, tick: () => undefined, stop: () => undefined, io };
  const held: { to: 'out' | 'err'; text: string }[] = [];
  const bar = new SingleBar({
    stream: stream as NodeJS.WritableStream,
    format: '{bar} {value}/{total} {stage}',
    barsize: 30,
    // no SIGINT handler (it would keep Ctrl-C from ending the run) and so no hidden cursor to restore
    hideCursor: false,
    gracefulExit: false,
    clearOnComplete: true,
    stopOnComplete: false,
  });
  let done = 0;
  let stopped = false;
  bar.start(total, 0, { stage: '' });
  return {
    stage(label) {
      if (stopped) return;
      bar.update(done, { stage: label });
      bar.render();
    },
    tick() {
      if (stopped) return;
      done = Math.min(total, done + 1);
      bar.update(done);
    },
    stop() {
      if (stopped) return;
      stopped = true;
      bar.stop();
      for (const line of held) io[line.to](line.text);
    },
    io: {
      out: (text) => (stopped ? io.out(text) : held.push({ to: 'out', text })),
      err: (text) => (stopped ? io.err(text) : held.push({ to: 'err', text })),
      color: io.color,
    },
  };
}
