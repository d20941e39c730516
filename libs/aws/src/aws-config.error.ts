/** The AWS settings cannot work as given (for example half a key pair); raised at boot, never retried. */
export class AwsConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AwsConfigError';
  }
}
