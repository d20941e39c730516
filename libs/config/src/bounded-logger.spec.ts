import { createLogger } from './boot';
import { boundLogText, MAX_LOG_MESSAGE_CHARS } from './bounded-logger';

describe('bounded log lines', () => {
  afterEach(() => jest.restoreAllMocks());

  it('cuts a long message and says how much was cut', () => {
    const cut = boundLogText('x'.repeat(MAX_LOG_MESSAGE_CHARS + 10)) as string;
    expect(cut.startsWith('x'.repeat(MAX_LOG_MESSAGE_CHARS))).toBe(true);
    expect(cut.endsWith('… (10 more characters cut)')).toBe(true);
    expect(boundLogText('short')).toBe('short');
    expect(boundLogText({ not: 'a string' })).toEqual({ not: 'a string' });
  });

  it.each(['json', 'pretty'] as const)('keeps every %s line of the process logger bounded, stacks included', (format) => {
    const written: string[] = [];
    jest.spyOn(process.stdout, 'write').mockImplementation((chunk) => written.push(String(chunk)) > 0);
    jest.spyOn(process.stderr, 'write').mockImplementation((chunk) => written.push(String(chunk)) > 0);
    const logger = createLogger({ LOG_FORMAT: format, LOG_LEVEL: 'log' });

    logger.warn('w'.repeat(1_000_000), 'Context');
    logger.error('e'.repeat(1_000_000), 's'.repeat(1_000_000), 'Context');

    expect(written.length).toBeGreaterThan(0);
    for (const line of written) expect(line.length).toBeLessThan(3 * MAX_LOG_MESSAGE_CHARS);
  });
});
