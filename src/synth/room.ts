// Procedural indoor backgrounds: a back wall, a floor in perspective, an optional side wall, and
// furniture, doors, windows and posters picked per room kind. Returned as one SVG document.
import { type Rng, range } from '../util/random';

export const ROOM_KINDS = [
  'living',
  'bedroom',
  'office',
  'kitchen',
  'hallway',
  'garage',
  'gym',
  'classroom',
  'studio',
] as const;
export type RoomKind = (typeof ROOM_KINDS)[number];

export interface Camera {
  /** Pixels per metre at depth 0 (the subject's floor line). */
  scale: number;
  /** Screen x of world x = 0 and screen y of the floor at z = 0. */
  x: number;
  y: number;
  distance: number;
  height: number;
}

export interface Room {
  kind: RoomKind;
  svg: string;
}

const f1 = (n: number): string => (Math.round(n * 10) / 10).toString();
const pick = <T>(rng: Rng, xs: readonly T[]): T => xs[Math.floor(rng() * xs.length)];

function shade(hex: string, t: number): string {
  const h = hex.replace('#', '');
  const c = [0, 2, 4].map((i) => parseInt(h.slice(i, i + 2), 16));
  const to = t >= 0 ? 255 : 0;
  const a = Math.abs(t);
  return (
    '#' +
    c
      .map((v) =>
        Math.round(v + (to - v) * a)
          .toString(16)
          .padStart(2, '0'),
      )
      .join('')
  );
}

const WALLS = [
  '#e8e2d5',
  '#d9d4c7',
  '#c9d6df',
  '#e6d3b3',
  '#b7c9a8',
  '#f0ebe3',
  '#d6c2c2',
  '#a9b8c9',
  '#efe6cf',
  '#c4b7a6',
  '#8fa3a8',
  '#dcdcdc',
];
const WOODS = ['#a0703f', '#8a5a33', '#c49a6c', '#6e4b2f', '#b5895a', '#d2b48c'];
const FABRIC = ['#7d4f50', '#3e5c76', '#6b8f71', '#8a8a8a', '#c2a878', '#4b3b47', '#a4493d', '#2f4858', '#d4a373'];
const BRIGHT = [
  '#e63946',
  '#f1c40f',
  '#2a9d8f',
  '#264653',
  '#e76f51',
  '#8338ec',
  '#3a86ff',
  '#ffbe0b',
  '#06d6a0',
  '#ef476f',
  '#118ab2',
  '#073b4c',
];

interface Ctx {
  rng: Rng;
  W: number;
  H: number;
  /** Screen y of the wall-floor line, and pixels per metre on the back wall. */
  base: number;
  m: number;
  defs: string[];
  n: number;
}

function gradId(c: Ctx, top: string, bottom: string, vertical = true): string {
  const id = `rg${c.n++}`;
  c.defs.push(
    `<linearGradient id="${id}" x1="0" y1="0" x2="${vertical ? 0 : 1}" y2="${vertical ? 1 : 0}"><stop offset="0" ` +
      `stop-color="${top}"/><stop offset="1" stop-color="${bottom}"/></linearGradient>`,
  );
  return id;
}

/** A rectangle standing on the floor line at wall-x `x` (px), `w` by `h` metres. */
function box(c: Ctx, x: number, wM: number, hM: number, colour: string, lift = 0): string {
  const w = wM * c.m;
  const h = hM * c.m;
  const g = gradId(c, shade(colour, 0.12), shade(colour, -0.18));
  return (
    `<rect x="${f1(x)}" y="${f1(c.base - lift * c.m - h)}" width="${f1(w)}" height="${f1(h)}" ` +
    `rx="${f1(Math.min(w, h) * 0.04)}" fill="url(#${g})"/>`
  );
}

