/** The three escaping helpers that are the only way user text enters generated code. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { jsString, safeComment, safeIdentifier } from '../../compiler/5-codegen/cpu/escape.ts';

const nasty = [
  '"',
  "'",
  '`',
  '${process.exit(1)}',
  '*/',
  '/*',
  '\n',
  '\r',
  '\u2028',
  '\u2029',
  '\\',
  '</script>',
  '\ud800',
  '__proto__',
];
const nastyString = fc
  .array(fc.oneof(fc.constantFrom(...nasty), fc.string({ unit: 'binary' })), { maxLength: 8 })
  .map((a) => a.join(''));

describe('jsString', () => {
  it('round-trips any string through a JavaScript string literal', () => {
    fc.assert(
      fc.property(nastyString, (s) => {
        const lit = jsString(s);
        expect(new Function(`return ${lit};`)()).toBe(s);
        expect(lit).not.toMatch(/[\n\r\u2028\u2029]/);
      }),
    );
  });
  it('works as a computed key, even for __proto__', () => {
    const o = Object.create(null);
    new Function('o', `o[${jsString('__proto__')}] = 1; o[${jsString('a"b')}] = 2;`)(o);
    expect(Object.keys(o)).toEqual(['__proto__', 'a"b']);
  });
});

describe('safeComment', () => {
  it('never ends a // or /* */ comment', () => {
    fc.assert(
      fc.property(nastyString, (s) => {
        const c = safeComment(s);
        expect(c).not.toMatch(/[\n\r\u2028\u2029]/);
        expect(c).not.toContain('*/');
        // both comment forms still parse and leave the next statement intact
        expect(new Function(`// ${c}\nreturn 1;`)()).toBe(1);
        expect(new Function(`/* ${c} */ return 2;`)()).toBe(2);
      }),
    );
  });
  it('breaks up a comment close spliced from pieces', () => {
    expect(safeComment('a **// b')).not.toContain('*/');
    expect(safeComment('x*/y')).toBe('x* /y');
  });
});

describe('safeIdentifier', () => {
  it('is a valid, unused, non-reserved identifier', () => {
    fc.assert(
      fc.property(fc.array(nastyString, { maxLength: 6 }), (names) => {
        const used = new Set<string>(['taken']);
        const ids = names.map((n) => safeIdentifier(n, used));
        for (const id of ids) {
          expect(id).toMatch(/^[A-Za-z_][A-Za-z0-9_]*$/);
          expect(() => new Function(`let ${id} = 1; return ${id};`)).not.toThrow();
        }
        expect(new Set(ids).size).toBe(ids.length);
        expect(ids).not.toContain('taken');
      }),
    );
  });
  it('maps readable names readably', () => {
    const used = new Set<string>();
    expect(safeIdentifier('layer1.conv1', used)).toBe('layer1_conv1');
    expect(safeIdentifier('layer1.conv1', used)).toBe('layer1_conv1_1');
    expect(safeIdentifier('1x', used)).toBe('_1x');
    expect(safeIdentifier('return', used)).toBe('_return');
    expect(safeIdentifier('', used)).toBe('_');
  });
});
