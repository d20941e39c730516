// Time from POST to the COMPLETED SSE frame, against a running system
// (`npm start` in another terminal). Prints each job and the median/max.
//   node bench/roundtrip.mjs [jobs=10] [baseUrl=http://127.0.0.1:3000]
// JWT_SECRET defaults to the local run's dev-only secret.
import { readFileSync } from 'node:fs';
import { DEV_ONLY_JWT_SECRET, signDevToken } from '../scripts/dev-token.mjs';

const jobs = Number(process.argv[2] ?? 10);
const base = process.argv[3] ?? 'http://127.0.0.1:3000';
const token = signDevToken(`bench-${Date.now()}`, process.env.JWT_SECRET ?? DEV_ONLY_JWT_SECRET);
const body = readFileSync(new URL('../examples/chatgpt-export.json', import.meta.url));
const auth = { Authorization: `Bearer ${token}` };

const completed = new Map();
const stream = await fetch(`${base}/v1/notifications/stream`, { headers: auth });
const reader = stream.body.pipeThrough(new TextDecoderStream()).getReader();
void (async () => {
  let buffer = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buffer += value;
    let end;
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const frame = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const data = frame.split('\n').find((line) => line.startsWith('data: '));
      if (!data) continue;
      const event = JSON.parse(data.slice(6));
      if (event.type === 'GRAPH_GENERATION_COMPLETED') completed.get(event.payload.taskId)?.(performance.now());
    }
  }
})();

const times = [];
for (let i = 0; i < jobs; i += 1) {
  const start = performance.now();
  const response = await fetch(`${base}/v1/graph-ai/test/generate-json`, { method: 'POST', headers: { ...auth, 'Content-Type': 'application/json' }, body });
  const { taskId } = await response.json();
  const end = await new Promise((resolve) => completed.set(taskId, resolve));
  times.push(end - start);
  console.log(`job ${i + 1}: ${(end - start).toFixed(0)} ms`);
}
times.sort((a, b) => a - b);
console.log(`POST->COMPLETED over ${jobs} jobs: median ${times[Math.floor(jobs / 2)].toFixed(0)} ms, max ${times[jobs - 1].toFixed(0)} ms`);
await reader.cancel();
process.exit(0);
