import { spawnSync } from 'node:child_process';
import { crc32, deflateRawSync } from 'node:zlib';
import { ApiException } from './api.exception';
import { conversationsJsonOf } from './zip-export';

interface ZipFile {
  readonly name: string;
  readonly data: Buffer;
  readonly deflate?: boolean;
  /** How the sizes follow the data (flag bit 3): a descriptor with its signature, without it, with ZIP64 sizes; none: sizes in the header only. */
  readonly descriptor?: 'signed' | 'bare' | 'zip64' | 'none';
  /** With a descriptor, also write the sizes in the local header (some tools do). */
  readonly sizesInHeader?: boolean;
}

/** Local entries as a streaming zip writer makes them, then a (minimal) end of central directory. */
function zipOf(files: readonly ZipFile[]): Buffer {
  const parts: Buffer[] = [];
  for (const file of files) {
    const data = file.deflate ? deflateRawSync(file.data) : file.data;
    const descriptor = file.descriptor ?? 'none';
    const described = descriptor !== 'none';
    const name = Buffer.from(file.name);
    const extra = descriptor === 'zip64' ? Buffer.alloc(20) : Buffer.alloc(0);
    if (descriptor === 'zip64') {
      extra.writeUInt16LE(1, 0);
      extra.writeUInt16LE(16, 2);
    }
    const header = Buffer.alloc(30);
    header.writeUInt32LE(0x04034b50, 0);
    header.writeUInt16LE(20, 4);
    header.writeUInt16LE(0x800 | (described ? 8 : 0), 6);
    header.writeUInt16LE(file.deflate ? 8 : 0, 8);
    if (!described || file.sizesInHeader) {
      header.writeUInt32LE(crc32(file.data), 14);
      header.writeUInt32LE(data.length, 18);
      header.writeUInt32LE(file.data.length, 22);
    } else if (descriptor === 'zip64') {
      header.writeUInt32LE(0xffffffff, 18);
      header.writeUInt32LE(0xffffffff, 22);
    }
    header.writeUInt16LE(name.length, 26);
    header.writeUInt16LE(extra.length, 28);
    parts.push(header, name, extra, data);
    if (described) parts.push(descriptorOf(descriptor, crc32(file.data), data.length, file.data.length));
  }
  const central = Buffer.alloc(46);
  central.writeUInt32LE(0x02014b50, 0);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  return Buffer.concat([...parts, central, end]);
}

function descriptorOf(kind: 'signed' | 'bare' | 'zip64', crc: number, compressed: number, size: number): Buffer {
  const body = Buffer.alloc(kind === 'zip64' ? 20 : 12);
  body.writeUInt32LE(crc, 0);
  if (kind === 'zip64') {
    body.writeBigUInt64LE(BigInt(compressed), 4);
    body.writeBigUInt64LE(BigInt(size), 12);
  } else {
    body.writeUInt32LE(compressed, 4);
    body.writeUInt32LE(size, 8);
  }
  const signature = Buffer.alloc(4);
  signature.writeUInt32LE(0x08074b50, 0);
  return kind === 'bare' ? body : Buffer.concat([signature, body]);
}

async function* chunksOf(bytes: Buffer, size: number): AsyncGenerator<Buffer> {
  for (let at = 0; at < bytes.length; at += size) yield bytes.subarray(at, at + size);
  await Promise.resolve();
}

/** conversations.json of `zip` as conversationsJsonOf reads it from chunks of `size` bytes, or the code it refused it with. */
async function read(zip: Buffer, size = 65_536, limit = 10_000_000): Promise<Buffer | string> {
  const chunks = chunksOf(zip, size);
  const first = (await chunks.next()).value as Buffer;
  const out: Buffer[] = [];
  try {
    for await (const chunk of conversationsJsonOf(first, chunks, limit)) out.push(chunk);
  } catch (error) {
    if (error instanceof ApiException) return error.code;
    throw error;
  }
  return Buffer.concat(out);
}

const JSON_BYTES = Buffer.from(JSON.stringify(Array.from({ length: 200 }, (_, index) => ({ id: `c-${index}`, title: `토마토 ${index}`, mapping: {} }))));
/** Bytes that barely compress (a linear congruential sequence), so the picture's deflate stream spans many chunks. */
const PICTURE = Buffer.from(Array.from({ length: 300_000 }, (_, index) => ((index * 1_103_515_245 + 12_345) >>> 16) & 0xff));

