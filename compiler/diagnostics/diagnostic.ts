import type { Span } from '../source/span.ts';
import type { DiagnosticCode } from './catalogue.ts';
import { CATALOGUE } from './catalogue.ts';

export type Severity = 'error' | 'warning';

/** A span with a short text: the primary label says what is wrong here, secondary ones say why. */
export interface Label {
  readonly span: Span;
  readonly message: string;
  readonly primary: boolean;
}

/** The data model of one diagnostic. Rendering (rich, short, JSON) lives in render/. */
export interface Diagnostic {
  readonly code: DiagnosticCode;
  readonly severity: Severity;
  /** One line that stands alone, without the source at hand. */
  readonly message: string;
  /** labels[0] is the primary label (the culprit). */
  readonly labels: readonly Label[];
  /** `= note: ...` lines: context, the formula with numbers filled in. */
  readonly notes: readonly string[];
  /** `= help: ...`: the exact edit, where one exists. */
  readonly help: string | null;
}

/** Builds a diagnostic whose severity comes from the catalogue. */
export class DiagnosticBuilder {
  private readonly labels: Label[] = [];
  private readonly notes: string[] = [];
  private helpText: string | null = null;

  constructor(
    private readonly code: DiagnosticCode,
    private readonly message: string,
    primary: Span,
    primaryLabel = '',
  ) {
    this.labels.push({ span: primary, message: primaryLabel, primary: true });
  }

  label(span: Span | undefined, message: string): this {
    if (span) this.labels.push({ span, message, primary: false });
    return this;
  }

  note(text: string): this {
    this.notes.push(text);
    return this;
  }

  help(text: string): this {
    this.helpText = text;
    return this;
  }

  build(): Diagnostic {
    return {
      code: this.code,
      severity: CATALOGUE[this.code].severity,
      message: this.message,
      labels: [...this.labels],
      notes: [...this.notes],
      help: this.helpText,
    };
  }
}

export function diag(code: DiagnosticCode, message: string, primary: Span, primaryLabel = ''): DiagnosticBuilder {
  return new DiagnosticBuilder(code, message, primary, primaryLabel);
}

/** Collects diagnostics in the order they are found. */
export class DiagnosticSink {
  readonly items: Diagnostic[] = [];

  report(d: Diagnostic | DiagnosticBuilder): void {
    this.items.push(d instanceof DiagnosticBuilder ? d.build() : d);
  }

  get hasErrors(): boolean {
    return this.items.some((d) => d.severity === 'error');
  }
}
