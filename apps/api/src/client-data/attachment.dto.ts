import { IsIn, IsInt, IsString, MaxLength, Min, MinLength } from 'class-validator';

export const ATTACHMENT_TYPES = ['image', 'file'] as const;

/** A file attached to a message (the SDK's Attachment); kept with the message, never opened. */
export class AttachmentDto {
  @IsString()
  @MinLength(1)
  @MaxLength(256)
  id!: string;

  @IsIn(ATTACHMENT_TYPES)
  type!: (typeof ATTACHMENT_TYPES)[number];

  @IsString()
  @MaxLength(2048)
  url!: string;

  @IsString()
  @MaxLength(1024)
  name!: string;

  @IsString()
  @MaxLength(255)
  mimeType!: string;

  @IsInt()
  @Min(0)
  size!: number;
}
