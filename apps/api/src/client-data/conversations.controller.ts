import { Body, Controller, Post, Res, UseGuards } from '@nestjs/common';
import { type Response } from 'express';
import { type AuthenticatedUser } from '../auth/authenticated-user';
import { CurrentUser } from '../auth/current-user.decorator';
import { JwtAuthGuard } from '../auth/jwt-auth.guard';
import { ConversationBulkCreateDto } from './conversation-bulk-create.dto';
import { ConversationCreateDto } from './conversation-create.dto';
import { type ConversationView } from './conversation.view';
import { ConversationsService } from './conversations.service';

/** The SDK's `conversations.create` and `conversations.bulkCreate`: bodies pass the 1 MiB JSON gate (413 beyond). */
@Controller('v1/ai/conversations')
@UseGuards(JwtAuthGuard)
export class ConversationsController {
  constructor(private readonly conversations: ConversationsService) {}

  /** 201 with the conversation and `Location: /v1/ai/conversations/{id}`. */
  @Post()
  async create(
    @CurrentUser() user: AuthenticatedUser,
    @Body() body: ConversationCreateDto,
    @Res({ passthrough: true }) response: Response,
  ): Promise<ConversationView> {
    const created = await this.conversations.create(user.id, body);
    response.setHeader('Location', `/v1/ai/conversations/${encodeURIComponent(created.id)}`);
    return created;
  }

  /** 201 `{conversations}`, each with `messages: []`. */
  @Post('bulk')
  async createMany(@CurrentUser() user: AuthenticatedUser, @Body() body: ConversationBulkCreateDto): Promise<{ conversations: ConversationView[] }> {
    return { conversations: await this.conversations.createMany(user.id, body.conversations) };
  }
}
