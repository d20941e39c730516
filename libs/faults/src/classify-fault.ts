import { isTransientAwsError } from '@app/aws';

/** Which dependency a transient fault came from, for the 503's code and the logs. */
export type Dependency = 'database' | 'storage' | 'queue' | 'events' | 'aws' | 'network';

/**
 * A failure, classified once for every caller (the api's error filter, the
 * worker's dispatcher). Transient: a dependency was unreachable, overloaded or
 * throttling, so the same work can succeed later. Everything else is
 * permanent: retrying cannot help (bad input, a bug, a refusal).
 */
export type Fault = { readonly transient: true; readonly dependency: Dependency } | { readonly transient: false };

const PERMANENT: Fault = { transient: false };

/**
 * PostgreSQL SQLSTATEs that mean "not now": connection exceptions (class 08),
 * operator intervention (57P01-57P03, a restart or failover), too many
 * connections, out of resources (53), serialization failures and deadlocks.
 */
const TRANSIENT_SQLSTATE = /^(08...|57P0[1-3]|53...|40001|40P01|55P03)$/;

/** Messages node-postgres and its pool throw without a SQLSTATE when the server is gone. */
const PG_CONNECTION_MESSAGES = [
  'Connection terminated',
  'timeout exceeded when trying to connect',
  'Client has encountered a connection error',
  'Connection terminated unexpectedly',
  'the database system is',
];

/** Socket and DNS failures of any client: the dependency was not reached. */
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ECONNABORTED', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'ENETDOWN']);

interface ErrorShape {
  name?: unknown;
  code?: unknown;
  message?: unknown;
  transient?: unknown;
  cause?: unknown;
  errors?: unknown;
  $metadata?: unknown;
  query?: unknown;
  params?: unknown;
}

export function classifyFault(error: unknown): Fault {
  const chain = related(error);
  // A socket error under one of drizzle's query errors was the database's connection.
  const fromQuery = chain.some(isQueryError);
  for (const shape of chain) {
    const dependency = transientDependency(shape);
    if (dependency) return { transient: true, dependency: dependency === 'network' && fromQuery ? 'database' : dependency };
  }
  return PERMANENT;
}

/** drizzle wraps every driver error of a query in a DrizzleQueryError: `Failed query: …`, with `query` and `params`. */
function isQueryError(error: ErrorShape): boolean {
  return typeof error.query === 'string' && Array.isArray(error.params) && typeof error.message === 'string' && error.message.startsWith('Failed query:');
}

function transientDependency(error: ErrorShape): Dependency | undefined {
  const name = typeof error.name === 'string' ? error.name : '';
  // Our own adapters say so themselves.
  if (name === 'ObjectStoreError') return error.transient === true ? 'storage' : undefined;
  if (name === 'QueueError') return error.transient === true ? 'queue' : undefined;
  if (error.$metadata !== undefined) return isTransientAwsError(error) ? 'aws' : undefined;
  const code = typeof error.code === 'string' ? error.code : '';
  if (TRANSIENT_SQLSTATE.test(code)) return 'database';
  const message = typeof error.message === 'string' ? error.message : '';
  if (PG_CONNECTION_MESSAGES.some((text) => message.startsWith(text) || message.includes(`: ${text}`))) return 'database';
  if (name === 'MaxRetriesPerRequestError' || message === 'Connection is closed.') return 'events';
  // A bare socket error names no client (node-postgres throws these on connect).
  if (NETWORK_CODES.has(code)) return 'network';
  return undefined;
}

/** The error, its causes and an AggregateError's members (drizzle wraps driver errors in `cause`). */
function related(error: unknown, depth = 0): ErrorShape[] {
  if (typeof error !== 'object' || error === null || depth > 5) return [];
  const shape = error as ErrorShape;
  const nested = Array.isArray(shape.errors) ? (shape.errors as unknown[]) : [];
  return [shape, ...[shape.cause, ...nested].flatMap((inner) => related(inner, depth + 1))];
}
