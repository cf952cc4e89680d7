import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { sha256File } from './import-file.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mo-sha-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const write = (name: string, bytes: Buffer) => {
  const p = path.join(dir, name);
  fs.writeFileSync(p, bytes);
  return p;
};

describe('sha256File', () => {
  it('hashes files of every size around its 1 MiB read buffer like one hash of the whole content', async () => {
    for (const size of [0, 1, (1 << 20) - 1, 1 << 20, (1 << 20) + 1, 3 * (1 << 20) + 12345]) {
      const bytes = crypto.randomBytes(size);
      const expected = crypto.createHash('sha256').update(bytes).digest('hex');
      expect(await sha256File(write(`f${size}`, bytes)), `${size} bytes`).toBe(expected);
    }
    // the empty file: the SHA-256 of nothing
    expect(await sha256File(write('empty', Buffer.alloc(0)))).toBe(
      'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    );
  });
});
