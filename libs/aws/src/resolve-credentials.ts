import { AwsConfigError } from './aws-config.error';
import type { AwsCredentials, AwsOptions } from './aws.options';

type KeyPair = Pick<AwsOptions, 'accessKeyId' | 'secretAccessKey'>;

/**
 * Static credentials only when both keys are set; `undefined` hands the choice
 * to the SDK default provider chain (the ECS task role in production).
 * Empty or blank strings count as unset, so they never reach the SDK.
 * Throws AwsConfigError naming the missing variable when only one key is set.
 */
export function resolveCredentials(options: KeyPair): AwsCredentials | undefined {
  const problem = describeKeyPairProblem(options);
  if (problem !== undefined) throw new AwsConfigError(problem);
  const accessKeyId = present(options.accessKeyId);
  const secretAccessKey = present(options.secretAccessKey);
  return accessKeyId && secretAccessKey ? { accessKeyId, secretAccessKey } : undefined;
}

/** The message for a half-set key pair, or undefined when the pair is usable; shared with AwsEnvironment.crossCheck. */
export function describeKeyPairProblem(options: KeyPair): string | undefined {
  const hasKey = present(options.accessKeyId) !== undefined;
  const hasSecret = present(options.secretAccessKey) !== undefined;
  if (hasKey === hasSecret) return undefined;
  const [missing, given] = hasKey
    ? ['AWS_SECRET_ACCESS_KEY', 'AWS_ACCESS_KEY_ID']
    : ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY'];
  return `${missing} is missing or empty while ${given} is set: set both keys, or neither to use the default credential chain (task role)`;
}

function present(value: string | undefined): string | undefined {
  return value !== undefined && value.trim() !== '' ? value : undefined;
}
