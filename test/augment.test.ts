import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import sharp from 'sharp';
import {
  type Augmenter,
  applyAugmenter,
  articlePipeline,
  augmentDataset,
  augmentVariant,
  BORDER_MODES,
  describePipeline,
  encodeJpeg,
  IDENTITY_AFFINE,
  leafAugmenters,
  ops,
  removeAugmenters,
  updateAugmenters,
  validatePipeline,
} from '../src/augment';
import { readManifest } from '../src/data/manifest';
import type { RgbImage } from '../src/image/decode';
import { makeGrid } from '../src/image/grid';
import { sha256File } from '../src/util/hash';
import { mulberry32 } from '../src/util/random';
import { tempDir } from './helpers';

/** A deterministic test picture: smooth gradients plus some texture, values kept inside 20..235. */
function picture(width = 40, height = 24, salt = 0): RgbImage {
  const data = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 3;
      data[i] = 20 + Math.round((215 * x) / (width - 1));
      data[i + 1] = 20 + Math.round((215 * y) / (height - 1));
      data[i + 2] = 20 + ((x * 7 + y * 13 + salt * 31) % 200);
    }
  }
  return { data, width, height };
}

function checkerboard(width = 32, height = 32): RgbImage {
  const data = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) data.fill((x + y) % 2 ? 230 : 25, (y * width + x) * 3, (y * width + x) * 3 + 3);
  return { data, width, height };
}

const mean = (img: RgbImage) => img.data.reduce((a, b) => a + b, 0) / img.data.length;

/** Sum of squared differences between horizontal and vertical neighbours: high-frequency energy. */
function hfEnergy(img: RgbImage): number {
  let e = 0;
  const { width: w, height: h, data } = img;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      for (let c = 0; c < 3; c++) {
        const v = data[(y * w + x) * 3 + c];
        if (x + 1 < w) e += (v - data[(y * w + x + 1) * 3 + c]) ** 2;
        if (y + 1 < h) e += (v - data[((y + 1) * w + x) * 3 + c]) ** 2;
      }
    }
  }
  return e;
}

const px = (img: RgbImage, x: number, y: number) => [
  ...img.data.subarray((y * img.width + x) * 3, (y * img.width + x) * 3 + 3),
];