function windowSvg(c: Ctx, x: number, y: number, w: number, h: number): string {
  const sky = gradId(
    c,
    pick(c.rng, ['#9cc9f0', '#bcd7ee', '#dfe9f2', '#f5d7a8', '#7fa9c9']),
    pick(c.rng, ['#e9f2fa', '#d8e6c9', '#f7efe0']),
  );
  let s =
    `<rect x="${f1(x - 3)}" y="${f1(y - 3)}" width="${f1(w + 6)}" height="${f1(h + 6)}" ` +
    `fill="#f4f4f0"/><rect x="${f1(x)}" y="${f1(y)}" width="${f1(w)}" height="${f1(h)}" fill="url(#${sky})"/>`;
  // Trees / buildings outside.
  for (let i = 0; i < 3; i++) {
    const bx = x + range(c.rng, 0, w * 0.8);
    s +=
      `<rect x="${f1(bx)}" y="${f1(y + h * range(c.rng, 0.4, 0.75))}" ` +
      `width="${f1(w * range(c.rng, 0.1, 0.3))}" height="${f1(h)}" ` +
      `fill="${pick(c.rng, ['#8fa38a', '#a7b1b7', '#6f8f6a', '#c9c3b6'])}" opacity="0.8"/>`;
  }
  s += `<rect x="${f1(x)}" y="${f1(y + h)}" width="${f1(w)}" height="${f1(Math.max(0, c.base - y - h))}" fill="none"/>`;
  s +=
    `<line x1="${f1(x + w / 2)}" y1="${f1(y)}" x2="${f1(x + w / 2)}" y2="${f1(y + h)}" stroke="#f4f4f0" ` +
    `stroke-width="2"/>`;
  const style = Math.floor(c.rng() * 3);
  if (style === 0) {
    const cur = pick(c.rng, FABRIC);
    s +=
      `<rect x="${f1(x - w * 0.18)}" y="${f1(y - 6)}" width="${f1(w * 0.3)}" height="${f1(h + 14)}" ` +
      `fill="${cur}" opacity="0.95"/>`;
    s +=
      `<rect x="${f1(x + w * 0.88)}" y="${f1(y - 6)}" width="${f1(w * 0.3)}" height="${f1(h + 14)}" ` +
      `fill="${shade(cur, -0.1)}" opacity="0.95"/>`;
  } else if (style === 1) {
    const down = range(c.rng, 0.2, 0.7);
    for (let yy = y; yy < y + h * down; yy += 3)
      s += `<rect x="${f1(x)}" y="${f1(yy)}" width="${f1(w)}" height="2" fill="#eeeae0"/>`;
  }
  return s;
}

function doorSvg(c: Ctx, x: number): string {
  const w = 0.9 * c.m;
  const h = 2.05 * c.m;
  const col = pick(c.rng, [...WOODS, '#f2f2f2', '#dcd6c8', '#5a6b7b']);
  let s =
    `<rect x="${f1(x - 3)}" y="${f1(c.base - h - 3)}" width="${f1(w + 6)}" height="${f1(h + 3)}" ` +
    `fill="${shade(col, 0.25)}"/>`;
  s += box(c, x, 0.9, 2.05, col);
  s +=
    `<rect x="${f1(x + w * 0.12)}" y="${f1(c.base - h * 0.92)}" width="${f1(w * 0.76)}" ` +
    `height="${f1(h * 0.38)}" fill="none" stroke="${shade(col, -0.2)}" stroke-width="1"/>`;
  s +=
    `<rect x="${f1(x + w * 0.12)}" y="${f1(c.base - h * 0.46)}" width="${f1(w * 0.76)}" ` +
    `height="${f1(h * 0.38)}" fill="none" stroke="${shade(col, -0.2)}" stroke-width="1"/>`;
  s +=
    `<circle cx="${f1(x + w * 0.86)}" cy="${f1(c.base - h * 0.48)}" r="${f1(Math.max(1, 0.03 * c.m))}" ` +
    `fill="#c8b273"/>`;
  return s;
}

