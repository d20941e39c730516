import { EnvironmentValidationError, loadEnvironment } from '@app/config';
import { AiSimulatorConfig } from './ai-simulator.config';

const VALID = {
  S3_PAYLOAD_BUCKET: 'graphnode-payloads',
  SQS_REQUEST_QUEUE_URL: 'http://127.0.0.1:4566/000000000000/graphnode-requests',
  SQS_RESULT_QUEUE_URL: 'http://127.0.0.1:4566/000000000000/graphnode-results',
};

describe(AiSimulatorConfig.name, () => {
  it('applies the defaults: no failure, 200 ms per step', () => {
    const config = loadEnvironment(AiSimulatorConfig, VALID);
    expect(config).toMatchObject({ AI_SIMULATOR_STEP_DELAY_MS: 200, AWS_REGION: 'us-east-1', LOG_FORMAT: 'pretty' });
    expect(config.AI_SIMULATOR_FAILURE).toBeUndefined();
  });

  it('accepts a known failure and a numeric delay', () => {
    const config = loadEnvironment(AiSimulatorConfig, { ...VALID, AI_SIMULATOR_FAILURE: 'LLM_AUTH_FAILED', AI_SIMULATOR_STEP_DELAY_MS: '0' });
    expect(config).toMatchObject({ AI_SIMULATOR_FAILURE: 'LLM_AUTH_FAILED', AI_SIMULATOR_STEP_DELAY_MS: 0 });
  });

  it('names every bad variable at once', () => {
    const load = () => loadEnvironment(AiSimulatorConfig, { AI_SIMULATOR_FAILURE: 'NOPE', AI_SIMULATOR_STEP_DELAY_MS: 'slow' });
    expect(load).toThrow(EnvironmentValidationError);
    expect(load).toThrow(/SQS_REQUEST_QUEUE_URL[\s\S]*SQS_RESULT_QUEUE_URL|SQS_RESULT_QUEUE_URL[\s\S]*SQS_REQUEST_QUEUE_URL/);
    for (const name of ['S3_PAYLOAD_BUCKET', 'AI_SIMULATOR_FAILURE must be one of LLM_AUTH_FAILED', 'AI_SIMULATOR_STEP_DELAY_MS']) {
      expect(load).toThrow(name);
    }
  });
});
