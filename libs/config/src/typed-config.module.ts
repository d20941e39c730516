import { type DynamicModule, Module, type Provider } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';

/**
 * Makes already-validated config groups injectable by their classes (inject
 * `AwsEnvironment`, `ApiEnvironment`, ...), and feeds the same values to
 * @nestjs/config's ConfigService for integrations that read it. No .env file
 * is ever looked for.
 */
@Module({})
export class TypedConfigModule {
  static forRoot(config: Readonly<Record<string, object>>): DynamicModule {
    const groups = Object.values(config);
    const providers: Provider[] = groups.map((group) => ({ provide: group.constructor, useValue: group }));
    const flat = Object.assign({}, ...groups) as Record<string, unknown>;
    return {
      module: TypedConfigModule,
      global: true,
      imports: [ConfigModule.forRoot({ ignoreEnvFile: true, ignoreEnvVars: true, load: [() => flat] })],
      providers,
      exports: providers.map((provider) => (provider as { provide: object }).provide as never),
    };
  }
}
