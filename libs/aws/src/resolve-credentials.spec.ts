import { AwsConfigError } from './aws-config.error';
import { resolveCredentials } from './resolve-credentials';

function thrownBy(call: () => unknown): unknown {
  try {
    call();
  } catch (error) {
    return error;
  }
  throw new Error('expected a throw');
}

describe(resolveCredentials.name, () => {
  it('returns undefined (SDK default chain, the task role) when no key is set', () => {
    expect(resolveCredentials({})).toBeUndefined();
    expect(resolveCredentials({ accessKeyId: undefined, secretAccessKey: undefined })).toBeUndefined();
  });

  it('returns static credentials when both keys are set', () => {
    expect(resolveCredentials({ accessKeyId: 'AKIA1', secretAccessKey: 's3cr3t' })).toEqual({
      accessKeyId: 'AKIA1',
      secretAccessKey: 's3cr3t',
    });
  });

  it('treats empty or blank strings as unset, so both empty means the default chain', () => {
    expect(resolveCredentials({ accessKeyId: '', secretAccessKey: '' })).toBeUndefined();
    expect(resolveCredentials({ accessKeyId: '  ', secretAccessKey: undefined })).toBeUndefined();
  });

  it('throws AwsConfigError naming AWS_SECRET_ACCESS_KEY when only the access key is set', () => {
    const error = thrownBy(() => resolveCredentials({ accessKeyId: 'AKIA1' }));
    expect(error).toBeInstanceOf(AwsConfigError);
    expect((error as Error).message).toMatch(/^AWS_SECRET_ACCESS_KEY is missing or empty while AWS_ACCESS_KEY_ID is set/);
  });

  it('throws AwsConfigError naming AWS_ACCESS_KEY_ID when only the secret is set', () => {
    const error = thrownBy(() => resolveCredentials({ secretAccessKey: 's3cr3t' }));
    expect(error).toBeInstanceOf(AwsConfigError);
    expect((error as Error).message).toMatch(/^AWS_ACCESS_KEY_ID is missing or empty while AWS_SECRET_ACCESS_KEY is set/);
  });

  it('throws when one key is set and the other is an empty string', () => {
    expect(() => resolveCredentials({ accessKeyId: 'AKIA1', secretAccessKey: '' })).toThrow(
      /^AWS_SECRET_ACCESS_KEY is missing/,
    );
    expect(() => resolveCredentials({ accessKeyId: '', secretAccessKey: 's3cr3t' })).toThrow(/^AWS_ACCESS_KEY_ID is missing/);
  });
});