function posterSvg(c: Ctx, x: number, y: number, w: number, h: number): string {
  const bg = pick(c.rng, [...BRIGHT, '#f7f7f7', '#222222']);
  let s =
    `<rect x="${f1(x)}" y="${f1(y)}" width="${f1(w)}" height="${f1(h)}" fill="${bg}" ` +
    `stroke="${pick(c.rng, ['#222', '#eee', '#8a6a45'])}" stroke-width="${c.rng() < 0.5 ? 1.5 : 0}"/>`;
  const k = Math.floor(c.rng() * 3);
  if (k === 0)
    s += `<circle cx="${f1(x + w * 0.5)}" cy="${f1(y + h * 0.4)}" r="${f1(w * 0.3)}" fill="${pick(c.rng, BRIGHT)}"/>`;
  else if (k === 1)
    s +=
      `<polygon points="${f1(x + w * 0.1)},${f1(y + h * 0.7)} ${f1(x + w * 0.5)},${f1(y + h * 0.15)} ` +
      `${f1(x + w * 0.9)},${f1(y + h * 0.7)}" fill="${pick(c.rng, BRIGHT)}"/>`;
  else
    s +=
      `<rect x="${f1(x + w * 0.15)}" y="${f1(y + h * 0.15)}" width="${f1(w * 0.7)}" height="${f1(h * 0.45)}" ` +
      `fill="${pick(c.rng, ['#6d8fa8', '#b38b6d', '#7a9a6b'])}"/>`;
  for (let i = 0; i < 2; i++)
    s +=
      `<rect x="${f1(x + w * 0.15)}" y="${f1(y + h * (0.74 + i * 0.1))}" ` +
      `width="${f1(w * range(c.rng, 0.4, 0.7))}" height="${f1(Math.max(1, h * 0.04))}" ` +
      `fill="${shade(bg, bg === '#222222' ? 0.7 : -0.5)}"/>`;
  return s;
}

function shelfSvg(c: Ctx, x: number): string {
  const wood = pick(c.rng, WOODS);
  const wM = range(c.rng, 0.7, 1.2);
  const hM = range(c.rng, 1.2, 2.0);
  let s = box(c, x, wM, hM, wood);
  const rows = Math.max(2, Math.round(hM / 0.4));
  for (let r = 0; r < rows; r++) {
    const yb = c.base - (r + 0.15) * (hM / rows) * c.m;
    let xx = x + 3;
    while (xx < x + wM * c.m - 4) {
      const bw = range(c.rng, 1.5, 4);
      const bh = (hM / rows) * c.m * range(c.rng, 0.5, 0.8);
      if (c.rng() < 0.85)
        s +=
          `<rect x="${f1(xx)}" y="${f1(yb - bh)}" width="${f1(bw)}" height="${f1(bh)}" ` +
          `fill="${pick(c.rng, [...BRIGHT, ...FABRIC])}"/>`;
      xx += bw + 0.5;
    }
    s += `<rect x="${f1(x)}" y="${f1(yb)}" width="${f1(wM * c.m)}" height="2" fill="${shade(wood, -0.3)}"/>`;
  }
  return s;
}

function sofaSvg(c: Ctx, x: number): string {
  const col = pick(c.rng, FABRIC);
  const w = range(c.rng, 1.6, 2.2);
  return (
    box(c, x, w, 0.85, shade(col, -0.08)) +
    box(c, x + 0.1 * c.m, w - 0.2, 0.45, col) +
    box(c, x - 0.05 * c.m, 0.22, 0.6, shade(col, -0.15)) +
    box(c, x + (w - 0.17) * c.m, 0.22, 0.6, shade(col, -0.15))
  );
}

function tableSvg(c: Ctx, x: number, monitor: boolean): string {
  const wood = pick(c.rng, [...WOODS, '#f0f0f0', '#333333']);
  const w = range(c.rng, 1.0, 1.6);
  let s =
    box(c, x, w, 0.05, wood, 0.72) +
    box(c, x + 0.05 * c.m, 0.05, 0.72, shade(wood, -0.2)) +
    box(c, x + (w - 0.1) * c.m, 0.05, 0.72, shade(wood, -0.2));
  if (monitor)
    s +=
      box(c, x + w * 0.3 * c.m, 0.55, 0.35, '#1d1f24', 0.9) +
      box(c, x + (w * 0.3 + 0.25) * c.m, 0.05, 0.15, '#333', 0.77);
  else s += box(c, x + w * 0.4 * c.m, 0.15, 0.25, pick(c.rng, BRIGHT), 0.77);
  return s;
}

function plantSvg(c: Ctx, x: number): string {
  const hM = range(c.rng, 0.6, 1.4);
  let s = box(c, x, 0.35, 0.35, pick(c.rng, ['#b5651d', '#eeeeee', '#555555', '#c9a27e']));
  const cx = x + 0.175 * c.m;
  for (let i = 0; i < 7; i++) {
    const lx = cx + range(c.rng, -0.3, 0.3) * c.m;
    const ly = c.base - (0.35 + range(c.rng, 0.2, hM)) * c.m;
    s +=
      `<ellipse cx="${f1(lx)}" cy="${f1(ly)}" rx="${f1(0.16 * c.m)}" ry="${f1(0.07 * c.m)}" ` +
      `transform="rotate(${f1(range(c.rng, -60, 60))} ${f1(lx)} ${f1(ly)})" ` +
      `fill="${pick(c.rng, ['#2e7d32', '#388e3c', '#1b5e20', '#558b2f'])}"/>`;
  }
  return s;
}

