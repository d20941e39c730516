import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Max, Min, MinLength } from 'class-validator';
import { EnvironmentValidationError } from './environment-validation.error';
import { type Environment, loadEnvironment } from './load-environment';

class SampleConfig {
  @IsString()
  @MinLength(8)
  SECRET!: string;

  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(65535)
  PORT = 3000;

  @IsOptional()
  @IsString()
  OPTIONAL?: string;
}

/** Checks a variable another group owns, read from the environment crossCheck is given. */
class CrossCheckedConfig {
  @IsString()
  SECRET!: string;

  crossCheck(env: Environment = {}): string[] {
    return this.SECRET === 'public' && env.STAGE !== 'dev' ? [`SECRET may be "public" only with STAGE=dev (STAGE is ${env.STAGE ?? 'unset'})`] : [];
  }
}

describe(loadEnvironment.name, () => {
  it('returns a typed instance with defaults applied and numbers converted', () => {
    const config = loadEnvironment(SampleConfig, { SECRET: 'long-enough', PORT: '8080', UNRELATED: 'x' });
    expect(config).toBeInstanceOf(SampleConfig);
    expect(config.PORT).toBe(8080);
    expect(config.OPTIONAL).toBeUndefined();
    expect(loadEnvironment(SampleConfig, { SECRET: 'long-enough' }).PORT).toBe(3000);
  });

  it('lists every bad variable by name in one error', () => {
    let thrown: unknown;
    try {
      loadEnvironment(SampleConfig, { PORT: 'abc' });
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(EnvironmentValidationError);
    const message = (thrown as Error).message;
    expect(message).toContain('SECRET');
    expect(message).toContain('PORT');
    expect((thrown as EnvironmentValidationError).problems.length).toBeGreaterThanOrEqual(2);
  });

  it('treats empty strings as unset', () => {
    expect(() => loadEnvironment(SampleConfig, { SECRET: '' })).toThrow(/SECRET/);
    expect(loadEnvironment(SampleConfig, { SECRET: 'long-enough', OPTIONAL: '' }).OPTIONAL).toBeUndefined();
  });

  it('hands crossCheck the environment it validated, empty strings left out', () => {
    expect(() => loadEnvironment(CrossCheckedConfig, { SECRET: 'public', STAGE: 'dev' })).not.toThrow();
    expect(() => loadEnvironment(CrossCheckedConfig, { SECRET: 'public', STAGE: '' })).toThrow('(STAGE is unset)');
    expect(() => loadEnvironment(CrossCheckedConfig, { SECRET: 'public', STAGE: 'prod' })).toThrow('(STAGE is prod)');
  });
});
