import { resolveResultKey } from './result-key';

const BUCKET = 'payloads';

describe(resolveResultKey.name, () => {
  it.each([
    ['graph-results/t1/graph_final.json', 'graph-results/t1/graph_final.json'],
    ['s3://payloads/graph-results/t1/graph_final.json', 'graph-results/t1/graph_final.json'],
    ['add-node-results/t1/..result.json', 'add-node-results/t1/..result.json'],
  ])('accepts %s as %s', (raw, key) => {
    expect(resolveResultKey(raw, BUCKET)).toEqual({ ok: true, key });
  });

  it.each([
    ['s3://other-bucket/graph-results/t1/graph_final.json', 'not the payload bucket'],
    ['s3://payloads', 'empty'],
    ['s3://payloads/', 'empty'],
    ['https://evil.example/graph.json', 'URI'],
    ['/etc/passwd', 'starts with "/"'],
    ['graph-results/../../secrets.json', '".." segment'],
    ['..', '".." segment'],
    ['', 'empty'],
    ['graph\nresults', 'control characters'],
    ['k'.repeat(1025), 'longer than'],
  ])('refuses %j', (raw, why) => {
    const resolved = resolveResultKey(raw, BUCKET);
    expect(resolved.ok).toBe(false);
    expect(!resolved.ok && resolved.reason).toContain(why);
    expect(!resolved.ok && resolved.reason).toContain(JSON.stringify(raw).slice(0, 20));
  });
});
