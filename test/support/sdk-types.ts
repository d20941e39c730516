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
const CHECKED = resolve(REPO_ROOT, 'test/support/__sdk-type-check__.ts');

const OPTIONS: ts.CompilerOptions = {
  strict: true,
  noEmit: true,
  target: ts.ScriptTarget.ES2022,
  module: ts.ModuleKind.ESNext,
  moduleResolution: ts.ModuleResolutionKind.Bundler,
  skipLibCheck: true,
  types: [],
};

/**
 * Type-checks values against the SDK's own types with the TypeScript
 * compiler: each check is a type expression over the SDK's exports, written
 * `Sdk.<Name>` (e.g. `Sdk.GraphStatsDto`, `Sdk.NotificationEventByType<"X">`),
 * and the value, compiled as an object literal of that type, so missing,
 * misspelt, extra or mistyped fields are errors. Returns one readable message
 * per problem (`value <index>: ...`), [] when every value is what the client's
 * types say.
 */
export function sdkTypeErrors(checks: ReadonlyArray<readonly [type: string, value: unknown]>): string[] {
  const source = [
    `import type * as Sdk from '@taco_tsinghua/graphnode-sdk';`,
    ...checks.map(([type, value], index) => `export const value${index}: ${type} = ${JSON.stringify(value)};`),
  ].join('\n');
  const host = ts.createCompilerHost(OPTIONS);
  const { getSourceFile, fileExists, readFile } = host;
  host.getSourceFile = (fileName, version, onError, shouldCreate) =>
    resolve(fileName) === CHECKED ? ts.createSourceFile(fileName, source, version) : getSourceFile.call(host, fileName, version, onError, shouldCreate);
  host.fileExists = (fileName) => resolve(fileName) === CHECKED || fileExists.call(host, fileName);
  host.readFile = (fileName) => (resolve(fileName) === CHECKED ? source : readFile.call(host, fileName));
  host.getCurrentDirectory = () => dirname(CHECKED);
  const program = ts.createProgram([CHECKED], OPTIONS, host);
  return ts.getPreEmitDiagnostics(program).map((diagnostic) => {
    const message = ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n');
    if (!diagnostic.file || diagnostic.start === undefined) return message;
    const { line } = diagnostic.file.getLineAndCharacterOfPosition(diagnostic.start);
    return diagnostic.file.fileName === CHECKED ? `value ${line - 1}: ${message}` : `${diagnostic.file.fileName}: ${message}`;
  });
}

/**
 * Type-checks SSE events (the parsed `data` of each frame) against the SDK's
 * `NotificationEventByType<type>`. Our documented extension fields
 * (OUR_PAYLOAD_FIELDS) are taken off the payload first; any other field the
 * SDK does not declare is an error.
 */
export function sdkEventTypeErrors(events: readonly unknown[]): string[] {
  return sdkTypeErrors(
    events.map((event) => {
      const { payload, ...envelope } = event as { type?: unknown; payload?: Record<string, unknown> };
      const type = `Sdk.NotificationEventByType<${JSON.stringify(String(envelope.type))}>`;
      if (!payload || typeof payload !== 'object') return [type, event] as const;
      const clientPayload = Object.fromEntries(Object.entries(payload).filter(([field]) => !(OUR_PAYLOAD_FIELDS as readonly string[]).includes(field)));
      return [type, { ...envelope, payload: clientPayload }] as const;
    }),
  );
}
