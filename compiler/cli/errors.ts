/** A failure the CLI reports as one line on stderr (exit 1), or as a usage error (exit 2). */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: 1 | 2 = 1,
  ) {
    super(message);
  }
}
