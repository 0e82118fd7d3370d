// The decoder is part of what a feature means: the feature cache is keyed by the image's bytes, so
// the same bytes must always give the same pixels, in every thread. sharp (libjpeg-turbo) is the one
// decoder in Node: about 6 ms for a 640x360 frame here against 35 ms for jpeg-js, and the two do not
// agree (on this fixture jpeg-js differs in 94% of the bytes, by up to 124 levels: chroma upsampling).
// A sharp upgrade that changes pixels fails here: then the cache must be invalidated.
import * as assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import * as jpeg from 'jpeg-js';
import { decodeImage } from '../src/image/decode';

const fixture = path.join(__dirname, 'fixtures', 'frame.jpg');

test("sharp's pixels of a fixed JPEG are pinned, and they are not jpeg-js's", async () => {
  const bytes = readFileSync(fixture);
  const image = await decodeImage(bytes, fixture);
  assert.deepEqual([image.width, image.height], [96, 54]);
  const sha = createHash('sha256').update(image.data).digest('hex');
  assert.equal(sha, 'f584a78e865bcc18a518029d28a6c12870f0437bfd3df49f65d31fd9a526a135');
  const other = jpeg.decode(bytes, { useTArray: true, formatAsRGBA: false });
  assert.notEqual(createHash('sha256').update(other.data).digest('hex'), sha);
});
