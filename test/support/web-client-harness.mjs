// Runs in the browser page (test/support/sdk-page.ts serves it): the web app's
// side of the web-client spec. Everything goes through the published SDK the
// way the app uses it (createGraphNodeClient, EventSource on getStreamUrl()
// with credentials); `fetch` is only for routes the SDK has no call for.
import { createGraphNodeClient } from '/sdk/index.js';

const apiBase = new URLSearchParams(location.search).get('api');
const client = createGraphNodeClient({ baseUrl: apiBase });
const frames = [];
let source;
const waiters = new Set();

function settle() {
  for (const waiter of waiters) waiter();
}

window.harness = {
  /** `client[api][method](...args)`: the SDK's own result object ({isSuccess, statusCode, data | error}). */
  sdk(api, method, ...args) {
    return client[api][method](...args);
  },
  /** A request the SDK cannot make, sent as the browser sends any credentialed fetch. */
  async fetch(path, init = {}) {
    try {
      const response = await fetch(apiBase + path, { credentials: 'include', ...init });
      return { status: response.status, contentType: response.headers.get('content-type'), body: await response.text() };
    } catch (error) {
      return { networkError: String(error) };
    }
  },
  streamUrl() {
    return client.notification.getStreamUrl();
  },
  /** The app's stream: every message as the browser hands it over, and every error with the readyState after it. */
  openStream() {
    source = new EventSource(client.notification.getStreamUrl(), { withCredentials: true });
    source.onmessage = (message) => {
      frames.push({ lastEventId: message.lastEventId, data: message.data });
      settle();
    };
    source.onerror = () => {
      frames.push({ error: true, readyState: source.readyState });
      settle();
    };
  },
  closeStream() {
    source?.close();
  },
  frames() {
    return frames.slice();
  },
  /** Resolves with the frames so far once `count` messages (or, with `type`, one of that type for `taskId`) or an error arrived. */
  waitFor({ count, type, taskId, timeoutMs = 30000 }) {
    const done = () =>
      frames.some((frame) => frame.error) ||
      (count !== undefined && frames.filter((frame) => !frame.error).length >= count) ||
      (type !== undefined &&
        frames.some((frame) => {
          if (frame.error) return false;
          const event = JSON.parse(frame.data);
          return event.type === type && event.payload?.taskId === taskId;
        }));
    return new Promise((resolve, reject) => {
      const waiter = () => {
        if (!done()) return;
        waiters.delete(waiter);
        clearTimeout(timer);
        resolve(frames.slice());
      };
      const timer = setTimeout(() => {
        waiters.delete(waiter);
        reject(new Error(`no ${type ?? `${count} frames`} within ${timeoutMs} ms; frames: ${JSON.stringify(frames)}`));
      }, timeoutMs);
      waiters.add(waiter);
      waiter();
    });
  },
};
window.harnessReady = true;
