import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, IsUrl, Matches, Max, Min } from 'class-validator';
import { DEFAULT_MAX_ATTEMPTS, type AwsOptions } from './aws.options';
import { describeKeyPairProblem } from './resolve-credentials';

/** The AWS variable group; app config classes extend it (validated by `loadEnvironment` of @app/config). */
export class AwsEnvironment {
  @Matches(/^[a-z]{2}(-[a-z]+)+-\d+$/, { message: 'AWS_REGION must look like us-east-1' })
  AWS_REGION = 'us-east-1';

  @IsOptional()
  @IsUrl(
    { require_tld: false, require_protocol: true, protocols: ['http', 'https'] },
    { message: 'AWS_ENDPOINT_URL must be an http(s) URL, e.g. http://127.0.0.1:4566' },
  )
  AWS_ENDPOINT_URL?: string;

  @IsOptional()
  @IsString()
  AWS_ACCESS_KEY_ID?: string;

  @IsOptional()
  @IsString()
  AWS_SECRET_ACCESS_KEY?: string;

  @Matches(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, {
    message: 'S3_PAYLOAD_BUCKET must be a valid S3 bucket name (3-63 lowercase letters, digits, dots, hyphens)',
  })
  S3_PAYLOAD_BUCKET!: string;

  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(10)
  AWS_MAX_ATTEMPTS = DEFAULT_MAX_ATTEMPTS;

  crossCheck(): string[] {
    const problem = describeKeyPairProblem({
      accessKeyId: this.AWS_ACCESS_KEY_ID,
      secretAccessKey: this.AWS_SECRET_ACCESS_KEY,
    });
    return problem === undefined ? [] : [problem];
  }
}

/** Maps the validated variables to AwsOptions, leaving unset (or empty) values out. */
export function toAwsOptions(env: AwsEnvironment): AwsOptions {
  return {
    region: env.AWS_REGION,
    payloadBucket: env.S3_PAYLOAD_BUCKET,
    maxAttempts: env.AWS_MAX_ATTEMPTS,
    ...optional('endpoint', env.AWS_ENDPOINT_URL),
    ...optional('accessKeyId', env.AWS_ACCESS_KEY_ID),
    ...optional('secretAccessKey', env.AWS_SECRET_ACCESS_KEY),
  };
}

function optional<K extends string>(name: K, value: string | undefined): Partial<Record<K, string>> {
  return value === undefined || value.trim() === '' ? {} : ({ [name]: value } as Record<K, string>);
}