describe('conversationsJsonOf', () => {
  describe('entries whose sizes follow their data', () => {
    it.each(['signed', 'bare', 'zip64'] as const)('reads and skips deflated entries with a %s data descriptor', async (descriptor) => {
      const zip = zipOf([
        { name: 'chat.html', data: Buffer.from('<html>chat</html>'.repeat(100)), deflate: true, descriptor },
        { name: 'file-seedlings.png', data: PICTURE, deflate: true, descriptor },
        { name: 'conversations.json', data: JSON_BYTES, deflate: true, descriptor },
        { name: 'user.json', data: Buffer.from('{}'), deflate: true, descriptor },
      ]);
      for (const size of [1, 7, 4096, 65_536]) expect(await read(zip, size)).toEqual(JSON_BYTES);
    });

    it('skips an entry that has both its sizes in the header and a descriptor', async () => {
      const zip = zipOf([
        { name: 'chat.html', data: Buffer.from('<html/>'), descriptor: 'signed', sizesInHeader: true },
        { name: 'export/conversations.json', data: JSON_BYTES, deflate: true, descriptor: 'bare' },
      ]);
      expect(await read(zip)).toEqual(JSON_BYTES);
    });

    it('refuses an entry whose descriptor does not match its data (INVALID_ZIP)', async () => {
      const good = zipOf([{ name: 'chat.html', data: PICTURE, deflate: true, descriptor: 'signed' }, { name: 'conversations.json', data: JSON_BYTES }]);
      const crcAt = good.indexOf(descriptorOf('signed', crc32(PICTURE), deflateRawSync(PICTURE).length, PICTURE.length));
      const broken = Buffer.from(good);
      broken[crcAt + 4] ^= 0xff;
      expect(await read(broken)).toBe('INVALID_ZIP');
      const target = zipOf([{ name: 'conversations.json', data: JSON_BYTES, deflate: true, descriptor: 'bare' }]);
      const wrongSize = Buffer.from(target);
      wrongSize.writeUInt32LE(JSON_BYTES.length + 1, target.length - 68 - 4);
      expect(await read(wrongSize)).toBe('INVALID_ZIP');
    });

    it('refuses what cannot be read without the central directory (UNSUPPORTED_ZIP)', async () => {
      const stored = zipOf([{ name: 'chat.html', data: Buffer.from('<html/>'), descriptor: 'signed' }, { name: 'conversations.json', data: JSON_BYTES }]);
      expect(await read(stored)).toBe('UNSUPPORTED_ZIP');
      expect(await read(zipOf([{ name: 'conversations.json', data: JSON_BYTES, descriptor: 'bare' }]))).toBe('UNSUPPORTED_ZIP');
      const encrypted = zipOf([{ name: 'conversations.json', data: JSON_BYTES }]);
      encrypted.writeUInt16LE(1, 6);
      expect(await read(encrypted)).toBe('UNSUPPORTED_ZIP');
    });

    it('refuses a deflated entry cut short or that does not inflate (INVALID_ZIP), and one inflating past the limit (413)', async () => {
      const zip = zipOf([{ name: 'chat.html', data: PICTURE, deflate: true, descriptor: 'signed' }, { name: 'conversations.json', data: JSON_BYTES, deflate: true, descriptor: 'signed' }]);
      expect(await read(zip.subarray(0, 5000))).toBe('INVALID_ZIP');
      expect(await read(zip.subarray(0, zip.indexOf('conversations.json') + 200))).toBe('INVALID_ZIP');
      const garbled = Buffer.from(zip);
      garbled.fill(0xff, 60, 80);
      expect(await read(garbled)).toBe('INVALID_ZIP');
      expect(await read(zip, 65_536, 1000)).toBe('BODY_TOO_LARGE');
    });
  });

  const python = spawnSync('python3', ['-c', 'import zipfile'], { stdio: 'ignore' }).status === 0;
  (python ? it : it.skip)('reads a zip Python wrote to a pipe (data descriptors, no seeking)', async () => {
    const script = [
      'import sys, zipfile',
      'z = zipfile.ZipFile(sys.stdout.buffer, "w", zipfile.ZIP_DEFLATED)',
      'z.writestr("chat.html", "<html>" * 5000)',
      'z.writestr("dalle/pic.png", bytes(range(256)) * 2000)',
      'z.writestr("conversations.json", sys.stdin.buffer.read())',
      'z.writestr("user.json", "{}")',
      'z.close()',
    ].join('\n');
    const made = spawnSync('python3', ['-c', script], { input: JSON_BYTES, maxBuffer: 64 * 1024 * 1024 });
    expect(made.status).toBe(0);
    expect(made.stdout.readUInt16LE(6) & 8).toBe(8);
    for (const size of [1, 1000, 65_536]) expect(await read(made.stdout, size)).toEqual(JSON_BYTES);
  });

  it('still reads entries with their sizes in the header, stored or deflated', async () => {
    const zip = zipOf([{ name: 'chat.html', data: Buffer.from('<html/>') }, { name: 'pic.png', data: PICTURE, deflate: true }, { name: 'conversations.json', data: JSON_BYTES, deflate: true }]);
    expect(await read(zip)).toEqual(JSON_BYTES);
    expect(await read(zipOf([{ name: 'conversations.json', data: JSON_BYTES }]))).toEqual(JSON_BYTES);
    expect(await read(zipOf([{ name: 'chat.html', data: Buffer.from('x') }]))).toBe('ZIP_WITHOUT_CONVERSATIONS');
  });
});
