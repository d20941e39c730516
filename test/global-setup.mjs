// Starts one fauxqs emulator for the whole Jest run. Test workers inherit the
// environment set here, so specs read TEST_AWS_ENDPOINT and create their own
// uniquely named queues and buckets on it (specs never share queues).
import { startEmulator } from '../scripts/emulator.mjs';

export default async function globalSetup() {
  const emulator = await startEmulator();
  globalThis.__EMULATOR__ = emulator;
  process.env.TEST_AWS_ENDPOINT = emulator.endpoint;
}