describe('augmenter effects', () => {
  test('Fliplr mirrors pixels left-right, twice is the identity', () => {
    const img = picture();
    const f = ops.fliplr(img);
    for (const [x, y] of [
      [0, 0],
      [5, 3],
      [39, 23],
      [17, 11],
    ])
      assert.deepEqual(px(f, x, y), px(img, img.width - 1 - x, y));
    assert.deepEqual(ops.fliplr(f).data, img.data);
    assert.deepEqual(applyAugmenter({ type: 'Fliplr', p: 1 }, img, mulberry32(1)).data, f.data);
    assert.deepEqual(applyAugmenter({ type: 'Fliplr', p: 0 }, img, mulberry32(1)).data, img.data);
  });

  test('Invert maps v to 255 - v', () => {
    const img = picture();
    const inv = ops.invert(img);
    for (const [i, v] of img.data.entries()) assert.equal(inv.data[i], 255 - v);
    const redOnly = ops.invert(img, [true, false, false]);
    assert.equal(redOnly.data[0], 255 - img.data[0]);
    assert.equal(redOnly.data[1], img.data[1]);
  });

  test('Add shifts the mean by the amount; Multiply and ContrastNormalization behave linearly', () => {
    const img = picture();
    assert.equal(mean(ops.addValues(img, [10, 10, 10])), mean(img) + 10);
    assert.equal(mean(ops.addValues(img, [-15, -15, -15])), mean(img) - 15);
    assert.equal(
      mean(applyAugmenter({ type: 'Add', value: [7, 7], perChannel: 0 }, img, mulberry32(3))),
      mean(img) + 7,
    );
    assert.equal(
      ops.addValues(img, [250, 250, 250]).data.every((v) => v === 255),
      true,
      'clamps at 255',
    );
    const doubled = ops.multiplyValues(img, [2, 1, 1]);
    assert.equal(doubled.data[0], Math.min(255, img.data[0] * 2));
    const flat = ops.contrast(img, [0, 0, 0]);
    assert.ok(
      flat.data.every((v) => v === 128),
      'contrast 0 gives mid grey',
    );
    assert.deepEqual(ops.contrast(img, [1, 1, 1]).data, img.data);
  });

  test('blurs lower high-frequency energy; sigma 0 is the identity', () => {
    const img = checkerboard();
    const e = hfEnergy(img);
    for (const [name, out] of [
      ['gaussian', ops.gaussianBlur(img, 1)],
      ['average', ops.averageBlur(img, 3)],
      ['average even k', ops.averageBlur(img, 2)],
      ['median', ops.medianBlur(picture(), 3)],
    ] as const) {
      const base = name === 'median' ? hfEnergy(picture()) : e;
      const factor = name === 'median' ? 0.8 : 0.5;
      assert.ok(hfEnergy(out) < base * factor, `${name} blur: ${hfEnergy(out)} vs ${base}`);
    }
    assert.deepEqual(ops.gaussianBlur(img, 0).data, img.data);
    // blurs keep a flat image flat
    const flat = { data: new Uint8Array(10 * 10 * 3).fill(77), width: 10, height: 10 };
    assert.ok(ops.gaussianBlur(flat, 2).data.every((v) => v === 77));
    assert.ok(ops.medianBlur(flat, 5).data.every((v) => v === 77));
  });

  test('median blur removes salt noise', () => {
    const img = { data: new Uint8Array(9 * 9 * 3).fill(50), width: 9, height: 9 };
    img.data.fill(255, (4 * 9 + 4) * 3, (4 * 9 + 4) * 3 + 3);
    assert.ok(ops.medianBlur(img, 3).data.every((v) => v === 50));
  });

  test('identity affine leaves the image unchanged in every mode and order', () => {
    const img = picture();
    for (const mode of BORDER_MODES) {
      for (const order of [0, 1] as const) {
        assert.deepEqual(
          ops.affine(img, IDENTITY_AFFINE, order, mode, [1, 2, 3]).data,
          img.data,
          `${mode} order ${order}`,
        );
      }
    }
  });

  test('affine translation moves pixels and fills with cval in constant mode', () => {
    const img = picture(40, 20);
    // +10% of 40 = 4 px to the right
    const moved = ops.affine(img, { ...IDENTITY_AFFINE, translateX: 0.1 }, 0, 'constant', [9, 8, 7]);
    assert.deepEqual(px(moved, 10, 5), px(img, 6, 5));
    assert.deepEqual(px(moved, 0, 5), [9, 8, 7]);
    const wrapped = ops.affine(img, { ...IDENTITY_AFFINE, translateX: 0.1 }, 0, 'wrap', [0, 0, 0]);
    assert.deepEqual(px(wrapped, 0, 5), px(img, 36, 5));
  });

  test('CropAndPad with zero sides is the identity; padding uses the mode', () => {
    const img = picture();
    assert.deepEqual(ops.cropAndPad(img, [0, 0, 0, 0], 'edge', 0).data, img.data);
    const padded = ops.cropAndPad(img, [0, 0, 0, -img.width], 'constant', 200);
    // left half is the constant, resized back to the original width
    assert.deepEqual(px(padded, 2, 3), [200, 200, 200]);
    assert.equal(padded.width, img.width);
    assert.equal(padded.height, img.height);
  });

  test('border index modes', () => {
    const ix = (i: number, m: (typeof BORDER_MODES)[number]) => ops.borderIndex(i, 4, m);
    assert.deepEqual(
      [-2, -1, 4, 5].map((i) => ix(i, 'reflect')),
      [2, 1, 2, 1],
    );
    assert.deepEqual(
      [-2, -1, 4, 5].map((i) => ix(i, 'symmetric')),
      [1, 0, 3, 2],
    );
    assert.deepEqual(
      [-2, -1, 4, 5].map((i) => ix(i, 'wrap')),
      [2, 3, 0, 1],
    );
    assert.deepEqual(
      [-2, -1, 4, 5].map((i) => ix(i, 'edge')),
      [0, 0, 3, 3],
    );
    assert.deepEqual(
      [-2, 5].map((i) => ix(i, 'constant')),
      [-1, -1],
    );
  });

  test('Grayscale alpha 1 gives equal channels, alpha 0 changes nothing', () => {
    const img = picture();
    const g = ops.grayscale(img, 1);
    for (let i = 0; i < g.data.length; i += 3) {
      assert.equal(g.data[i], g.data[i + 1]);
      assert.equal(g.data[i + 1], g.data[i + 2]);
    }
    assert.deepEqual(ops.grayscale(img, 0).data, img.data);
  });

  test('Sharpen and Emboss with alpha 0 are the identity; sharpening raises high-frequency energy', () => {
    const img = picture();
    assert.deepEqual(ops.sharpen(img, 0, 1).data, img.data);
    assert.deepEqual(ops.emboss(img, 0, 1).data, img.data);
    const soft = ops.gaussianBlur(checkerboard(), 1);
    assert.ok(hfEnergy(ops.sharpen(soft, 1, 1)) > hfEnergy(soft));
  });

  test('hue/saturation 0 is (near) identity; grey pixels keep their hue-less value', () => {
    const img = picture();
    const same = ops.addToHueAndSaturation(img, 0, 0);
    for (const [i, v] of img.data.entries()) assert.ok(Math.abs(same.data[i] - v) <= 1);
    const grey = { data: new Uint8Array(4 * 4 * 3).fill(100), width: 4, height: 4 };
    assert.ok(ops.addToHueAndSaturation(grey, 20, 0).data.every((v) => v === 100));
  });

  test('noise with scale 0 is the identity; with scale > 0 it changes pixels but not the mean much', () => {
    const img = picture(60, 40);
    assert.deepEqual(ops.addGaussianNoise(img, mulberry32(1), 0, 0, true).data, img.data);
    const noisy = ops.addGaussianNoise(img, mulberry32(1), 0, 5, false);
    assert.notDeepEqual(noisy.data, img.data);
    assert.ok(Math.abs(mean(noisy) - mean(img)) < 0.5);
  });

  test('frequency noise mask lies in 0..1 and spans it', () => {
    const m = ops.frequencyNoiseMask(mulberry32(5), 50, 30, -2, 8);
    assert.equal(m.length, 1500);
    assert.ok(Math.min(...m) >= 0 && Math.max(...m) <= 1);
    assert.ok(Math.max(...m) - Math.min(...m) > 0.9);
  });

  test('every augmenter of the article pipeline runs and keeps the size', () => {
    const img = picture();
    const rng = mulberry32(9);
    for (const leaf of leafAugmenters(articlePipeline())) {
      for (let i = 0; i < 10; i++) {
        const out = applyAugmenter(leaf, img, rng);
        assert.equal(out.width, img.width, leaf.type);
        assert.equal(out.height, img.height, leaf.type);
        assert.equal(out.data.length, img.data.length, leaf.type);
      }
    }
    assert.deepEqual(img.data, picture().data, 'the input is never modified');
  });
});

