// `kombat serve` without a browser: the page builds (browser-safe: no Node module reaches it), the
// server listens on 127.0.0.1 only with the cross-origin-isolation headers, lists models and
// MobileNet sources, refuses paths outside what it serves; MK.js's Parcel glob import is provided;
// scripted synth clips for the fake webcam.

import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, promises as fs } from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { build } from 'esbuild';
import type { PageSetup } from '../src/serve/api';
import { buildPage, checkMkjs } from '../src/serve/build';
import { globModule, globPlugin, globTree, splitGlob } from '../src/serve/glob';
import { type RunningServer, startServer } from '../src/serve/server';
import { mobilenetSources } from '../src/serve/setup';
import { settings } from '../src/settings';
import { parseScript, renderRecordings } from '../src/synth';
import { sharedDir, tempDir } from './helpers';

const root = path.resolve(__dirname, '..');
const mkjsDir = path.join(sharedDir, 'vendor', 'mk-tfjs', 'mk');

describe('the page build and the server', () => {
  const dir = tempDir('kombat-serve-');
  let server: RunningServer;
  let pageFiles: string[];

  before(async () => {
    const page = await buildPage({ out: path.join(dir, 'page') });
    pageFiles = page.files;
    // A model folder with model.json but no metadata.json: listed with its problem.
    const broken = path.join(dir, 'models', 'half-exported');
    await fs.mkdir(broken, { recursive: true });
    await fs.copyFile(path.join(settings().modelsDir, 'kombat-ternary', 'model.json'), path.join(broken, 'model.json'));
    await fs.mkdir(path.join(dir, 'cache', 'mobilenet_v1_0.75_224'), { recursive: true });
    await fs.writeFile(path.join(dir, 'cache', 'mobilenet_v1_0.75_224', 'model.json'), '{}');
    server = await startServer({
      pageDir: page.dir,
      port: 0,
      models: [broken],
      mobilenetCacheDir: path.join(dir, 'cache'),
      mobilenetUrl: '',
    });
  });

  after(async () => {
    await server?.close();
    await fs.rm(dir, { recursive: true, force: true });
  });

  it("builds a page that bundles the library's browser-safe modules and none of its Node ones", async () => {
    assert.deepEqual(pageFiles, ['index.html', 'main.js', 'main.js.map', 'style.css']);
    const bundle = await fs.readFile(path.join(dir, 'page', 'main.js'), 'utf8');
    // A text from each module: esbuild for the browser would fail on their node: imports anyway.
    const has = (text: string) => bundle.includes(text);
    assert.ok(has('the features do not match'), 'src/export/load.ts is missing');
    assert.ok(has('must use one detector setting'), 'src/features/encoder.ts is missing');
    assert.ok(has('not MoveNet SinglePose Lightning'), 'src/pose/network.ts is missing');
    for (const nodeOnly of ['KOMBAT_BACKEND', 'is not cached in', 'weight file listed in model.json is missing']) {
      assert.ok(!has(nodeOnly), `a Node-only module reached the page: "${nodeOnly}"`);
    }
  });

  it('listens on 127.0.0.1 only and sends the cross-origin-isolation headers everywhere', async () => {
    const address = server.app.server.address();
    assert.ok(address && typeof address === 'object');
    assert.equal(address.address, '127.0.0.1');
    for (const url of [
      '',
      'main.js',
      'api/setup',
      'models/kombat-ternary/metadata.json',
      'tfjs-wasm/tfjs-backend-wasm-simd.wasm',
    ]) {
      const response = await fetch(new URL(url, server.url));
      assert.equal(response.status, 200, url);
      assert.equal(response.headers.get('cross-origin-opener-policy'), 'same-origin', url);
      assert.equal(response.headers.get('cross-origin-embedder-policy'), 'require-corp', url);
      await response.arrayBuffer();
    }
    const wasm = await fetch(new URL('tfjs-wasm/tfjs-backend-wasm-simd.wasm', server.url));
    assert.equal(wasm.headers.get('content-type'), 'application/wasm');
  });

  it('tells the page its models (with problems), the default, and where MobileNet is', async () => {
    const setup = (await (await fetch(new URL('api/setup', server.url))).json()) as PageSetup;
    const byName = Object.fromEntries(setup.models.map((m) => [m.name, m]));
    assert.equal(byName['half-exported'].problem, 'metadata.json is missing');
    assert.equal(byName['kombat-ternary'].task, 'ternary');
    assert.equal(setup.defaultModel, 'half-exported', 'a model given on the command line comes first');
    assert.deepEqual(setup.mobilenet['mobilenet_v1_0.75_224'], {
      kind: 'cache',
      url: '/mobilenet/mobilenet_v1_0.75_224/model.json',
    });
    assert.equal(setup.mobilenet['mobilenet_v1_1.0_224'].kind, 'official');
    assert.match(setup.mobilenet['mobilenet_v1_1.0_224'].url, /^https:\/\/storage\.googleapis\.com\/.*model\.json$/);
    assert.equal(setup.wasmPath, '/tfjs-wasm/');
  });

  it('MOBILENET_URL: a folder is served, a URL is passed on', async () => {
    const folder = await mobilenetSources(path.join(dir, 'cache'), path.join(dir, 'elsewhere'));
    assert.equal(folder.explicitDir, path.join(dir, 'elsewhere'));
    assert.equal(folder.entries['mobilenet_v1_0.75_224'].url, '/mobilenet-explicit/model.json');
    const url = await mobilenetSources(path.join(dir, 'cache'), 'https://example.org/m/');
    assert.deepEqual(url.entries['mobilenet_v1_0.75_224'], {
      kind: 'explicit',
      url: 'https://example.org/m/model.json',
    });
  });

  it('serves nothing outside the page, the models, the MobileNet cache and the wasm binaries', async () => {
    for (const url of [
      'models/kombat-ternary/../../package.json',
      'models/kombat-ternary/%2e%2e/%2e%2e/package.json',
      'models/no-such-model/model.json',
      'mobilenet/../../package.json',
      'mkjs/game/src/mk.js',
      '..%2f..%2fpackage.json',
    ]) {
      const response = await fetch(`${server.url}${url}`);
      const body = await response.text();
      assert.ok(response.status >= 400, `${url}: HTTP ${response.status}`);
      assert.doesNotMatch(body, /"name": "kombat"/, url);
    }
  });
});

