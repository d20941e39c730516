import { type DynamicModule, Module } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { type ClassConstructor } from 'class-transformer';

/**
 * Makes an already-validated config object injectable by its class, and feeds
 * the same values to @nestjs/config's ConfigService for integrations that read
 * it. No .env file is ever looked for.
 */
@Module({})
export class TypedConfigModule {
  static forRoot<T extends object>(schema: ClassConstructor<T>, config: T): DynamicModule {
    return {
      module: TypedConfigModule,
      global: true,
      imports: [ConfigModule.forRoot({ ignoreEnvFile: true, ignoreEnvVars: true, load: [() => ({ ...config })] })],
      providers: [{ provide: schema, useValue: config }],
      exports: [schema],
    };
  }
}
