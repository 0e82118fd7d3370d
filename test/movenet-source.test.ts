// MoveNet's sources, in the order MobileNet's are tried: MOVENET_URL, the cache, else a download
// from the official URL (a local server stands in for TF Hub) renamed into the cache, never a
// half-downloaded model under the final name. A file of its own: MOVENET_URL stays unset here.
import * as assert from 'node:assert/strict';
import { existsSync, readdirSync, rmSync } from 'node:fs';
import * as path from 'node:path';
import { after, test } from 'node:test';
import { loadMoveNet, movenetCachePath, resolveMoveNet } from '../src/pose/source';
import { readSettings } from '../src/settings';
import { modelServer, needsMoveNet, sharedMobileNet, sharedMoveNet, tempDir } from './helpers';

const root = tempDir('kombat-movenet-source-');
after(() => rmSync(root, { recursive: true, force: true }));

test('MoveNet: MOVENET_URL first, then the cache, else a download renamed into the cache', {
  skip: needsMoveNet,
}, async () => {
  const cacheDir = path.join(root, 'movenet-cache');
  const { movenetUrl } = readSettings({ MOVENET_URL: `file://${sharedMoveNet}` });
  assert.deepEqual(await resolveMoveNet({ url: movenetUrl, cacheDir }), { kind: 'explicit', location: sharedMoveNet });
  const broken = await modelServer(sharedMoveNet, 'movenet-lightning.bin');
  await assert.rejects(
    resolveMoveNet({ cacheDir, officialUrl: `${broken.baseUrl}/movenet` }),
    /MoveNet SinglePose Lightning is not cached in .* and downloading .* failed .*set MOVENET_URL/,
  );
  await broken.close();
  assert.equal(existsSync(movenetCachePath(cacheDir)), false, 'no half-downloaded model under the final name');
  assert.deepEqual(readdirSync(cacheDir), [], 'temporary folder removed');
  const ok = await modelServer(sharedMoveNet);
  const got = await resolveMoveNet({ cacheDir, officialUrl: `${ok.baseUrl}/movenet` });
  assert.equal(got.kind, 'download');
  assert.deepEqual(ok.requests, ['/movenet/model.json', '/movenet/movenet-lightning.bin']);
  assert.equal((await resolveMoveNet({ cacheDir, officialUrl: `${ok.baseUrl}/movenet` })).kind, 'cache');
  assert.equal(ok.requests.length, 2, 'the second time comes from the cache');
  await ok.close();
  const model = await loadMoveNet({ url: got.location });
  assert.deepEqual(model.inputs[0].shape, [1, 192, 192, 3]);
  model.dispose();
  await assert.rejects(loadMoveNet({ url: sharedMobileNet }), /not MoveNet SinglePose Lightning|cannot load MoveNet/);
});
