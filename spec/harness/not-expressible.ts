/**
 * Catalogue codes that no conformance file can show, each with the reason. The coverage test in
 * spec/conformance.test.ts fails for a code that has neither a file expecting it nor an entry here,
 * and for an entry here whose code does have a file (the entry is stale then).
 *
 * Compile-time codes are .cnn files checked with check(), and
 * run-time codes (weights, inputs, backends, binding, model choice) as files in
 * spec/conformance/runtime/ run through the CLI with fixtures the test writes.
 */
export const NOT_EXPRESSIBLE: Readonly<Record<string, string>> = {
  // a fixture is text or a tensor file; a crafted pickle needs arbitrary bytes
  E0412:
    'a pickle naming a global outside the allow-list is binary; test/io/unpickler.test.ts and test/checkpoints/cli.test.ts craft them (os.system, builtins.eval, REDUCE on a non-allow-listed callable) and check E0412 through the CLI',
};
