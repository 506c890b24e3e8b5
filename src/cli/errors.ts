// CLI failures: one line on stderr and an exit code (2 for usage, 1 for a runtime failure), no stack trace.

export const EXIT_RUNTIME = 1;
export const EXIT_USAGE = 2;

export class CliError extends Error {
  readonly exitCode: number;
  constructor(message: string, exitCode: number = EXIT_RUNTIME) {
    super(message);
    this.name = 'CliError';
    this.exitCode = exitCode;
  }
}

export const usageError = (message: string): CliError => new CliError(message, EXIT_USAGE);
