// Bad input to decoding and to `kombat classify`: one clear line naming the file, or it works
// where the format is legitimate; the exit code is non-zero when any file failed.

import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import sharp from 'sharp';
import { decodeImage, readImage } from '../src/image/decode';
import { needsShared, samplesDir, sharedMobileNet, tempDir } from './helpers';

const dir = tempDir();
const gradient = (width: number, height: number) => {
  const raw = Buffer.alloc(width * height * 3);
  for (let i = 0; i < raw.length; i++) raw[i] = (i * 7) % 256;
  return sharp(raw, { raw: { width, height, channels: 3 } });
};

async function fixtures() {
  const files = {
    text: path.join(dir, 'notes.jpg'),
    empty: path.join(dir, 'empty.jpg'),
    truncated: path.join(dir, 'truncated.jpg'),
    png: path.join(dir, 'frame.png'),
    cmyk: path.join(dir, 'cmyk.jpg'),
    gray: path.join(dir, 'gray.jpg'),
    tiny: path.join(dir, 'tiny.jpg'),
  };
  await fs.writeFile(files.text, 'this is not an image\n');
  await fs.writeFile(files.empty, '');
  const jpeg = await gradient(64, 48).jpeg().toBuffer();
  await fs.writeFile(files.truncated, jpeg.subarray(0, jpeg.length >> 1));
  await gradient(64, 48).png().toFile(files.png);
  await gradient(64, 48).toColourspace('cmyk').jpeg().toFile(files.cmyk);
  await sharp(Buffer.alloc(64 * 48, 90), { raw: { width: 64, height: 48, channels: 1 } })
    .toColourspace('b-w')
    .jpeg()
    .toFile(files.gray);
  await gradient(1, 1).jpeg().toFile(files.tiny);
  return files;
}
const ready = fixtures();

test('legitimate formats decode to 8-bit RGB', async () => {
  const f = await ready;
  assert.equal((await sharp(f.cmyk).metadata()).space, 'cmyk');
  assert.equal((await sharp(f.gray).metadata()).channels, 1);
  for (const file of [f.png, f.cmyk, f.gray, f.tiny]) {
    const image = await readImage(file);
    assert.equal(image.data.length, image.width * image.height * 3, file);
  }
  const gray = await readImage(f.gray);
  assert.equal(gray.data[0], gray.data[1]);
  assert.deepEqual([(await readImage(f.tiny)).width, (await readImage(f.tiny)).height], [1, 1]);
});

test('bad files get one message naming the file', async () => {
  const f = await ready;
  await assert.rejects(readImage(f.text), { message: `${f.text}: not an image (unknown or unsupported format)` });
  await assert.rejects(readImage(f.empty), { message: `${f.empty}: empty file, not an image` });
  await assert.rejects(readImage(f.truncated), (e: Error) =>
    e.message.startsWith(`${f.truncated}: truncated or corrupt image`),
  );
  await assert.rejects(readImage(path.join(dir, 'missing.jpg')), /missing\.jpg: no such file/);
  await assert.rejects(decodeImage(new Uint8Array([1, 2, 3]), 'bytes.bin'), /^ImageError: bytes\.bin: not an image/);
});

test('kombat classify: good files classified, bad ones named, exit code 1', { skip: needsShared }, async () => {
  const f = await ready;
  const bird = path.join(samplesDir, 'bird.png');
  const args = [
    '--import',
    'tsx',
    path.join(__dirname, '..', 'src', 'cli', 'main.ts'),
    'classify',
    '--top',
    '1',
    '--json',
  ];
  const run = spawnSync(process.execPath, [...args, bird, f.text, f.truncated, f.png, f.cmyk, f.gray, f.tiny], {
    encoding: 'utf8',
    env: { ...process.env, MOBILENET_URL: sharedMobileNet },
  });
  assert.equal(run.status, 1, run.stderr);
  const results = run.stdout
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as { file: string; predictions: { className: string }[] });
  assert.deepEqual(
    results.map((r) => r.file),
    [bird, f.png, f.cmyk, f.gray, f.tiny],
  );
  assert.equal(results[0].predictions[0].className, 'chickadee');
  const errors = run.stderr.split('\n').filter((l) => l.startsWith('kombat: ') && !l.startsWith('kombat: backend'));
  assert.deepEqual(
    errors.map((l) => l.split(': ')[1]),
    [f.text, f.truncated],
  );

  const good = spawnSync(process.execPath, [...args, bird], {
    encoding: 'utf8',
    env: { ...process.env, MOBILENET_URL: sharedMobileNet },
  });
  assert.equal(good.status, 0, good.stderr);
});
