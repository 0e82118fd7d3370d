// Shared test fixtures. ../shared (next to the checkout) holds the offline MobileNet and sample
// photos; tests that need it skip with a message where it is absent (a user's fresh clone).
import { existsSync, mkdtempSync } from 'fs';
import * as os from 'os';
import * as path from 'path';

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