describe('pipeline as data', () => {
  test('describePipeline prints a readable tree of the article pipeline', () => {
    const text = describePipeline(articlePipeline(), { width: 100, height: 56 });
    assert.match(text, /^Resize to 100x56/);
    assert.match(text, /Sequential random order/);
    assert.match(text, /GaussianBlur sigma=0\.\.2/);
    assert.match(text, /SomeOf n=0\.\.5 random order/);
    assert.match(text, /first: Multiply mul=0\.9\.\.1\.1 perChannel=1/);
    assert.equal(text.split('\n').length, 25);
  });

  test('updateAugmenters and removeAugmenters return changed copies', () => {
    const original = articlePipeline();
    const stronger = updateAugmenters(original, 'GaussianBlur', { sigma: [0, 3] });
    assert.match(describePipeline(stronger), /GaussianBlur sigma=0\.\.3/);
    assert.match(describePipeline(original), /GaussianBlur sigma=0\.\.2/);
    const noInvert = removeAugmenters(original, 'Invert');
    assert.doesNotMatch(describePipeline(noInvert), /Invert/);
    assert.match(describePipeline(original), /Invert/);
    assert.throws(() => updateAugmenters(original, 'Nope', {}), /no augmenter "Nope"/);
  });
});

describe('parameter validation', () => {
  const bad: [Augmenter, RegExp][] = [
    [{ type: 'GaussianBlur', sigma: [-1, 2] }, /^GaussianBlur: sigma must be >= 0, got -1$/],
    [{ type: 'Grayscale', alpha: [0, 1.5] }, /^Grayscale: alpha must be <= 1, got 1\.5$/],
    [{ type: 'AverageBlur', k: [0, 3] }, /^AverageBlur: k must be >= 1, got 0$/],
    [{ type: 'MedianBlur', k: [3, 4.5] }, /^MedianBlur: k must be an integer, got 4\.5$/],
    [
      { type: 'Sometimes', p: 1.5, child: { type: 'Fliplr', p: 0.5 } },
      /^Sometimes: p must be a probability in 0\.\.1, got 1\.5$/,
    ],
    [{ type: 'Fliplr', p: -0.1 }, /^Fliplr: p must be a probability in 0\.\.1, got -0\.1$/],
    [{ type: 'Sharpen', alpha: [0, 2], lightness: [0.75, 1.5] }, /^Sharpen: alpha must be <= 1, got 2$/],
    [{ type: 'Add', value: [10, -10], perChannel: 0.5 }, /^Add: value range must have lo <= hi, got \[10, -10\]$/],
    [
      {
        type: 'Affine',
        scaleX: [0.8, 1.2],
        scaleY: [0.8, 1.2],
        translateX: [0, 0],
        translateY: [0, 0],
        rotate: [0, 0],
        shear: [0, 0],
        order: [0, 2 as 1],
        mode: ['edge'],
        cval: [0, 255],
      },
      /^Affine: order must be one of 0, 1, got 2$/,
    ],
    [
      { type: 'CropAndPad', percent: [-0.05, 0.1], padMode: ['mirror' as 'edge'], padCval: [0, 255] },
      /^CropAndPad: padMode must be one of constant, edge, reflect, symmetric, wrap, got mirror$/,
    ],
  ];
  for (const [aug, message] of bad) {
    test(`rejects ${message.source.slice(1, 40)}`, () => {
      assert.throws(() => validatePipeline(aug), { name: 'AugmentParamError', message });
      // nested inside a container too
      assert.throws(() => validatePipeline({ type: 'Sequential', randomOrder: true, children: [aug] }), { message });
    });
  }

  test('the pixel functions check their parameters too', () => {
    const img = picture();
    assert.throws(
      () => ops.gaussianBlur(img, -1),
      /^Error: GaussianBlur: sigma must be >= 0, got -1$|GaussianBlur: sigma must be >= 0, got -1/,
    );
    assert.throws(() => ops.grayscale(img, 2), /Grayscale: alpha must be a probability in 0\.\.1, got 2/);
    assert.throws(() => ops.medianBlur(img, 4), /MedianBlur: k must be odd, got 4/);
    assert.throws(() => ops.averageBlur(img, 0), /AverageBlur: k must be >= 1, got 0/);
    assert.throws(
      () => updateAugmenters(articlePipeline(), 'GaussianBlur', { sigma: [-1, 2] }),
      /GaussianBlur: sigma must be >= 0, got -1/,
    );
  });

  test('the article pipeline is valid', () => {
    assert.doesNotThrow(() => validatePipeline(articlePipeline()));
  });
});

