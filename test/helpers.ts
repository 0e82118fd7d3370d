// Shared test fixtures. ../shared (next to the checkout) holds the offline MobileNet and sample
// photos; tests that need it skip with a message where it is absent (a user's fresh clone).
import { existsSync, mkdtempSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { mulberry32 } from '../src/util/random';
import { type FeatureSet } from '../src/features/sets';

export const sharedDir = path.resolve(__dirname, '..', '..', 'shared');
export const sharedMobileNet = path.join(sharedDir, 'models', 'mobilenet_v1_0.75_224');
export const samplesDir = path.join(sharedDir, 'fixtures', 'imagenet-samples');

/** false when ../shared is present, else the reason to pass as node:test's `skip`. */
export const needsShared: false | string = existsSync(path.join(sharedMobileNet, 'model.json'))
  ? false
  : `skipped: ${sharedMobileNet} is absent (only CI and development machines have ../shared)`;

export function tempDir(prefix = 'kombat-test-'): string {
  return mkdtempSync(path.join(os.tmpdir(), prefix));
}

/** Three noisy clusters in 16 dimensions: a small learnable feature set for training tests. */
export function clusterFixture(n: number, seed: number, classes = ['punch', 'kick', 'other']): FeatureSet {
  const rng = mulberry32(seed);
  const d = 16;
  const x = new Float32Array(n * d);
  const y = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    y[i] = i % classes.length;
    for (let j = 0; j < d; j++) x[i * d + j] = (j % classes.length === y[i] ? 1 : 0) + (rng() - 0.5) * 1.5;
  }
  return { x, featureSize: d, y, classes };
}
