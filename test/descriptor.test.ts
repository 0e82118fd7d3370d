// The pose descriptors' exact values: cached pose features and shipped models were computed with them,
// so a change of the code must not change a single bit. fixtures/pose-descriptors.json holds keypoint
// sets (seeded random bodies and scatters, and edge cases: nothing seen, zero-length segments, no body
// scale, one shoulder, clipped points, scores at the threshold) with the v1 and v2 descriptors that the
// code of bdad35e computed for them, as Float32 bytes.
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import {
  POSE_DESCRIPTOR_SIZE,
  POSE_DESCRIPTOR_V2_SIZE,
  poseDescriptor,
  poseDescriptorV2,
} from '../src/pose/descriptor';
import type { BodyKeypoints } from '../src/pose/keypoints';

interface DescriptorCase {
  name: string;
  width: number;
  height: number;
  minScore: number;
  /** base64 of Float32 bytes, in lines (joined before decoding). */
  points: string[];
  v1: string[];
  v2: string[];
}

const fixture: { cases: DescriptorCase[] } = JSON.parse(
  readFileSync(path.join(__dirname, 'fixtures', 'pose-descriptors.json'), 'utf8'),
);

const floats = (lines: string[]): Float32Array => {
  const bytes = Buffer.from(lines.join(''), 'base64');
  return new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
};

/** Equal bit for bit (0 and -0 differ); the message names the case and the first value that differs. */
function assertSameBits(actual: Float32Array, expected: Float32Array, what: string): void {
  assert.equal(actual.length, expected.length, `${what}: ${actual.length} values, expected ${expected.length}`);
  const a = Buffer.from(actual.buffer, actual.byteOffset, actual.byteLength);
  const e = Buffer.from(expected.buffer, expected.byteOffset, expected.byteLength);
  if (a.equals(e)) return;
  const i = actual.findIndex((v, j) => !Object.is(v, expected[j]));
  const show = (v: number) => (Object.is(v, -0) ? '-0' : String(v));
  assert.fail(`${what}: value ${i} is ${show(actual[i])}, was ${show(expected[i])}`);
}

test('pose descriptors v1 and v2: bit for bit the values the shipped models were trained on', () => {
  assert.ok(fixture.cases.length >= 40, `only ${fixture.cases.length} cases in the fixture`);
  for (const c of fixture.cases) {
    const k: BodyKeypoints = { width: c.width, height: c.height, points: floats(c.points) };
    const v1 = floats(c.v1);
    const v2 = floats(c.v2);
    assert.equal(v1.length, POSE_DESCRIPTOR_SIZE);
    assert.equal(v2.length, POSE_DESCRIPTOR_V2_SIZE);
    assertSameBits(poseDescriptor(k, c.minScore), v1, `v1 of "${c.name}"`);
    assertSameBits(poseDescriptorV2(k, c.minScore), v2, `v2 of "${c.name}"`);
  }
});
