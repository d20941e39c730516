import { Controller, Get, Headers, HttpStatus, Query, Req, Res, UseGuards } from '@nestjs/common';
import { type Request, type Response } from 'express';
import { AllowQueryToken } from '../auth/allow-query-token.decorator';
import { type AuthenticatedUser } from '../auth/authenticated-user';
import { CurrentUser } from '../auth/current-user.decorator';
import { JwtAuthGuard } from '../auth/jwt-auth.guard';
import { ApiException } from '../http/api.exception';
import { SseStreamService } from './sse-stream.service';
import { parseStreamCursor } from './stream-cursor';

@Controller('v1/notifications')
@UseGuards(JwtAuthGuard)
export class NotificationsController {
  constructor(private readonly streams: SseStreamService) {}

  /**
   * The user's job events as SSE, after a CONNECTED frame. `Last-Event-ID`
   * (sent by a reconnecting EventSource) or `since` replays what came after
   * that event id (padded or not; `since=0` replays everything) or after the
   * millisecond a ULID cursor of the current server encodes; with neither, the
   * stream restores the client's state (SseStreamService), then goes live.
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
    const cursor = parseStreamCursor(lastEventId ?? since);
    if (cursor === undefined) {
      throw new ApiException(HttpStatus.BAD_REQUEST, 'INVALID_EVENT_ID', 'since / Last-Event-ID must be an event id (digits) or a ULID');
    }
    await this.streams.stream(request, response, user.id, cursor);
  }
}