describe('determinism', () => {
  test('(seed, source, variant) -> the same pixels; another variant or seed -> different pixels', () => {
    const img = picture(100, 56);
    const opts = { seed: 44, sourceId: 'abc' };
    const a = augmentVariant(img, 3, opts);
    const b = augmentVariant(img, 3, opts);
    assert.deepEqual(a.data, b.data);
    const variants = [0, 1, 2, 4, 5].map((v) => Buffer.from(augmentVariant(img, v, opts).data).toString('hex'));
    assert.ok(!variants.includes(Buffer.from(a.data).toString('hex')));
    assert.notDeepEqual(augmentVariant(img, 3, { seed: 45, sourceId: 'abc' }).data, a.data);
    assert.notDeepEqual(augmentVariant(img, 3, { seed: 44, sourceId: 'abd' }).data, a.data);
  });

  test('JPEG encoding is byte-stable', async () => {
    const img = augmentVariant(picture(100, 56), 1, { seed: 1, sourceId: 'x' });
    const a = Buffer.from(await encodeJpeg(img));
    const b = Buffer.from(await encodeJpeg({ ...img, data: new Uint8Array(img.data) }));
    assert.ok(a.equals(b));
  });
});

// ---------------------------------------------------------------- dataset

async function writeJpeg(file: string, img: RgbImage): Promise<void> {
  await fs.mkdir(path.dirname(file), { recursive: true });
  await sharp(img.data, { raw: { width: img.width, height: img.height, channels: 3 } })
    .jpeg({ quality: 90 })
    .toFile(file);
}

