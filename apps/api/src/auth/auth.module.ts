import { Global, Module } from '@nestjs/common';
import { JwtModule } from '@nestjs/jwt';
import { ApiEnvironment } from '../config/api.environment';
import { JwtAuthGuard } from './jwt-auth.guard';

@Global()
@Module({
  imports: [
    JwtModule.registerAsync({
      inject: [ApiEnvironment],
      useFactory: (api: ApiEnvironment) => ({ secret: api.JWT_SECRET, verifyOptions: { algorithms: ['HS256'] } }),
    }),
  ],
  providers: [JwtAuthGuard],
  exports: [JwtAuthGuard, JwtModule],
})
export class AuthModule {}
