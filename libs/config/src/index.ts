export { EnvironmentValidationError } from './environment-validation.error';
export { loadEnvironment, type Environment } from './load-environment';
export { TypedConfigModule } from './typed-config.module';