/** punch/kick/other x subjects s1..s3 (s1, s2 training), 2 frames each. */
async function makeDataset(withSplit = true): Promise<string> {
  const dir = tempDir('kombat-aug-data-');
  let salt = 0;
  for (const cls of ['punch', 'kick', 'other']) {
    for (const subject of ['s1', 's2', 's3']) {
      for (const n of [1, 2]) await writeJpeg(path.join(dir, cls, `${subject}_${n}.jpg`), picture(64, 36, salt++));
    }
  }
  if (withSplit)
    await fs.writeFile(
      path.join(dir, 'split.json'),
      JSON.stringify({ seed: 1, train: ['s1', 's2'], val: ['s3'], test: [] }),
    );
  return dir;
}

async function outputFiles(out: string): Promise<Map<string, Buffer>> {
  const files = new Map<string, Buffer>();
  for (const cls of await fs.readdir(out)) {
    const dir = path.join(out, cls);
    if (!(await fs.stat(dir)).isDirectory()) continue;
    for (const f of await fs.readdir(dir)) files.set(`${cls}/${f}`, await fs.readFile(path.join(dir, f)));
  }
  return files;
}

describe('augmentDataset', () => {
  test('training split only, manifest with source and subject, names <class>/<stem>_vNN.jpg', async () => {
    const data = await makeDataset();
    const out = path.join(tempDir('kombat-aug-out-'), 'aug');
    const logs: string[] = [];
    const r = await augmentDataset({ data, out, variants: 3, seed: 7, concurrency: 1, log: (l) => logs.push(l) });
    assert.ok(
      logs.some((l) => /training split: 12 of 18 frames/.test(l)),
      logs.join('\n'),
    );
    assert.equal(r.sources, 12);
    assert.equal(r.excluded, 6);
    assert.equal(r.written, 36);
    assert.deepEqual(r.bad, []);
    const rows = await readManifest(out);
    assert.equal(rows.length, 36);
    assert.ok(rows.every((row) => row.subject === 's1' || row.subject === 's2'));
    const row = rows.find((x) => x.file === 'kick/s2_1_v01.jpg');
    assert.ok(row, 'kick/s2_1_v01.jpg is listed');
    assert.equal(row.source, 'kick/s2_1.jpg');
    assert.equal(row.label, 'kick');
    assert.equal(row.subject, 's2');
    const files = await outputFiles(out);
    assert.equal(files.size, 36);
    assert.ok(![...files.keys()].some((f) => f.includes('s3_')));
    const variant = files.get('kick/s2_1_v01.jpg');
    assert.ok(variant);
    const meta = await sharp(variant).metadata();
    assert.equal(meta.width, 100);
    assert.equal(meta.height, 56);
  });

  test('subjects come from manifest.csv when there is one', async () => {
    const data = await makeDataset(false);
    const lines = ['file,label,subject,clip,frame,source,sha256'];
    for (const cls of ['punch', 'kick', 'other']) {
      for (const s of ['s1', 's2', 's3'])
        for (const n of [1, 2]) {
          const hash = await sha256File(path.join(data, cls, `${s}_${n}.jpg`));
          lines.push(`${cls}/${s}_${n}.jpg,${cls},${s === 's3' ? 'alice' : 'bob'},c1,${n},cam,${hash}`);
        }
    }
    await fs.writeFile(path.join(data, 'manifest.csv'), `${lines.join('\n')}\n`);
    await fs.writeFile(
      path.join(data, 'split.json'),
      JSON.stringify({ seed: 1, train: ['alice'], val: ['bob'], test: [] }),
    );
    const out = path.join(tempDir(), 'aug');
    const r = await augmentDataset({ data, out, variants: 2, seed: 1, concurrency: 1 });
    assert.equal(r.sources, 6);
    const rows = await readManifest(out);
    assert.ok(rows.every((row) => row.subject === 'alice' && row.file.includes('s3_') && row.clip === 'c1'));
  });

  test('without split.json it refuses unless all is set', async () => {
    const data = await makeDataset(false);
    const out = path.join(tempDir(), 'aug');
    await assert.rejects(augmentDataset({ data, out, variants: 1, seed: 1 }), /split\.json is missing.*--all/s);
    const r = await augmentDataset({ data, out, variants: 1, seed: 1, all: true, concurrency: 1 });
    assert.equal(r.sources, 18);
    assert.equal(r.excluded, 0);
  });

  test('same bytes with concurrency 1 and 2; a re-run does no work; changed parameters redo it', async () => {
    const data = await makeDataset();
    const base = tempDir();
    const one = path.join(base, 'one');
    const two = path.join(base, 'two');
    await augmentDataset({ data, out: one, variants: 4, seed: 3, concurrency: 1 });
    const progress: number[] = [];
    const r2 = await augmentDataset({
      data,
      out: two,
      variants: 4,
      seed: 3,
      concurrency: 2,
      onProgress: (p) => progress.push(p.done),
    });
    assert.equal(r2.written, 48);
    assert.equal(progress.at(-1), 48);
    const a = await outputFiles(one);
    const b = await outputFiles(two);
    assert.equal(a.size, 48);
    assert.deepEqual([...a.keys()].sort(), [...b.keys()].sort());
    for (const [f, bytes] of a) assert.deepEqual(bytes, b.get(f), `${f} differs between concurrency 1 and 2`);
    assert.equal(
      await fs.readFile(path.join(one, 'manifest.csv'), 'utf8'),
      await fs.readFile(path.join(two, 'manifest.csv'), 'utf8'),
    );
    // variants of one frame differ from each other
    assert.notDeepEqual(a.get('punch/s1_1_v00.jpg'), a.get('punch/s1_1_v01.jpg'));

    // re-run: nothing written, files untouched
    const mtimes = new Map(
      await Promise.all([...a.keys()].map(async (f) => [f, (await fs.stat(path.join(one, f))).mtimeMs] as const)),
    );
    const again = await augmentDataset({ data, out: one, variants: 4, seed: 3, concurrency: 2 });
    assert.equal(again.written, 0);
    assert.equal(again.reused, 48);
    for (const [f, t] of mtimes) assert.equal((await fs.stat(path.join(one, f))).mtimeMs, t, `${f} was rewritten`);

    // a deleted output is redone, alone
    await fs.rm(path.join(one, 'other/s2_2_v03.jpg'));
    const repaired = await augmentDataset({ data, out: one, variants: 4, seed: 3, concurrency: 1 });
    assert.equal(repaired.written, 1);
    assert.deepEqual(await fs.readFile(path.join(one, 'other/s2_2_v03.jpg')), a.get('other/s2_2_v03.jpg'));

    // fewer variants: the extra files go; another seed: everything is redone
    const fewer = await augmentDataset({ data, out: one, variants: 2, seed: 3, concurrency: 1 });
    assert.equal(fewer.written, 0);
    assert.equal((await outputFiles(one)).size, 24);
    const reseeded = await augmentDataset({ data, out: one, variants: 2, seed: 4, concurrency: 1 });
    assert.equal(reseeded.written, 24);
    // a changed pipeline also counts as changed parameters
    const changed = await augmentDataset({
      data,
      out: one,
      variants: 2,
      seed: 4,
      concurrency: 1,
      pipeline: removeAugmenters(articlePipeline(), 'Invert'),
    });
    assert.equal(changed.written, 24);
  });

  test('empty, non-image and truncated files are reported by name and skipped', async () => {
    const data = await makeDataset();
    await fs.writeFile(path.join(data, 'punch', 's1_empty.jpg'), '');
    await fs.writeFile(path.join(data, 'kick', 's1_text.jpg'), 'this is not a picture\n');
    const good = await fs.readFile(path.join(data, 'other', 's2_1.jpg'));
    await fs.writeFile(path.join(data, 'other', 's2_cut.jpg'), good.subarray(0, Math.floor(good.length / 2)));
    const out = path.join(tempDir(), 'aug');
    const r = await augmentDataset({ data, out, variants: 2, seed: 1, concurrency: 2 });
    assert.deepEqual(
      r.bad.map((b) => b.file),
      ['kick/s1_text.jpg', 'other/s2_cut.jpg', 'punch/s1_empty.jpg'],
    );
    assert.match(r.bad[0].reason, /not an image/);
    assert.match(r.bad[1].reason, /truncated|corrupt|decode/);
    assert.match(r.bad[2].reason, /empty/);
    assert.equal(r.sources, 12);
    assert.equal(r.written, 24);
    const rows = await readManifest(out);
    assert.ok(!rows.some((row) => /empty|text|cut/.test(row.source)));
  });

  test('bad options are rejected clearly', async () => {
    const data = await makeDataset();
    const out = path.join(tempDir(), 'aug');
    await assert.rejects(augmentDataset({ data, out, variants: 0 }), /variants must be a positive integer, got 0/);
    await assert.rejects(
      augmentDataset({ data, out, pipeline: { type: 'GaussianBlur', sigma: [-1, 1] } }),
      /GaussianBlur: sigma must be >= 0, got -1/,
    );
    await assert.rejects(augmentDataset({ data: path.join(data, 'nope'), out }), /nope: no such dataset folder/);
    // The one indexer's rules: a folder that is not a class is refused, as by features and train.
    await writeJpeg(path.join(data, 'sheets', 's1_sheet.jpg'), picture(64, 36));
    await assert.rejects(
      augmentDataset({ data, out }),
      /sheets\/: unknown class folder \(classes are punch, kick, other\)/,
    );
  });
});

