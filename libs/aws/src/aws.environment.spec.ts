import { EnvironmentValidationError, loadEnvironment } from '@app/config';
import { IsString } from 'class-validator';
import { AwsEnvironment, toAwsOptions } from './aws.environment';

class AppConfig extends AwsEnvironment {
  @IsString()
  APP_NAME!: string;
}

const minimal = { APP_NAME: 'worker', S3_PAYLOAD_BUCKET: 'graphnode-payloads' };

function problemsOf(env: Record<string, string>): readonly string[] {
  try {
    loadEnvironment(AppConfig, env);
  } catch (error) {
    if (error instanceof EnvironmentValidationError) return error.problems;
    throw error;
  }
  return [];
}

describe(AwsEnvironment.name, () => {
  describe('validation', () => {
    it('applies defaults and leaves optional variables unset', () => {
      const config = loadEnvironment(AppConfig, minimal);
      expect(config.AWS_REGION).toBe('us-east-1');
      expect(config.AWS_MAX_ATTEMPTS).toBe(3);
      expect(config.AWS_ENDPOINT_URL).toBeUndefined();
      expect(config.AWS_ACCESS_KEY_ID).toBeUndefined();
    });

    it('requires S3_PAYLOAD_BUCKET and a valid bucket name', () => {
      expect(problemsOf({ APP_NAME: 'worker' }).join('\n')).toContain('S3_PAYLOAD_BUCKET');
      expect(problemsOf({ ...minimal, S3_PAYLOAD_BUCKET: 'ab' }).join('\n')).toContain('S3_PAYLOAD_BUCKET');
      expect(problemsOf({ ...minimal, S3_PAYLOAD_BUCKET: 'Upper_Case' }).join('\n')).toContain('S3_PAYLOAD_BUCKET');
    });

    it('accepts emulator URLs with an IP or localhost and rejects non-URLs', () => {
      expect(problemsOf({ ...minimal, AWS_ENDPOINT_URL: 'http://127.0.0.1:41234' })).toEqual([]);
      expect(problemsOf({ ...minimal, AWS_ENDPOINT_URL: 'http://localhost:4566' })).toEqual([]);
      expect(problemsOf({ ...minimal, AWS_ENDPOINT_URL: 'localhost:4566' }).join('\n')).toContain('AWS_ENDPOINT_URL');
    });

    it('rejects a malformed region and an out-of-range AWS_MAX_ATTEMPTS', () => {
      const problems = problemsOf({ ...minimal, AWS_REGION: 'virginia', AWS_MAX_ATTEMPTS: '0' }).join('\n');
      expect(problems).toContain('AWS_REGION');
      expect(problems).toContain('AWS_MAX_ATTEMPTS');
    });
  });

  describe('crossCheck', () => {
    it('returns no problem for neither or both keys', () => {
      expect(problemsOf(minimal)).toEqual([]);
      expect(problemsOf({ ...minimal, AWS_ACCESS_KEY_ID: 'AKIA1', AWS_SECRET_ACCESS_KEY: 's3cr3t' })).toEqual([]);
    });

    it('names the missing secret when only the access key is set', () => {
      expect(problemsOf({ ...minimal, AWS_ACCESS_KEY_ID: 'AKIA1' })).toEqual([
        expect.stringMatching(/^AWS_SECRET_ACCESS_KEY is missing or empty while AWS_ACCESS_KEY_ID is set/),
      ]);
    });

    it('names the missing access key when only the secret is set (an empty key counts as unset)', () => {
      expect(problemsOf({ ...minimal, AWS_ACCESS_KEY_ID: '', AWS_SECRET_ACCESS_KEY: 's3cr3t' })).toEqual([
        expect.stringMatching(/^AWS_ACCESS_KEY_ID is missing or empty while AWS_SECRET_ACCESS_KEY is set/),
      ]);
    });

    it('reports a half key pair directly on an instance built without loadEnvironment', () => {
      const env = Object.assign(new AwsEnvironment(), { S3_PAYLOAD_BUCKET: 'b-1', AWS_SECRET_ACCESS_KEY: 'x' });
      expect(env.crossCheck()).toHaveLength(1);
    });
  });
});

describe(toAwsOptions.name, () => {
  it('maps every variable', () => {
    const config = loadEnvironment(AppConfig, {
      ...minimal,
      AWS_REGION: 'eu-west-1',
      AWS_ENDPOINT_URL: 'http://127.0.0.1:4566',
      AWS_ACCESS_KEY_ID: 'AKIA1',
      AWS_SECRET_ACCESS_KEY: 's3cr3t',
      AWS_MAX_ATTEMPTS: '5',
    });
    expect(toAwsOptions(config)).toEqual({
      region: 'eu-west-1',
      endpoint: 'http://127.0.0.1:4566',
      accessKeyId: 'AKIA1',
      secretAccessKey: 's3cr3t',
      payloadBucket: 'graphnode-payloads',
      maxAttempts: 5,
    });
  });

  it('leaves unset and empty values out instead of passing empty strings', () => {
    const env = Object.assign(new AwsEnvironment(), { S3_PAYLOAD_BUCKET: 'b-1', AWS_ENDPOINT_URL: '', AWS_ACCESS_KEY_ID: '' });
    const options = toAwsOptions(env);
    expect(options).toEqual({ region: 'us-east-1', payloadBucket: 'b-1', maxAttempts: 3 });
    expect(Object.keys(options)).not.toContain('endpoint');
    expect(Object.keys(options)).not.toContain('accessKeyId');
  });
});
