import { describe, expect, it } from 'vitest';
import { IdentifierScope, safeComment, safeIdentifier } from '../../compiler/5-codegen/js-names.ts';

describe('safeIdentifier', () => {
  it('keeps [A-Za-z0-9_] names and maps everything else to _', () => {
    expect(safeIdentifier('conv1')).toBe('conv1');
    expect(safeIdentifier('layer1.0.conv-a')).toBe('layer1_0_conv_a');
    expect(safeIdentifier('x*/ }); evil(); /*')).toBe('x_______evil______');
    expect(safeIdentifier('ünïcode\u2028name')).toBe('_n_code_name');
  });

  it('never yields something that is not an identifier', () => {
    expect(safeIdentifier('')).toBe('_');
    expect(safeIdentifier('1st')).toBe('_1st');
    expect(safeIdentifier('return')).toBe('return_');
    expect(safeIdentifier('this')).toBe('this_');
    for (const name of ['', '9', 'a b', 'class', '$x', 'é', 'await', 'x\ny']) {
      const id = safeIdentifier(name);
      expect(id).toMatch(/^[A-Za-z_][A-Za-z0-9_]*$/);
      expect(() => new Function(`"use strict"; let ${id} = 1; return ${id};`)).not.toThrow();
    }
  });
});

describe('safeComment', () => {
  it('removes line terminators and comment ends', () => {
    const text = 'a */ b\nc\rd\u2028e\u2029f **/ g';
    const out = safeComment(text);
    expect(out).not.toMatch(/\*\/|[\n\r\u2028\u2029]/);
    expect(out).toBe('a * / b c d e f ** / g');
    // stays inert in both comment styles
    expect(new Function(`/* ${out} */ // ${out}\nreturn 1;`)()).toBe(1);
  });
});

describe('IdentifierScope', () => {
  it('dedupes names that map to the same identifier', () => {
    const scope = new IdentifierScope(['x']);
    expect(scope.take('a-b')).toBe('a_b');
    expect(scope.take('a_b')).toBe('a_b_2');
    expect(scope.take('a.b')).toBe('a_b_3');
    expect(scope.take('x')).toBe('x_2');
  });
});
