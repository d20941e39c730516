import { SetMetadata } from '@nestjs/common';

export const ALLOW_QUERY_TOKEN = 'auth:allow-query-token';

/**
 * Browsers' EventSource cannot set headers, so SSE routes also take the token
 * from the `access_token` query parameter (after the bearer header, before the
 * cookie). Every route takes the `access_token` cookie; only these the query.
 */
export const AllowQueryToken = () => SetMetadata(ALLOW_QUERY_TOKEN, true);
