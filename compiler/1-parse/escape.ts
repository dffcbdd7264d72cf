/** How source text appears inside a message: visible, one line, short. */

const VISIBLE = /^[\p{L}\p{N}\p{P}\p{S}]$/u;

/** One code point as it reads in a message: itself if visible, else `\u2028` style. */
export function showChar(ch: string): string {
  const cp = ch.codePointAt(0) ?? 0;
  if (cp >= 0x21 && cp <= 0x7e && ch !== '`') return ch;
  if (cp > 0x7f && VISIBLE.test(ch)) return ch;
  return escapeCodePoint(cp);
}

export function escapeCodePoint(cp: number): string {
  return cp > 0xffff ? `\\u{${cp.toString(16)}}` : `\\u${cp.toString(16).padStart(4, '0')}`;
}

/** A token's text for a message: control characters escaped, cut after `max` code points. */
export function showText(text: string, max = 24): string {
  const chars = Array.from(text.length > max * 2 + 2 ? text.slice(0, max * 2 + 2) : text);
  const shown = chars.slice(0, max).map((c) => (c === ' ' ? ' ' : showChar(c)));
  return shown.join('') + (chars.length > max ? '…' : '');
}
