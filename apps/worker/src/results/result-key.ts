export type ResultKey = { readonly ok: true; readonly key: string } | { readonly ok: false; readonly reason: string };

const URI_SCHEME = /^[A-Za-z][A-Za-z0-9+.-]*:\/\//;
// eslint-disable-next-line no-control-regex -- control characters are exactly what this rejects
const CONTROL = /[\u0000-\u001f\u007f]/;
/** S3's own limit on key length. */
const MAX_KEY_BYTES = 1024;

/**
 * A result key must name an object inside our payload bucket. The AI chooses
 * the keys, so they are checked like any other input: `s3://<our bucket>/key`
 * is accepted as `key`; other buckets, other schemes, absolute keys, `..`
 * segments, control characters and empty keys are refused (the message is
 * dead-lettered with the reason).
 */
export function resolveResultKey(raw: string, bucket: string): ResultKey {
  const refuse = (why: string): ResultKey => ({ ok: false, reason: `result key ${JSON.stringify(raw)} refused: ${why}` });
  let key = raw;
  if (raw.startsWith('s3://')) {
    const rest = raw.slice('s3://'.length);
    const slash = rest.indexOf('/');
    const named = slash < 0 ? rest : rest.slice(0, slash);
    if (named !== bucket) return refuse(`it is in bucket ${JSON.stringify(named)}, not the payload bucket`);
    key = slash < 0 ? '' : rest.slice(slash + 1);
  } else if (URI_SCHEME.test(raw)) {
    return refuse('it is a URI, not a key in the payload bucket');
  }
  if (key === '') return refuse('it is empty');
  if (key.startsWith('/')) return refuse('it starts with "/"');
  if (key.split('/').includes('..')) return refuse('it has a ".." segment');
  if (CONTROL.test(key)) return refuse('it contains control characters');
  if (Buffer.byteLength(key) > MAX_KEY_BYTES) return refuse(`it is longer than ${MAX_KEY_BYTES} bytes`);
  return { ok: true, key };
}
