/**
 * Text from a file (a key, a global's name, a zip entry's name) as a message quotes it: control
 * and line-separator characters escaped, so the message stays one line, and cut after `max` characters.
 */
export function shown(text: string, max = 100): string {
  const cut = text.length > max ? `${text.slice(0, max)}…` : text;
  return cut.replace(
    /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}
