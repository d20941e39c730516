import { describeFault, stackFrames } from './describe-fault';

describe(describeFault.name, () => {
  it('cuts a failed query at its parameters, which hold user content', () => {
    const error = new Error('Failed query: insert into "sources" ("content") values ($1)\nparams: {"text":"my private diary"}', {
      cause: Object.assign(new Error('value too long for type character varying(10)'), { code: '22001' }),
    });
    const line = describeFault(error);
    expect(line).toBe('Error: Failed query: insert into "sources" ("content") values ($1) <- Error [22001]: value too long for type character varying(10)');
    expect(line).not.toContain('diary');
  });

  it('cuts a long statement short so the cause still shows', () => {
    const columns = Array.from({ length: 20 }, (_, index) => `"column_${index}"`).join(', ');
    const error = new Error(`Failed query: select ${columns} from "jobs" where "status" = $1\nparams: QUEUED`, {
      cause: Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' }),
    });
    const line = describeFault(error);
    expect(line).toMatch(/^Error: Failed query: select "column_0", .{0,80}… <- Error \[ECONNREFUSED\]: connect ECONNREFUSED 127\.0\.0\.1:5432$/);
    expect(line).not.toContain('QUEUED');
  });

  it('keeps a line bounded however long the message is', () => {
    expect(describeFault(new Error('x'.repeat(100_000)))).toHaveLength(300);
  });

  it('names non-errors without printing objects', () => {
    expect(describeFault({ secret: 'token' })).toBe('object');
    expect(describeFault('plain text\nsecond line')).toBe('plain text');
  });

  it('gives the call frames of a stack without its message', () => {
    const error = new Error('Failed query: select 1\nparams: {"note":"private"}');
    const frames = stackFrames(error) ?? '';
    expect(frames).toMatch(/^\s+at /);
    expect(frames).not.toContain('private');
    expect(stackFrames('not an error')).toBeUndefined();
  });
});