describe("MK.js's Parcel glob import", () => {
  it('becomes a nested object of URLs keyed by folders and file names', async () => {
    assert.deepEqual(splitGlob('../images/**/*.png'), { base: '../images', glob: '**/*.png' });
    const base = '/g/images';
    const files = ['/g/images/arenas/0/arena.png', '/g/images/fighters/kano/left/stand/0.png'];
    const tree = globTree(base, files, (f) => `/mkjs/${path.relative('/g', f)}`);
    assert.deepEqual(tree, {
      arenas: { 0: { arena: '/mkjs/images/arenas/0/arena.png' } },
      fighters: { kano: { left: { stand: { 0: '/mkjs/images/fighters/kano/left/stand/0.png' } } } },
    });
    assert.match(globModule(tree), /export \{ v0 as "arenas", v1 as "fighters" \}/);
  });

  it('bundles with esbuild as Parcel would', async () => {
    const dir = tempDir('kombat-glob-');
    for (const f of ['game/images/arenas/1/arena.png', 'game/images/fighters/subzero/right/win/3.png']) {
      await fs.mkdir(path.dirname(path.join(dir, f)), { recursive: true });
      await fs.writeFile(path.join(dir, f), 'png');
    }
    await fs.mkdir(path.join(dir, 'game/src'));
    await fs.writeFile(
      path.join(dir, 'game/src/entry.js'),
      "import * as images from '../images/**/*.png';\nmodule.exports = images;\n",
    );
    const out = await build({
      entryPoints: [path.join(dir, 'game/src/entry.js')],
      bundle: true,
      write: false,
      format: 'cjs',
      plugins: [globPlugin(dir, '/mkjs/')],
      logLevel: 'silent',
    });
    const module = { exports: {} as Record<string, unknown> };
    new Function('module', 'exports', out.outputFiles[0].text)(module, module.exports);
    assert.equal(
      (module.exports.fighters as Record<string, Record<string, Record<string, Record<string, string>>>>).subzero.right
        .win[3],
      '/mkjs/game/images/fighters/subzero/right/win/3.png',
    );
    await fs.rm(dir, { recursive: true, force: true });
  });

  it('a folder that is not MK.js gets a message saying where to get it', async () => {
    await assert.rejects(
      checkMkjs(root),
      /is not the mk\/ folder of MK\.js \(game\/src\/mk\.js is missing\).*git clone/,
    );
  });

  it("the article's MK.js builds and its images are served", {
    skip: !existsSync(mkjsDir) && `skipped: ${mkjsDir} is absent`,
  }, async () => {
    const dir = tempDir('kombat-mk-');
    const page = await buildPage({ out: path.join(dir, 'page'), mkjs: mkjsDir });
    assert.ok(page.files.includes('mk.js') && page.files.includes('mk.html'));
    assert.match(await fs.readFile(path.join(page.dir, 'mk.html'), 'utf8'), /<script src="\/mk\.js"><\/script>/);
    const server = await startServer({ pageDir: page.dir, port: 0, mkjs: mkjsDir });
    try {
      const bundle = await fs.readFile(path.join(page.dir, 'mk.js'), 'utf8');
      const url = /"(\/mkjs\/game\/images\/fighters\/kano\/left\/stand\/0\.png)"/.exec(bundle)?.[1];
      assert.ok(url, 'the bundle has no URL for kano/left/stand/0.png');
      const response = await fetch(new URL(url, server.url));
      assert.equal(response.status, 200);
      assert.equal(response.headers.get('content-type'), 'image/png');
    } finally {
      await server.close();
      await fs.rm(dir, { recursive: true, force: true });
    }
  });
});

