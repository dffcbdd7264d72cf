/**
 * Catalogue codes that no conformance file can show, each with the reason. The coverage test in
 * spec/conformance.test.ts fails for a code that has neither a file expecting it nor an entry here,
 * and for an entry here whose code does have a file (the entry is stale then).
 *
 * Every code is expressible today: compile-time codes as .cnn files checked with check(), and
 * run-time codes (weights, inputs, backends, binding, model choice) as files in
 * spec/conformance/runtime/ run through the CLI with fixtures the test writes.
 */
export const NOT_EXPRESSIBLE: Readonly<Record<string, string>> = {};
