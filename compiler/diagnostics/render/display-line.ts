/** Tab stops every 4 columns, as most editors show `.cnn` files. */
export const TAB_WIDTH = 4;

/** A source line as the terminal shows it, with a map from UTF-16 index to display column. */
export interface DisplayLine {
  /** The text with tabs expanded to spaces and control characters replaced. */
  readonly text: string;
  /** Display width of the whole line. */
  readonly width: number;
  /** Display column (0-based) where the character at UTF-16 index `index` starts; past the end, one column per unit. */
  columnAt(index: number): number;
}

export function toDisplayLine(raw: string): DisplayLine {
  // starts[i] = display column before raw[i]; starts[raw.length] = total width.
  const starts = new Array<number>(raw.length + 1);
  let out = '';
  let col = 0;
  for (let i = 0; i < raw.length; i++) {
    starts[i] = col;
    const unit = raw.charCodeAt(i);
    if (unit === 9 /* \t */) {
      const n = TAB_WIDTH - (col % TAB_WIDTH);
      out += ' '.repeat(n);
      col += n;
      continue;
    }
    if (isLowSurrogate(unit) && i > 0 && isHighSurrogate(raw.charCodeAt(i - 1))) continue; // counted with its pair
    const cp = raw.codePointAt(i) ?? unit;
    const ch = String.fromCodePoint(cp);
    if (cp < 32 || cp === 127 || (cp >= 0x80 && cp < 0xa0) || isLoneSurrogate(raw, i)) {
      // A raw control character would reach the terminal as a command, so show a visible stand-in.
      out += '\uFFFD';
      col += 1;
      continue;
    }
    out += ch;
    col += charWidth(cp, ch);
  }
  starts[raw.length] = col;
  return {
    text: out,
    width: col,
    columnAt(index: number): number {
      if (index <= 0) return 0;
      if (index >= raw.length) return col + (index - raw.length);
      return starts[index];
    },
  };
}

function isHighSurrogate(u: number): boolean {
  return u >= 0xd800 && u <= 0xdbff;
}
function isLowSurrogate(u: number): boolean {
  return u >= 0xdc00 && u <= 0xdfff;
}
function isLoneSurrogate(s: string, i: number): boolean {
  const u = s.charCodeAt(i);
  if (isHighSurrogate(u)) return !isLowSurrogate(s.charCodeAt(i + 1));
  return isLowSurrogate(u);
}

const COMBINING = /^[\p{Mn}\p{Me}\u200B-\u200F]$/u;

/** Terminal columns of one code point: 0 for combining marks, 2 for East Asian wide and emoji, else 1. */
function charWidth(cp: number, ch: string): number {
  if (COMBINING.test(ch)) return 0;
  if (
    (cp >= 0x1100 && cp <= 0x115f) ||
    (cp >= 0x2e80 && cp <= 0xa4cf && cp !== 0x303f) ||
    (cp >= 0xac00 && cp <= 0xd7a3) ||
    (cp >= 0xf900 && cp <= 0xfaff) ||
    (cp >= 0xfe30 && cp <= 0xfe4f) ||
    (cp >= 0xff00 && cp <= 0xff60) ||
    (cp >= 0xffe0 && cp <= 0xffe6) ||
    (cp >= 0x1f300 && cp <= 0x1f64f) ||
    (cp >= 0x1f900 && cp <= 0x1f9ff) ||
    (cp >= 0x20000 && cp <= 0x3fffd)
  ) {
    return 2;
  }
  return 1;
}