describe('kombat serve and kombat synth on the command line', () => {
  const kombat = (...args: string[]) =>
    spawnSync('node', [path.join(root, 'bin', 'kombat.js'), ...args], { encoding: 'utf8' });

  it('bad options are named', () => {
    const notMk = kombat('serve', '--mkjs', root, '--port', '0');
    assert.equal(notMk.status, 1);
    assert.match(notMk.stderr, /is not the mk\/ folder of MK\.js/);
    const badPort = kombat('serve', '--port', '70000');
    assert.notEqual(badPort.status, 0);
    assert.match(badPort.stderr, /port 70000 is not 0\.\.65535/);
    const badScript = kombat('synth', '--out', tempDir(), '--script', 'punch,dance');
    assert.match(badScript.stderr, /"dance" is not a clip part; use a comma-separated list of punch, kick, other/);
    assert.throws(() => parseScript('jump'), /"jump" is not a clip part/);
  });

  it('scripted y4m clips for one person: only that part, reproducible bytes', async () => {
    const render = (out: string) =>
      renderRecordings({ out, clipsPerSubject: 1, only: ['s11'], script: ['kick'], format: 'y4m', workers: 0 });
    const [a, b] = await Promise.all([render(tempDir()), render(tempDir())]);
    assert.deepEqual(
      a.subjects.map((s) => s.id),
      ['s11'],
    );
    const clip = a.clips[0];
    assert.equal(clip.file, 's11_c01.y4m');
    assert.equal(clip.counts.punch, 0, 'a kick-only clip has no punch frames');
    assert.ok(clip.counts.kick > 0);
    const video = await fs.readFile(path.join(a.dir, clip.file));
    assert.match(video.subarray(0, 40).toString('latin1'), /^YUV4MPEG2 W320 H180 F12:1/);
    assert.ok(video.equals(await fs.readFile(path.join(b.dir, clip.file))), 'same seed, different bytes');
    await assert.rejects(
      renderRecordings({ out: tempDir(), only: ['s99'], format: 'y4m' }),
      /no person s99 among the 12 people \(s01\.\.s12\)/,
    );
  });
});