function lampSvg(c: Ctx, x: number): string {
  const shadeCol = pick(c.rng, ['#f5e6c8', '#ffffff', '#e0c097', '#333333']);
  return (
    box(c, x + 0.12 * c.m, 0.03, 1.5, '#444') +
    `<polygon points="${f1(x)},${f1(c.base - 1.45 * c.m)} ${f1(x + 0.27 * c.m)},${f1(c.base - 1.45 * c.m)} ` +
    `${f1(x + 0.2 * c.m)},${f1(c.base - 1.75 * c.m)} ${f1(x + 0.07 * c.m)},${f1(c.base - 1.75 * c.m)}" ` +
    `fill="${shadeCol}"/>`
  );
}

function radiatorSvg(c: Ctx, x: number): string {
  let s = box(c, x, 0.9, 0.6, '#e8e8e8', 0.1);
  for (let i = 1; i < 9; i++)
    s +=
      `<rect x="${f1(x + i * 0.1 * c.m)}" y="${f1(c.base - 0.7 * c.m)}" width="1" height="${f1(0.6 * c.m)}" ` +
      `fill="#bdbdbd"/>`;
  return s;
}

function boardSvg(c: Ctx, x: number, dark: boolean): string {
  const w = range(c.rng, 1.6, 2.6);
  let s =
    `<rect x="${f1(x - 2)}" y="${f1(c.base - 2.0 * c.m - 2)}" width="${f1(w * c.m + 4)}" ` +
    `height="${f1(1.1 * c.m + 4)}" fill="#9e9e9e"/>`;
  s +=
    `<rect x="${f1(x)}" y="${f1(c.base - 2.0 * c.m)}" width="${f1(w * c.m)}" height="${f1(1.1 * c.m)}" ` +
    `fill="${dark ? '#2f4f3f' : '#f8f8f8'}"/>`;
  for (let i = 0; i < 4; i++) {
    s +=
      `<rect x="${f1(x + range(c.rng, 0.1, 0.5) * c.m)}" y="${f1(c.base - (1.8 - i * 0.22) * c.m)}" ` +
      `width="${f1(range(c.rng, 0.4, w - 0.6) * c.m)}" height="1" ` +
      `fill="${dark ? '#dfe' : pick(c.rng, ['#1565c0', '#c62828', '#333'])}" opacity="0.8"/>`;
  }
  return s;
}

function cabinetsSvg(c: Ctx, x: number, w: number): string {
  const col = pick(c.rng, ['#f2f2f2', '#c8d6c0', '#7d9bb5', '#b08b63', '#e8dcc4', '#3d4a57']);
  let s =
    box(c, x, w, 0.9, col) + box(c, x - 0.02 * c.m, w + 0.04, 0.05, pick(c.rng, ['#333', '#8d8d8d', '#c2b280']), 0.9);
  s += box(c, x, w, 0.7, col, 1.45);
  for (let xx = 0; xx < w - 0.3; xx += 0.6) {
    s +=
      `<rect x="${f1(x + (xx + 0.05) * c.m)}" y="${f1(c.base - 0.85 * c.m)}" width="${f1(0.5 * c.m)}" ` +
      `height="${f1(0.75 * c.m)}" fill="none" stroke="${shade(col, -0.25)}" stroke-width="0.8"/>`;
    s +=
      `<rect x="${f1(x + (xx + 0.05) * c.m)}" y="${f1(c.base - 2.1 * c.m)}" width="${f1(0.5 * c.m)}" ` +
      `height="${f1(0.6 * c.m)}" fill="none" stroke="${shade(col, -0.25)}" stroke-width="0.8"/>`;
  }
  return s;
}

function bedSvg(c: Ctx, x: number): string {
  const cover = pick(c.rng, FABRIC);
  return (
    box(c, x, 2.0, 1.0, pick(c.rng, WOODS)) +
    box(c, x + 0.05 * c.m, 1.95, 0.25, cover, 0.35) +
    box(c, x + 0.15 * c.m, 0.5, 0.15, '#f5f5f5', 0.58)
  );
}