describe("augmentDataset keeps each dataset's aspect", () => {
  test("portrait frames stay portrait (56 px wide), landscape ones get the article's 100x56", async () => {
    const data = tempDir('kombat-aug-portrait-');
    for (const [cls, w, h] of [
      ['punch', 90, 160],
      ['kick', 90, 160],
      ['other', 160, 90],
    ] as const) {
      await writeJpeg(path.join(data, cls, 'p1_r1_00001.jpg'), picture(w, h, 3));
    }
    const out = path.join(tempDir(), 'aug');
    await augmentDataset({ data, out, variants: 2, seed: 1, all: true, concurrency: 1 });
    const files = await outputFiles(out);
    assert.equal(files.size, 6);
    for (const [file, bytes] of files) {
      const meta = await sharp(bytes).metadata();
      const expected = file.startsWith('other/') ? [100, 56] : [56, 100];
      assert.deepEqual([meta.width, meta.height], expected, file);
    }
  });
});

describe('grid', () => {
  test('makeGrid lays out 16 images 4x4 with gaps and scale', () => {
    const imgs = Array.from({ length: 16 }, (_, i) => ({
      data: new Uint8Array(10 * 6 * 3).fill(i * 10),
      width: 10,
      height: 6,
    }));
    const g = makeGrid(imgs, { gap: 1 });
    assert.equal(g.width, 4 * 10 + 5);
    assert.equal(g.height, 4 * 6 + 5);
    assert.deepEqual(px(g, 0, 0), [255, 255, 255]);
    assert.deepEqual(px(g, 1, 1), [0, 0, 0]);
    assert.deepEqual(px(g, 12, 1), [10, 10, 10]);
    const big = makeGrid(imgs, { gap: 1, scale: 2 });
    assert.equal(big.width, g.width * 2);
  });
});
