import { Controller, Get, Headers, HttpStatus, Query, Req, Res, UseGuards } from '@nestjs/common';
import { type Request, type Response } from 'express';
import { AllowQueryToken } from '../auth/allow-query-token.decorator';
import { type AuthenticatedUser } from '../auth/authenticated-user';
import { CurrentUser } from '../auth/current-user.decorator';
import { JwtAuthGuard } from '../auth/jwt-auth.guard';
import { ApiException } from '../http/api.exception';
import { SseStreamService } from './sse-stream.service';

const EVENT_ID = /^\d{1,19}$/;

@Controller('v1/notifications')
@UseGuards(JwtAuthGuard)
export class NotificationsController {
  constructor(private readonly streams: SseStreamService) {}

  /**
   * The user's job events as SSE. `Last-Event-ID` (sent by a reconnecting
   * EventSource) or `since` replays what came after that id; `since=0` replays
   * everything; with neither, the stream starts at the next event.
   */
  @Get('stream')
  @AllowQueryToken()
  async stream(
    @CurrentUser() user: AuthenticatedUser,
    @Headers('last-event-id') lastEventId: string | undefined,
    @Query('since') since: string | undefined,
    @Req() request: Request,
    @Res() response: Response,
  ): Promise<void> {
    const after = lastEventId ?? since;
    if (after !== undefined && !EVENT_ID.test(after)) {
      throw new ApiException(HttpStatus.BAD_REQUEST, 'INVALID_EVENT_ID', 'since / Last-Event-ID must be an event id (digits)');
    }
    await this.streams.stream(request, response, user.id, after);
  }
}
