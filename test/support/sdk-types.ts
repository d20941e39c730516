import { dirname, resolve } from 'node:path';
import * as ts from 'typescript';
import { REPO_ROOT } from './node-process';

/**
 * Fields our events carry beside the web client's, documented in the README's
 * event contract: the job status, our stable error code, and the counts and
 * flags of a finished job. Everything else on the wire must be the SDK's.
 */
export const OUR_PAYLOAD_FIELDS = ['status', 'errorCode', 'nodes', 'edges', 'partialFailure', 'graphReplaced', 'graphVersion'] as const;

/** A file that is never written: the compiler host below serves it from memory. */
const RECEIVED = resolve(REPO_ROOT, 'test/support/__received-events__.ts');

const OPTIONS: ts.CompilerOptions = {
  strict: true,
  noEmit: true,
  target: ts.ScriptTarget.ES2022,
  module: ts.ModuleKind.ESNext,
  moduleResolution: ts.ModuleResolutionKind.Bundler,
  skipLibCheck: true,
  types: [],
};

/** The source that checks each event: an object literal typed as the SDK's event of its `type`, so missing, misspelt, extra or mistyped fields are errors. */
function checkingSource(events: readonly unknown[]): string {
  const lines = [`import type { NotificationEventByType } from '@taco_tsinghua/graphnode-sdk';`];
  events.forEach((event, index) => {
    const type = (event as { type?: unknown }).type;
    lines.push(`export const event${index}: NotificationEventByType<${JSON.stringify(String(type))}> = ${JSON.stringify(event)};`);
  });
  return lines.join('\n');
}

/**
 * Type-checks SSE events (the parsed `data` of each frame) against the SDK's
 * own `NotificationEventByType<type>` with the TypeScript compiler: one
 * readable message per problem, [] when every event is what the client's types
 * say. Our documented extension fields (OUR_PAYLOAD_FIELDS) are taken off the
 * payload first; any other field the SDK does not declare is an error.
 */
export function sdkTypeErrors(events: readonly unknown[]): string[] {
  const stripped = events.map((event) => {
    const { payload, ...envelope } = event as { payload?: Record<string, unknown> };
    if (!payload || typeof payload !== 'object') return event;
    const clientPayload = Object.fromEntries(Object.entries(payload).filter(([field]) => !(OUR_PAYLOAD_FIELDS as readonly string[]).includes(field)));
    return { ...envelope, payload: clientPayload };
  });
  const source = checkingSource(stripped);
  const host = ts.createCompilerHost(OPTIONS);
  const { getSourceFile, fileExists, readFile } = host;
  host.getSourceFile = (fileName, version, onError, shouldCreate) =>
    resolve(fileName) === RECEIVED ? ts.createSourceFile(fileName, source, version) : getSourceFile.call(host, fileName, version, onError, shouldCreate);
  host.fileExists = (fileName) => resolve(fileName) === RECEIVED || fileExists.call(host, fileName);
  host.readFile = (fileName) => (resolve(fileName) === RECEIVED ? source : readFile.call(host, fileName));
  host.getCurrentDirectory = () => dirname(RECEIVED);
  const program = ts.createProgram([RECEIVED], OPTIONS, host);
  return ts.getPreEmitDiagnostics(program).map((diagnostic) => {
    const message = ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n');
    if (!diagnostic.file || diagnostic.start === undefined) return message;
    const { line } = diagnostic.file.getLineAndCharacterOfPosition(diagnostic.start);
    return diagnostic.file.fileName === RECEIVED ? `event ${line - 1}: ${message}` : `${diagnostic.file.fileName}: ${message}`;
  });
}
