// Node: frames with their detected skeletons drawn on, as one grid image (chapter 09's figure of
// what MoveNet sees on rendered people).
import sharp from 'sharp';
import { type RgbImage, readImage } from '../image/decode';
import { makeGrid } from '../image/grid';
import {
  type BodyKeypoints,
  KEYPOINT_COUNT,
  KP,
  keypointScore,
  keypointX,
  keypointY,
  MIN_KEYPOINT_SCORE,
} from './keypoints';

/** Bones drawn between keypoints: the person's left side blue, right side orange, the rest white. */
const BONES: [keyof typeof KP, keyof typeof KP][] = [
  ['leftShoulder', 'rightShoulder'],
  ['leftHip', 'rightHip'],
  ['leftShoulder', 'leftHip'],
  ['rightShoulder', 'rightHip'],
  ['leftShoulder', 'leftElbow'],
  ['leftElbow', 'leftWrist'],
  ['rightShoulder', 'rightElbow'],
  ['rightElbow', 'rightWrist'],
  ['leftHip', 'leftKnee'],
  ['leftKnee', 'leftAnkle'],
  ['rightHip', 'rightKnee'],
  ['rightKnee', 'rightAnkle'],
  ['nose', 'leftEye'],
  ['nose', 'rightEye'],
];

export function skeletonSvg(k: BodyKeypoints, minScore = MIN_KEYPOINT_SCORE): string {
  const stroke = Math.max(1, Math.round(Math.max(k.width, k.height) / 250));
  let svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${k.width}" height="${k.height}">`;
  for (const [a, b] of BONES) {
    const [i, j] = [KP[a], KP[b]];
    if (keypointScore(k, i) < minScore || keypointScore(k, j) < minScore) continue;
    const colour =
      a.startsWith('left') && b.startsWith('left')
        ? '#4aa3ff'
        : a.startsWith('right') && b.startsWith('right')
          ? '#ff9f1c'
          : '#ffffff';
    const [x1, y1, x2, y2] = [keypointX(k, i), keypointY(k, i), keypointX(k, j), keypointY(k, j)].map((v) =>
      v.toFixed(1),
    );
    svg += `<line x1="${x1}" y1="${y1}" x2="${x2}" y2="${y2}" stroke="${colour}" stroke-width="${stroke}"/>`;
  }
  for (let i = 0; i < KEYPOINT_COUNT; i++) {
    const seen = keypointScore(k, i) >= minScore;
    const [cx, cy] = [keypointX(k, i).toFixed(1), keypointY(k, i).toFixed(1)];
    svg += `<circle cx="${cx}" cy="${cy}" r="${stroke * 1.5}" fill="${seen ? '#ffe14d' : '#888888'}"/>`;
  }
  return `${svg}</svg>`;
}

/** The image with the skeleton drawn over it. */
export async function withSkeleton(image: RgbImage, k: BodyKeypoints): Promise<RgbImage> {
  const { data, info } = await sharp(Buffer.from(image.data), {
    raw: { width: image.width, height: image.height, channels: 3 },
  })
    .composite([{ input: Buffer.from(skeletonSvg(k)) }])
    .removeAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true });
  return { data: new Uint8Array(data.buffer, data.byteOffset, data.length), width: info.width, height: info.height };
}

/** A grid of frames (all the same size) with their skeletons. */
export async function skeletonGrid(files: string[], keypoints: BodyKeypoints[], columns = 4): Promise<RgbImage> {
  const tiles: RgbImage[] = [];
  for (let i = 0; i < files.length; i++) tiles.push(await withSkeleton(await readImage(files[i]), keypoints[i]));
  return makeGrid(tiles, { columns });
}
