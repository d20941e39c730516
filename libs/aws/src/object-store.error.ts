export type ObjectStoreErrorCode = 'OBJECT_NOT_FOUND' | 'OBJECT_TOO_LARGE' | 'STORAGE_UNAVAILABLE' | 'INVALID_CONTENT' | 'STORAGE_ERROR';

/**
 * Every failure of ObjectStore. `transient` is true only for STORAGE_UNAVAILABLE
 * (network trouble, 5xx, throttling): trying again later may succeed.
 * The vendor error, when there is one, is kept as `cause`.
 */
export class ObjectStoreError extends Error {
  readonly transient: boolean;

  constructor(
    readonly code: ObjectStoreErrorCode,
    message: string,
    readonly key?: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'ObjectStoreError';
    this.transient = code === 'STORAGE_UNAVAILABLE';
  }
}
