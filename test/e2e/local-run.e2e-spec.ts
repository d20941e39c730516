import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { freePort } from '../support/free-port';
import { NodeProcess } from '../support/node-process';
import { SseClient } from '../support/sse-client';

/** A curl line of the welcome block, taken apart the way a shell would pass it to curl. */
interface Curl {
  readonly method: string;
  readonly headers: Record<string, string>;
  readonly dataFile?: string;
  readonly url: string;
}

function parseCurl(line: string): Curl {
  const words = [...line.trim().matchAll(/'([^']*)'|(\S+)/g)].map((match) => match[1] ?? match[2]);
  expect(words[0]).toBe('curl');
  const valueOf = (flag: string) => words.filter((_word, i) => words[i - 1] === flag);
  const headers: Record<string, string> = {};
  for (const header of valueOf('-H')) {
    const colon = header.indexOf(':');
    headers[header.slice(0, colon)] = header.slice(colon + 1).trim();
  }
  const dataFile = valueOf('--data-binary')[0]?.replace(/^@/, '');
  return { method: valueOf('-X')[0] ?? 'GET', headers, dataFile, url: words[words.length - 1] };
}

/** What the welcome block tells a person, read off the launcher's output. */
function readWelcome(output: readonly string[]) {
  const lineAfter = (heading: string) => output[output.findIndex((line) => line.startsWith(heading)) + 1] ?? '';
  const postHeading = output.find((line) => line.startsWith('Start a graph job')) ?? '';
  return {
    baseUrl: output.map((line) => /^GraphNode is running at (\S+)/.exec(line)?.[1]).find(Boolean),
    token: lineAfter('Dev token:').trim(),
    watch: parseCurl(lineAfter('Watch notifications:')),
    post: parseCurl(lineAfter('Start a graph job')),
    cwd: /\(run from (.+)\):$/.exec(postHeading)?.[1],
  };
}

const ROUTINE_NEST_LINES = /InstanceLoader|RoutesResolver|RouterExplorer|Mapped \{/;

/**
 * `npm start` after its build step: scripts/local-run.mjs as a real process
 * (fauxqs, the AI simulator and api+worker as its children), and the tour its
 * welcome block describes, followed the way a person would.
 */
describe('local run (npm start)', () => {
  const running: NodeProcess[] = [];
  // One PGlite directory for both runs: creating one costs ~10 s, the second run finds it migrated.
  const dataDir = mkdtempSync(join(tmpdir(), 'local-run-'));

  async function launch(env: Record<string, string> = {}) {
    const port = await freePort();
    const emulatorPort = await freePort();
    const launcher = new NodeProcess('local-run', 'scripts/local-run.mjs', {
      NODE_ENV: undefined, // a person's shell sets neither
      LOG_FORMAT: undefined,
      PORT: String(port),
      LOCAL_EMULATOR_PORT: String(emulatorPort),
      PGLITE_DATA_DIR: dataDir,
      AI_SIMULATOR_STEP_DELAY_MS: '0',
      ...env,
    });
    running.push(launcher);
    await launcher.waitForOutput(/\/v1\/graph-ai\/test\/generate-json$/, 40000); // the welcome block's last line
    return { launcher, port, emulatorPort };
  }

  afterEach(async () => {
    await Promise.all(running.splice(0).map((launcher) => launcher.stop()));
  }, 20000);

  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('prints one line per component and the welcome, then the tour it describes works', async () => {
    const { launcher, port, emulatorPort } = await launch();
    const output = [...launcher.output];

    const beforeWelcome = output.slice(0, output.findIndex((line) => line.startsWith('GraphNode is running at')));
    expect(beforeWelcome).toEqual([
      expect.stringMatching(new RegExp(`^✓ SQS \\+ S3 emulator +http://127\\.0\\.0\\.1:${emulatorPort} \\(bucket graphnode-payloads, queues graphnode-requests and graphnode-results`)),
      expect.stringMatching(/^✓ AI simulator +consuming graphnode-requests$/),
      `✓ database           PGlite at ${dataDir}`,
      `✓ api                http://127.0.0.1:${port}`,
      '✓ worker             consuming graphnode-results',
    ]);
    expect(output.filter((line) => ROUTINE_NEST_LINES.test(line))).toEqual([]);
    expect(output).toContain('Only warnings and errors are logged; LOG_LEVEL=debug npm start shows everything.');

    const welcome = readWelcome(output);
    expect(welcome.baseUrl).toBe(`http://127.0.0.1:${port}`);
    expect(welcome.token).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
    expect(welcome.watch.headers.Authorization).toBe(`Bearer ${welcome.token}`);
    expect(welcome.post).toMatchObject({ method: 'POST', dataFile: 'examples/chatgpt-export.json', url: `${welcome.baseUrl}/v1/graph-ai/test/generate-json` });
    expect(welcome.cwd).toBe(resolve(__dirname, '../..'));

    const stream = new SseClient(welcome.watch.url, welcome.watch.headers);
    try {
      await stream.opened;
      const response = await fetch(welcome.post.url, {
        method: welcome.post.method,
        headers: welcome.post.headers,
        body: readFileSync(resolve(welcome.cwd!, welcome.post.dataFile!)),
      });
      expect(response.status).toBe(202);
      const { taskId } = (await response.json()) as { taskId: string };
      const completed = await stream.waitFor((frame) => frame.type === 'GRAPH_GENERATION_COMPLETED' && frame.payload.taskId === taskId, 20000);
      expect(completed.payload).toMatchObject({ status: 'SUCCEEDED' });
    } finally {
      stream.close();
    }

    const graph = await fetch(`${welcome.baseUrl}/v1/graph`, { headers: { Authorization: `Bearer ${welcome.token}` } });
    expect(graph.status).toBe(200);
    expect(((await graph.json()) as { nodes: unknown[] }).nodes.length).toBeGreaterThan(0);

    expect(await launcher.stop(15000, 'SIGINT')).toBe(0);
    expect(launcher.output.filter((line) => line.startsWith('['))).toEqual([]); // no child said a word, not even on the way out
    expect(launcher.output[launcher.output.length - 1]).toBe('local: stopped');
  }, 60000);

  it('shows Nest start-up lines with LOG_LEVEL=debug', async () => {
    const { launcher } = await launch({ LOG_LEVEL: 'debug' });
    expect(launcher.output).toContainEqual(expect.stringMatching(/^\[api\+worker\] .*RouterExplorer.*Mapped \{\/health\/ready, GET\} route/));
    expect(launcher.output).toContainEqual(expect.stringMatching(/^\[ai-sim\] .*InstanceLoader.*AiSimulatorModule dependencies initialized/));
    expect(launcher.output).toContainEqual(expect.stringMatching(/^✓ api +http:\/\//));
    expect(await launcher.stop()).toBe(0);
  }, 30000);
});
