/** Settings every AWS client of this lib is built from; our own shape, never an SDK type. */
export interface AwsOptions {
  region: string;
  /** Emulator or VPC endpoint; unset means the regional AWS endpoint. */
  endpoint?: string;
  /** Static keys are used only when both are set; otherwise the SDK default chain (ECS task role). */
  accessKeyId?: string;
  secretAccessKey?: string;
  payloadBucket: string;
  /** Total attempts per SDK call including retries; defaults to 3. */
  maxAttempts?: number;
}

export interface AwsCredentials {
  accessKeyId: string;
  secretAccessKey: string;
}

export const DEFAULT_MAX_ATTEMPTS = 3;
