import { s3ClientConfig, sqsClientConfig } from './sdk-client.config';
import { AwsConfigError } from './aws-config.error';

const base = { region: 'us-east-1', payloadBucket: 'payloads' };

describe('sdk client config', () => {
  describe(s3ClientConfig.name, () => {
    it('uses path-style addressing and the emulator endpoint when an endpoint is set', () => {
      const config = s3ClientConfig({ ...base, endpoint: 'http://127.0.0.1:4566' });
      expect(config).toMatchObject({ endpoint: 'http://127.0.0.1:4566', forcePathStyle: true });
    });

    it('leaves endpoint, path style and credentials to AWS defaults in production', () => {
      const config = s3ClientConfig(base);
      expect(config.forcePathStyle).toBe(false);
      expect('endpoint' in config).toBe(false);
      expect('credentials' in config).toBe(false);
    });

    it('computes checksums only when required and defaults to 3 attempts', () => {
      expect(s3ClientConfig(base)).toMatchObject({
        region: 'us-east-1',
        requestChecksumCalculation: 'WHEN_REQUIRED',
        responseChecksumValidation: 'WHEN_REQUIRED',
        maxAttempts: 3,
      });
      expect(s3ClientConfig({ ...base, maxAttempts: 1 }).maxAttempts).toBe(1);
    });

    it('passes static credentials only when both keys are set', () => {
      const config = s3ClientConfig({ ...base, accessKeyId: 'local', secretAccessKey: 'secret' });
      expect(config.credentials).toEqual({ accessKeyId: 'local', secretAccessKey: 'secret' });
    });

    it('never passes empty strings: an empty endpoint or key pair counts as unset', () => {
      const config = s3ClientConfig({ ...base, endpoint: '', accessKeyId: '', secretAccessKey: '' });
      expect('endpoint' in config).toBe(false);
      expect('credentials' in config).toBe(false);
      expect(config.forcePathStyle).toBe(false);
    });

    it('throws AwsConfigError for half a key pair', () => {
      expect(() => s3ClientConfig({ ...base, accessKeyId: 'AKIA1' })).toThrow(AwsConfigError);
    });
  });

  describe(sqsClientConfig.name, () => {
    it('puts the endpoint in code so queue URLs of the emulator are not dialled directly', () => {
      expect(sqsClientConfig({ ...base, endpoint: 'http://127.0.0.1:4566', maxAttempts: 2 })).toMatchObject({
        endpoint: 'http://127.0.0.1:4566',
        region: 'us-east-1',
        maxAttempts: 2,
      });
    });

    it('has no endpoint or credentials when none are configured', () => {
      const config = sqsClientConfig(base);
      expect('endpoint' in config).toBe(false);
      expect('credentials' in config).toBe(false);
    });
  });
});
