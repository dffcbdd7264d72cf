/**
 * JSON.parse silently keeps the last of two equal keys; a tensor file whose header names a tensor twice
 * is ambiguous, so we look for duplicates ourselves. The text must already be valid JSON.
 */

export interface DuplicateKey {
  /** The repeated key (unescaped). */
  readonly key: string;
  /** Keys leading to the object holding the duplicate; [] for the top-level object. */
  readonly path: readonly string[];
}

interface Frame {
  readonly isObject: boolean;
  readonly keys: Set<string>;
  readonly path: readonly string[];
  expectKey: boolean;
  lastKey: string | undefined;
}

/** First duplicate key found in any object of the (valid) JSON `text`, or undefined. */
export function findDuplicateJsonKey(text: string): DuplicateKey | undefined {
  const stack: Frame[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    const top = stack[stack.length - 1];
    if (c === '{' || c === '[') {
      const parentPath = top ? (top.isObject && top.lastKey !== undefined ? [...top.path, top.lastKey] : top.path) : [];
      stack.push({ isObject: c === '{', keys: new Set(), path: parentPath, expectKey: c === '{', lastKey: undefined });
      i++;
    } else if (c === '}' || c === ']') {
      stack.pop();
      i++;
    } else if (c === ',') {
      if (top?.isObject) top.expectKey = true;
      i++;
    } else if (c === '"') {
      let end = i + 1;
      while (end < text.length && text[end] !== '"') end += text[end] === '\\' ? 2 : 1;
      if (top?.isObject && top.expectKey) {
        const key = JSON.parse(text.slice(i, end + 1)) as string;
        if (top.keys.has(key)) return { key, path: top.path };
        top.keys.add(key);
        top.lastKey = key;
        top.expectKey = false;
      }
      i = end + 1;
    } else {
      i++;
    }
  }
  return undefined;
}
