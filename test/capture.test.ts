// The server's capture routes (no browser, no MobileNet): frames land in data/captured/ in the
// dataset layout (class folders, <person>_<recording>_<frame>.jpg, manifest rows) that the data
// tools read; every refusal of the issue is its own test: unknown classes, unsafe person names,
// path traversal, absolute paths, symlinks, images that are too big or not JPEGs; nothing is
// ever written outside the folder, and a refused request leaves the folder as it was.
import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { after, before, beforeEach, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import sharp from 'sharp';
import { CAPTURE_LIMITS } from '../src/data/capture';
import { indexDataset } from '../src/data/entries';
import { readManifest } from '../src/data/manifest';
import type { CaptureListing } from '../src/serve/api';
import { createServer } from '../src/serve/server';
import { captureTask, trainedModelName } from '../src/serve/training';
import { tempDir } from './helpers';

async function jpeg(width = 64, height = 48, shade = 120): Promise<Buffer> {
  return sharp({ create: { width, height, channels: 3, background: { r: shade, g: 80, b: 40 } } })
    .jpeg()
    .toBuffer();
}

/** Every path under `dir` (recursively), sorted. */
async function tree(dir: string): Promise<string[]> {
  return ((await fs.readdir(dir, { recursive: true })) as string[]).sort();
}

describe('capture: the page records into data/captured/', () => {
  const root = tempDir('kombat-capture-');
  const captured = path.join(root, 'data', 'captured');
  const outside = path.join(root, 'outside');
  let app: FastifyInstance;

  const post = (query: string, body: Buffer | string, type = 'image/jpeg') =>
    app.inject({
      method: 'POST',
      url: `/api/capture/frame?${query}`,
      payload: body,
      headers: { 'content-type': type },
    });
  const listing = async () => (await app.inject({ url: '/api/capture' })).json() as CaptureListing;

  before(async () => {
    await fs.mkdir(path.join(root, 'page'), { recursive: true });
    await fs.writeFile(path.join(root, 'page', 'index.html'), '<!doctype html>');
    ({ app } = await createServer({
      pageDir: path.join(root, 'page'),
      modelsDir: path.join(root, 'models'),
      captureDir: captured,
      mobilenetCacheDir: path.join(root, 'cache'),
      mobilenetUrl: '',
    }));
  });
  beforeEach(async () => {
    await fs.rm(captured, { recursive: true, force: true });
    await fs.rm(outside, { recursive: true, force: true });
    await fs.mkdir(outside, { recursive: true });
  });
  after(async () => {
    await app.close();
    await fs.rm(root, { recursive: true, force: true });
  });

  it('writes frames in the dataset layout with manifest rows; lists, serves and deletes them', async () => {
    for (const [label, n] of [
      ['punch', 3],
      ['kick', 2],
      ['other', 2],
    ] as const) {
      for (let i = 0; i < n; i++) {
        const r = await post(`label=${label}&person=ann&recording=r1`, await jpeg(64, 48, 40 * i));
        assert.equal(r.statusCode, 201, r.body);
      }
    }
    const again = await post('label=punch&person=ann&recording=r2', await jpeg());
    assert.deepEqual(again.json(), {
      file: 'punch/ann_r2_00001.jpg',
      label: 'punch',
      person: 'ann',
      recording: 'r2',
      frame: 1,
    });
    const list = await listing();
    assert.deepEqual(list.counts, { punch: 4, kick: 2, other: 2 });
    assert.equal(list.frames[2].file, 'punch/ann_r1_00003.jpg');
    assert.equal(list.maxBytes, CAPTURE_LIMITS.maxBytes);

    // What the data tools read: every file indexed, subject and recording from the manifest, no issue.
    const index = await indexDataset(captured);
    assert.deepEqual(index.issues, []);
    assert.equal(index.entries.length, 8);
    assert.ok(index.entries.every((e) => e.subject === 'ann' && (e.clip === 'r1' || e.clip === 'r2')));
    const rows = await readManifest(captured);
    assert.equal(rows.length, 8);
    const bytes = await fs.readFile(path.join(captured, 'punch', 'ann_r1_00001.jpg'));
    const thumb = await app.inject({ url: '/captured/punch/ann_r1_00001.jpg' });
    assert.equal(thumb.statusCode, 200);
    assert.equal(thumb.headers['content-type'], 'image/jpeg');
    assert.ok(thumb.rawPayload.equals(bytes));

    const del = await app.inject({ method: 'DELETE', url: '/api/capture/frame?file=punch/ann_r1_00002.jpg' });
    assert.deepEqual(del.json(), { deleted: ['punch/ann_r1_00002.jpg'] });
    const burst = await app.inject({ method: 'DELETE', url: '/api/capture/frame?person=ann&recording=r2' });
    assert.deepEqual(burst.json(), { deleted: ['punch/ann_r2_00001.jpg'] });
    assert.deepEqual((await listing()).counts, { punch: 2, kick: 2, other: 2 });
    assert.deepEqual(
      (await readManifest(captured)).map((r) => r.file).sort(),
      (await tree(captured)).filter((f) => f.endsWith('.jpg')).sort(),
      'the manifest lists exactly the files on disk',
    );
    // The next frame of a recording never reuses a number.
    const next = await post('label=punch&person=ann&recording=r1', await jpeg());
    assert.equal(next.json().file, 'punch/ann_r1_00008.jpg', 'numbered after every frame of the recording');
    assert.equal(captureTask((await listing()).counts), 'ternary');
    assert.equal(captureTask({ punch: 3, kick: 0, other: 1 }), 'binary');
    assert.throws(() => captureTask({ punch: 3, kick: 0, other: 0 }), /at least two classes/);
    assert.equal(trainedModelName(new Date('2026-11-29T15:04:05.123Z')), 'captured-20261129-150405');
  });

  it('refuses unknown classes, with the known ones', async () => {
    for (const label of ['jump', 'Punch', '../punch', '', 'punch/x']) {
      const r = await post(`label=${encodeURIComponent(label)}&person=ann&recording=r1`, await jpeg());
      assert.equal(r.statusCode, 400, label);
      assert.match(r.json().error, /is not one of punch, kick, other/);
    }
    assert.deepEqual(await tree(captured).catch(() => []), []);
  });

  it('refuses person and recording names other than letters and digits (path traversal, absolute paths)', async () => {
    const bad = ['../../etc', '..', '/etc/passwd', 'C:\\x', 'a_b', 'a-b', 'a b', 'a/b', 'é', 'x'.repeat(33), ''];
    for (const name of bad) {
      const person = await post(`label=punch&person=${encodeURIComponent(name)}&recording=r1`, await jpeg());
      assert.equal(person.statusCode, 400, name);
      assert.match(person.json().error, /person name ".*" must be 1 to 32 letters or digits/);
      const recording = await post(`label=punch&person=ann&recording=${encodeURIComponent(name)}`, await jpeg());
      assert.equal(recording.statusCode, 400, name);
      assert.match(recording.json().error, /recording name/);
    }
    const missing = await post('label=punch&recording=r1', await jpeg());
    assert.equal(missing.statusCode, 400);
    assert.match(missing.json().error, /needs person=/);
    assert.deepEqual(await tree(captured).catch(() => []), []);
    assert.deepEqual(await tree(outside), []);
  });

  it('reads and deletes only captured frames: traversal and absolute paths are refused', async () => {
    await post('label=punch&person=ann&recording=r1', await jpeg());
    await fs.writeFile(path.join(outside, 'secret.jpg'), 'the contents');
    const rel = path.relative(path.join(captured, 'punch'), path.join(outside, 'secret.jpg'));
    for (const file of [
      rel,
      `punch/${rel}`,
      path.join(outside, 'secret.jpg'),
      'punch/../manifest.csv',
      'manifest.csv',
      'punch/ann_r1_00001.jpg/..',
      '%2e%2e/outside/secret.jpg',
    ]) {
      const del = await app.inject({ method: 'DELETE', url: `/api/capture/frame?file=${encodeURIComponent(file)}` });
      assert.ok([400, 404].includes(del.statusCode), `${file}: ${del.statusCode} ${del.body}`);
      const get = await app.inject({ url: `/captured/${file}` });
      assert.ok([400, 404].includes(get.statusCode), `${file}: ${get.statusCode} ${get.body}`);
      assert.ok(!get.body.includes('the contents'));
    }
    // A well-formed name that is not in the manifest (put there by hand) is neither served nor deleted.
    await fs.writeFile(path.join(captured, 'punch', 'bob_r1_00001.jpg'), 'by hand');
    assert.equal((await app.inject({ url: '/captured/punch/bob_r1_00001.jpg' })).statusCode, 404);
    const del = await app.inject({ method: 'DELETE', url: '/api/capture/frame?file=punch/bob_r1_00001.jpg' });
    assert.equal(del.statusCode, 404);
    assert.equal(await fs.readFile(path.join(outside, 'secret.jpg'), 'utf8'), 'the contents');
    assert.equal(await fs.readFile(path.join(captured, 'punch', 'bob_r1_00001.jpg'), 'utf8'), 'by hand');
    // And a new frame never overwrites it.
    const r = await post('label=punch&person=bob&recording=r1', await jpeg());
    assert.equal(r.json().file, 'punch/bob_r1_00002.jpg');
  });

  it('never writes through symlinks: a class folder or the folder itself pointing elsewhere is refused', async () => {
    assert.equal((await post('label=other&person=ann&recording=r0', await jpeg())).statusCode, 201);
    await fs.symlink(outside, path.join(captured, 'kick'));
    const r = await post('label=kick&person=ann&recording=r1', await jpeg());
    assert.equal(r.statusCode, 500);
    assert.match(r.json().error, /kick\/ in .* is not a plain folder \(a symlink\?\)/);
    assert.deepEqual(await tree(outside), []);

    // A frame's own name as a symlink to a file outside: a new frame never writes through it.
    await fs.mkdir(path.join(captured, 'punch'));
    await fs.writeFile(path.join(outside, 'target.jpg'), 'untouched');
    await fs.symlink(path.join(outside, 'target.jpg'), path.join(captured, 'punch', 'ann_r1_00001.jpg'));
    const next = await post('label=punch&person=ann&recording=r1', await jpeg());
    assert.equal(next.statusCode, 201);
    assert.equal(next.json().file, 'punch/ann_r1_00002.jpg');
    assert.equal(await fs.readFile(path.join(outside, 'target.jpg'), 'utf8'), 'untouched');
    assert.equal((await app.inject({ url: '/captured/punch/ann_r1_00001.jpg' })).statusCode, 404);

    await fs.rm(captured, { recursive: true });
    await fs.symlink(outside, captured);
    const viaRoot = await post('label=punch&person=ann&recording=r1', await jpeg());
    assert.equal(viaRoot.statusCode, 500);
    assert.match(viaRoot.json().error, /is not a plain folder \(a symlink\?\): refusing to write there/);
    assert.deepEqual(await tree(outside), ['target.jpg']);
  });

  it('never writes into another dataset: only a new or empty folder, or one the page recorded', async () => {
    // A user's dataset (class folders, no manifest), then one whose manifest lists frames of a video.
    await fs.mkdir(path.join(captured, 'punch'), { recursive: true });
    await fs.writeFile(path.join(captured, 'punch', 'sam_c1_00001.jpg'), await jpeg());
    const before = await tree(captured);
    const r = await post('label=punch&person=ann&recording=r1', await jpeg());
    assert.equal(r.statusCode, 409, r.body);
    assert.match(r.json().error, /captured: not empty and not the page's recordings \(recognised by a manifest\.csv/);
    assert.deepEqual(await tree(captured), before);
    await fs.writeFile(
      path.join(captured, 'manifest.csv'),
      'file,label,subject,clip,frame,source,sha256\npunch/sam_c1_00001.jpg,punch,sam,c1,1,c1.mp4,x\n',
    );
    const listed = await post('label=punch&person=ann&recording=r1', await jpeg());
    assert.equal(listed.statusCode, 409, listed.body);
    const del = await app.inject({ method: 'DELETE', url: '/api/capture/frame?file=punch/sam_c1_00001.jpg' });
    assert.equal(del.statusCode, 409, del.body);
    assert.deepEqual(await tree(captured), [...before, 'manifest.csv'].sort());
  });

  it('accepts only whole JPEGs under the size limit', async () => {
    const png = await sharp({ create: { width: 8, height: 8, channels: 3, background: '#fff' } })
      .png()
      .toBuffer();
    const cases: [string, Buffer, string, number, RegExp][] = [
      ['png bytes', png, 'image/jpeg', 415, /not a whole JPEG/],
      ['text', Buffer.from('hello'), 'image/jpeg', 415, /not a whole JPEG/],
      ['truncated', (await jpeg(200, 150)).subarray(0, 300), 'image/jpeg', 415, /not a whole JPEG/],
      ['empty', Buffer.alloc(0), 'image/jpeg', 400, /empty/],
      ['json', Buffer.from('{"a":1}'), 'application/json', 415, /Content-Type: image\/jpeg/],
      ['too many pixels', await jpeg(2000, 100), 'image/jpeg', 413, /2000x100; the limit is 1920 px/],
    ];
    for (const [what, body, type, status, message] of cases) {
      const r = await post('label=punch&person=ann&recording=r1', body, type);
      assert.equal(r.statusCode, status, `${what}: ${r.body}`);
      assert.match(r.json().error ?? r.json().message, message, what);
    }
    const big = Buffer.alloc(CAPTURE_LIMITS.maxBytes + 1, 0xff);
    const r = await post('label=punch&person=ann&recording=r1', big);
    assert.equal(r.statusCode, 413, 'Fastify refuses a body over the limit before reading it all');
    assert.deepEqual(await tree(captured).catch(() => []), []);
  });

  it('the training route refuses what cannot be trained, with the valid choices', async () => {
    const empty = await app.inject({ method: 'POST', url: '/api/train', payload: { preset: 'quick' } });
    assert.equal(empty.statusCode, 409);
    assert.match(empty.json().error, /record some punch frames/);
    const bad = await app.inject({ method: 'POST', url: '/api/train', payload: { preset: 'huge' } });
    assert.equal(bad.statusCode, 400);
    assert.match(bad.json().error, /unknown preset "huge" \(presets are quick, full\)/);
    assert.equal((await app.inject({ url: '/trained/x/model.json' })).statusCode, 404);
  });
});