function weightsSvg(c: Ctx, x: number): string {
  let s = box(c, x, 1.2, 0.9, '#2b2b2b');
  for (let i = 0; i < 5; i++)
    s +=
      `<circle cx="${f1(x + (0.15 + i * 0.22) * c.m)}" cy="${f1(c.base - 0.5 * c.m)}" r="${f1(0.09 * c.m)}" ` +
      `fill="${pick(c.rng, ['#111', '#c62828', '#1565c0', '#555'])}"/>`;
  return s;
}

function boxesSvg(c: Ctx, x: number): string {
  let s = '';
  let lift = 0;
  for (let i = 0; i < 3; i++) {
    const w = range(c.rng, 0.4, 0.7);
    const h = range(c.rng, 0.3, 0.5);
    s += box(
      c,
      x + range(c.rng, -0.05, 0.1) * c.m,
      w,
      h,
      pick(c.rng, ['#c49a6c', '#b5895a', '#d2b48c', '#8d99ae']),
      lift,
    );
    lift += h;
  }
  return s;
}

/** Background for a clip; `cam` ties the wall-floor line to the subject's floor perspective. */
export function roomSvg(rng: Rng, W: number, H: number, cam: Camera, kind: RoomKind = pick(rng, ROOM_KINDS)): Room {
  const wallDepth = range(rng, 1.2, 2.6);
  const k = cam.distance / (cam.distance + wallDepth);
  const base = cam.y - cam.scale * cam.height * (1 - k);
  const m = cam.scale * k;
  const c: Ctx = { rng, W, H, base, m, defs: [], n: 0 };
  let wall = pick(rng, WALLS);
  if (kind === 'garage') wall = pick(rng, ['#b0b0a8', '#9e9e94', '#c9c4b8']);
  if (kind === 'gym') wall = pick(rng, ['#dfe6ea', '#2c3e50', '#e0e0e0', '#f2e6d0']);
  const wallG = gradId(c, shade(wall, range(rng, -0.1, 0.08)), shade(wall, range(rng, -0.2, 0.0)));
  let s = `<rect width="${W}" height="${f1(base + 1)}" fill="url(#${wallG})"/>`;
  // Wall texture: wallpaper stripes, bricks (studio/garage) or plain.
  if (kind === 'studio' || (kind === 'garage' && rng() < 0.5)) {
    const brick = pick(rng, ['#a0523d', '#8d4a36', '#b8674e', '#9b9b95']);
    s = `<rect width="${W}" height="${f1(base + 1)}" fill="${brick}"/>`;
    const bh = Math.max(2, 0.075 * m);
    for (let y = base, row = 0; y > -bh; y -= bh, row++) {
      s += `<rect x="0" y="${f1(y - 0.6)}" width="${W}" height="0.7" fill="#d8d0c0" opacity="0.7"/>`;
      for (let x = (row % 2) * bh * 1.5; x < W; x += bh * 3)
        s += `<rect x="${f1(x)}" y="${f1(y - bh)}" width="0.7" height="${f1(bh)}" fill="#d8d0c0" opacity="0.6"/>`;
    }
  } else if (rng() < 0.3) {
    const p = Math.max(3, range(rng, 0.08, 0.2) * m);
    const sc = shade(wall, -0.08);
    for (let x = 0; x < W; x += p * 2)
      s += `<rect x="${f1(x)}" y="0" width="${f1(p)}" height="${f1(base)}" fill="${sc}" opacity="0.6"/>`;
  }
  // Floor.
  const floorKind =
    kind === 'garage'
      ? 'concrete'
      : kind === 'kitchen' || kind === 'hallway'
        ? pick(rng, ['tiles', 'wood'])
        : kind === 'gym'
          ? pick(rng, ['mat', 'wood'])
          : pick(rng, ['wood', 'carpet', 'tiles', 'wood']);
  const floorCol =
    floorKind === 'wood'
      ? pick(rng, WOODS)
      : floorKind === 'carpet'
        ? pick(rng, ['#8c7b6b', '#6d6875', '#a39171', '#5c6b73', '#b8a88a'])
        : floorKind === 'tiles'
          ? pick(rng, ['#d9d9d9', '#c2b8a3', '#eeeeee', '#8e8e8e'])
          : floorKind === 'mat'
            ? pick(rng, ['#37474f', '#1e3a5f', '#4e342e'])
            : '#9a9a92';
  const floorG = gradId(c, shade(floorCol, -0.12), shade(floorCol, 0.06));
  s += `<rect y="${f1(base)}" width="${W}" height="${f1(H - base)}" fill="url(#${floorG})"/>`;
  const vx = cam.x;
  const vy = cam.y - cam.scale * cam.height;
  if (floorKind === 'wood' || floorKind === 'tiles') {
    const step = (floorKind === 'wood' ? 0.18 : 0.4) * m;
    for (let x = vx - 40 * step; x < vx + 40 * step; x += step) {
      // Lines converge to the vanishing point.
      const t = (H - vy) / (base - vy);
      s +=
        `<line x1="${f1(x)}" y1="${f1(base)}" x2="${f1(vx + (x - vx) * t)}" y2="${H}" ` +
        `stroke="${shade(floorCol, -0.25)}" stroke-width="0.6" opacity="0.6"/>`;
    }
    if (floorKind === 'tiles') {
      for (let z = 0.4; z < 6; z += 0.4) {
        const kk = cam.distance / (cam.distance + wallDepth - z);
        const y = cam.y - cam.scale * cam.height * (1 - kk);
        if (y < H)
          s +=
            `<line x1="0" y1="${f1(y)}" x2="${W}" y2="${f1(y)}" stroke="${shade(floorCol, -0.25)}" ` +
            `stroke-width="0.6" opacity="0.6"/>`;
      }
    }
  }
  if (floorKind === 'carpet' || rng() < 0.3) {
    const rc = pick(rng, FABRIC);
    const rw = range(rng, 1.5, 3) * cam.scale;
    const rx = cam.x + range(rng, -1, 1) * cam.scale - rw / 2;
    const y0 = (base + cam.y) / 2;
    s +=
      `<polygon points="${f1(rx + rw * 0.1)},${f1(y0)} ${f1(rx + rw * 0.9)},${f1(y0)} ` +
      `${f1(rx + rw)},${f1(cam.y + 0.3 * cam.scale)} ${f1(rx)},${f1(cam.y + 0.3 * cam.scale)}" fill="${rc}" ` +
      `opacity="0.85"/>`;
  }
  // Skirting board.
  s +=
    `<rect y="${f1(base - 0.08 * m)}" width="${W}" height="${f1(0.08 * m)}" ` +
    `fill="${shade(wall, pick(rng, [-0.25, 0.3]))}"/>`;

  // Furniture and wall items along the wall, left to right, without overlapping too much.
  const floorItems: ((x: number) => string)[] = [];
  const wallItems: ((x: number, y: number) => string)[] = [];
  const win = (x: number) =>
    windowSvg(c, x, base - range(rng, 2.0, 2.3) * m, range(rng, 0.9, 1.6) * m, range(rng, 1.0, 1.3) * m);
  const poster = (x: number, y: number) => posterSvg(c, x, y, range(rng, 0.4, 0.7) * m, range(rng, 0.55, 0.9) * m);
  const frame = (x: number, y: number) => {
    const w = range(rng, 0.3, 0.6) * m;
    const h = range(rng, 0.25, 0.5) * m;
    return (
      `<rect x="${f1(x - 2)}" y="${f1(y - 2)}" width="${f1(w + 4)}" height="${f1(h + 4)}" ` +
      `fill="${pick(rng, WOODS)}"/><rect x="${f1(x)}" y="${f1(y)}" width="${f1(w)}" height="${f1(h)}" ` +
      `fill="${pick(rng, ['#6d8fa8', '#b38b6d', '#7a9a6b', '#e0d6c2', '#9d6b8a'])}"/>`
    );
  };
  const clock = (x: number, y: number) =>
    `<circle cx="${f1(x)}" cy="${f1(y)}" r="${f1(0.15 * m)}" fill="#fafafa" stroke="#333" ` +
    `stroke-width="1.2"/><line x1="${f1(x)}" y1="${f1(y)}" x2="${f1(x + 0.08 * m)}" y2="${f1(y - 0.05 * m)}" ` +
    `stroke="#222"/>`;
  const door = (x: number) => doorSvg(c, x);
  switch (kind) {
    case 'living':
      floorItems.push(
        (x) => sofaSvg(c, x),
        (x) => plantSvg(c, x),
        (x) => lampSvg(c, x),
        (x) => shelfSvg(c, x),
      );
      wallItems.push(frame, poster, clock);
      break;
    case 'bedroom':
      floorItems.push(
        (x) => bedSvg(c, x),
        (x) => box(c, x, 0.5, 0.55, pick(rng, WOODS)),
        (x) => shelfSvg(c, x),
        (x) => lampSvg(c, x),
      );
      wallItems.push(poster, poster, frame);
      break;
    case 'office':
      floorItems.push(
        (x) => tableSvg(c, x, true),
        (x) => shelfSvg(c, x),
        (x) => plantSvg(c, x),
        (x) => box(c, x, 0.5, 1.3, '#8d99ae'),
      );
      wallItems.push((x) => boardSvg(c, x, false), clock, poster);
      break;
    case 'kitchen':
      floorItems.push(
        (x) => cabinetsSvg(c, x, range(rng, 1.8, 3)),
        (x) => box(c, x, 0.7, 1.8, pick(rng, ['#f0f0f0', '#c0c0c0', '#2b2b2b'])),
        (x) => tableSvg(c, x, false),
      );
      wallItems.push(clock, frame);
      break;
    case 'hallway':
      floorItems.push(door, door, (x) => box(c, x, 0.9, 0.9, pick(rng, WOODS)), radiatorSvg.bind(null, c));
      wallItems.push(frame, frame, poster);
      break;
    case 'garage':
      floorItems.push(
        (x) => shelfSvg(c, x),
        (x) => boxesSvg(c, x),
        (x) => box(c, x, 1.6, 1.8, '#7f8c8d'),
        (x) => boxesSvg(c, x),
      );
      wallItems.push(poster);
      break;
    case 'gym':
      floorItems.push(
        (x) => weightsSvg(c, x),
        (x) => box(c, x, 0.4, 1.1, '#b71c1c'),
        (x) => box(c, x, 1.8, 1.8, '#cfd8dc'),
      );
      wallItems.push(poster, clock);
      break;
    case 'classroom':
      floorItems.push(
        (x) => tableSvg(c, x, false),
        (x) => tableSvg(c, x, false),
        (x) => shelfSvg(c, x),
      );
      wallItems.push((x) => boardSvg(c, x, true), poster, clock);
      break;
    case 'studio':
      floorItems.push(
        (x) => sofaSvg(c, x),
        (x) => plantSvg(c, x),
        (x) => lampSvg(c, x),
        (x) => tableSvg(c, x, true),
      );
      wallItems.push(poster, frame);
      break;
  }
  // Every room has a door or a window somewhere.
  const opening = rng() < 0.55 ? win : door;
  const slots: string[] = [];
  let x = range(rng, -0.5, 0.5) * m;
  const items = [opening, ...floorItems.filter(() => rng() < 0.75)];
  // Shuffle with the room rng.
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    [items[i], items[j]] = [items[j], items[i]];
  }
  for (const item of items) {
    if (x > W) break;
    slots.push(item(x));
    x += range(rng, 1.4, 2.6) * m;
  }
  for (const item of wallItems) {
    if (rng() < 0.7) slots.unshift(item(range(rng, 0, W - 0.5 * m), base - range(rng, 1.5, 2.2) * m));
  }
  s += slots.join('');
  // Side wall on one side for a corner.
  if (rng() < 0.5) {
    const left = rng() < 0.5;
    const xw = left ? range(rng, 0.05, 0.2) * W : range(rng, 0.8, 0.95) * W;
    const side = shade(wall, -0.15);
    const pts = left
      ? `0,0 ${f1(xw)},0 ${f1(xw)},${f1(base)} 0,${H}`
      : `${W},0 ${f1(xw)},0 ${f1(xw)},${f1(base)} ${W},${H}`;
    s += `<polygon points="${pts}" fill="${side}"/>`;
  }
  // Ceiling light gradient / window light falloff.
  const lg = gradId(c, '#ffffff', '#000000', false);
  s +=
    `<rect width="${W}" height="${H}" fill="url(#${lg})" opacity="${range(rng, 0, 0.5).toFixed(2)}" ` +
    `transform="${rng() < 0.5 ? 'scale(1 1)' : `scale(-1 1) translate(${-W} 0)`}" style="mix-blend-mode:soft-light"/>`;
  return {
    kind,
    svg: `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}"><defs>${c.defs.join('')}</defs>${s}</svg>`,
  };
}
