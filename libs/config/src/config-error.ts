/** One variable that failed validation, and why; never its value when the variable is secret. */
export interface ConfigIssue {
  variable: string;
  problem: string;
}

/** Thrown by `loadConfig`: the message names every bad or missing variable so start-up fails with a clear reason. */
export class ConfigError extends Error {
  constructor(readonly issues: readonly ConfigIssue[]) {
    super(
      `Invalid configuration: ${issues.map((issue) => `${issue.variable}: ${issue.problem}`).join('; ')}`,
    );
    this.name = 'ConfigError';
  }
}

export function isConfigError(error: unknown): error is ConfigError {
  return error instanceof ConfigError;
}
