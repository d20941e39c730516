export { bootOrExit, createLogger, exitOnSignals } from './boot';
export { DEV_ONLY_JWT_SECRET, DEV_ONLY_SECRET_ENVIRONMENTS } from './dev-only-secret';
export { EnvironmentValidationError } from './environment-validation.error';
export { loadConfig, type ConfigGroups, type LoadedConfig } from './load-config';
export { loadEnvironment, type Environment } from './load-environment';
export { LOG_LEVELS, RuntimeEnvironment, type LogLevel } from './runtime.environment';
export { TypedConfigModule } from './typed-config.module';
