export default async function globalTeardown() {
  await globalThis.__EMULATOR__?.close();
}
