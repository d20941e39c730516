import { IsString } from 'class-validator';
import { EnvironmentValidationError } from './environment-validation.error';
import { loadConfig } from './load-config';
import { RuntimeEnvironment } from './runtime.environment';

class FirstGroup {
  @IsString()
  FIRST!: string;
}

class SecondGroup {
  @IsString()
  SECOND!: string;
}

describe(loadConfig.name, () => {
  it('returns each group as an instance of its class', () => {
    const config = loadConfig({ first: FirstGroup, runtime: RuntimeEnvironment }, { FIRST: 'a', LOG_FORMAT: 'pretty' });
    expect(config.first).toBeInstanceOf(FirstGroup);
    expect(config.first.FIRST).toBe('a');
    expect(config.runtime.LOG_FORMAT).toBe('pretty');
    expect(config.runtime.SHUTDOWN_TIMEOUT_MS).toBe(25000);
  });

  it('reports the problems of every group in one error', () => {
    const attempt = () => loadConfig({ first: FirstGroup, second: SecondGroup, runtime: RuntimeEnvironment }, { REDIS_URL: 'http://x' });
    expect(attempt).toThrow(EnvironmentValidationError);
    expect(attempt).toThrow(/FIRST[\s\S]*SECOND[\s\S]*REDIS_URL/);
  });
});
