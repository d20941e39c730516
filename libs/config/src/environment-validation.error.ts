/** Thrown once at boot when the environment is incomplete or malformed; lists every bad variable. */
export class EnvironmentValidationError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`Invalid configuration (${problems.length} problem${problems.length === 1 ? '' : 's'}):\n  - ${problems.join('\n  - ')}`);
    this.name = 'EnvironmentValidationError';
  }
}
