// Draws a posed subject as an SVG fragment: limbs as shaded tapered capsules, a torso with
// clothing (plain / stripes / checks), a head with hair and a face, hands and shoes.
// Pure string building so the browser game can use it as well as the Node renderer.
import { type Joints, type Pose, solvePose } from './pose';
import { type Skeleton, type Subject, skeletonOf } from './subject';
import { add, scale, sub, type Vec3 } from './vec';

export interface View {
  /** Degrees added to the pose's yaw (0 front, ±45 three-quarter, ±90 side). */
  yaw: number;
  /** Pixels per metre at depth z = 0. */
  scale: number;
  /** Screen position of the world origin (floor point x = 0, z = 0). */
  x: number;
  y: number;
  /** Camera distance (metres) for the mild perspective; default 3.5. */
  cameraDistance?: number;
  /** Camera height above the floor (metres); default 1.1. */
  cameraHeight?: number;
}

export interface DrawOptions {
  /** Prefix for gradient / pattern ids; use a distinct one per body in one SVG document. */
  idPrefix?: string;
  /** Direction toward the light in screen coordinates (y down); default upper left. */
  light?: { x: number; y: number };
  /** Soft shadow ellipse on the floor; default true. */
  shadow?: boolean;
}

// ---- colours ----

function rgb(hex: string): [number, number, number] {
  const h = hex.replace('#', '');
  return [parseInt(h.slice(0, 2), 16), parseInt(h.slice(2, 4), 16), parseInt(h.slice(4, 6), 16)];
}
function hex(c: [number, number, number]): string {
  return (
    '#' +
    c
      .map((v) =>
        Math.max(0, Math.min(255, Math.round(v)))
          .toString(16)
          .padStart(2, '0'),
      )
      .join('')
  );
}
export function mix(a: string, b: string, t: number): string {
  const x = rgb(a);
  const y = rgb(b);
  return hex([x[0] + (y[0] - x[0]) * t, x[1] + (y[1] - x[1]) * t, x[2] + (y[2] - x[2]) * t]);
}
const lighten = (c: string, t: number): string => mix(c, '#ffffff', t);
const darken = (c: string, t: number): string => mix(c, '#000000', t);

const f1 = (n: number): string => (Math.round(n * 10) / 10).toString();

interface P2 {
  x: number;
  y: number;
  /** Perspective factor (1 at z = 0). */
  k: number;
  z: number;
}

interface Paint {
  colour: string;
  /** Pattern id to fill with (shading drawn on top), if any. */
  pattern?: string;
}

class Painter {
  readonly defs: string[] = [];
  readonly items: { z: number; svg: string }[] = [];
  private n = 0;
  constructor(
    readonly id: string,
    readonly light: { x: number; y: number },
  ) {}

  nextId(kind: string): string {
    return `${this.id}${kind}${this.n++}`;
  }

  /** A gradient across the direction (nx, ny) centred at (cx, cy) with half-width r. */
  shade(cx: number, cy: number, nx: number, ny: number, r: number, colour: string, overlay: boolean): string {
    const s = nx * this.light.x + ny * this.light.y >= 0 ? 1 : -1;
    const id = this.nextId('g');
    const x1 = cx + nx * r * s;
    const y1 = cy + ny * r * s;
    const x2 = cx - nx * r * s;
    const y2 = cy - ny * r * s;
    const stops = overlay
      ? '<stop offset="0" stop-color="#fff" stop-opacity="0.32"/><stop offset="0.45" stop-color="#fff" ' +
        'stop-opacity="0"/><stop offset="1" stop-color="#000" stop-opacity="0.45"/>'
      : `<stop offset="0" stop-color="${lighten(colour, 0.28)}"/><stop offset="0.42" ` +
        `stop-color="${colour}"/><stop offset="1" stop-color="${darken(colour, 0.5)}"/>`;
    this.defs.push(
      `<linearGradient id="${id}" gradientUnits="userSpaceOnUse" x1="${f1(x1)}" y1="${f1(y1)}" x2="${f1(x2)}" ` +
        `y2="${f1(y2)}">${stops}</linearGradient>`,
    );
    return id;
  }

  /** Fill attribute(s) for a shape: plain gradient, or pattern + shading overlay. */
  filled(d: string, paint: Paint, cx: number, cy: number, nx: number, ny: number, r: number): string {
    if (paint.pattern) {
      const g = this.shade(cx, cy, nx, ny, r, paint.colour, true);
      return `<path d="${d}" fill="url(#${paint.pattern})"/><path d="${d}" fill="url(#${g})"/>`;
    }
    const g = this.shade(cx, cy, nx, ny, r, paint.colour, false);
    return `<path d="${d}" fill="url(#${g})"/>`;
  }

  /** Tapered capsule from a (radius ra, metres) to b (radius rb) as a path with shading. */
  capsule(a: P2, b: P2, ra: number, rb: number, paint: Paint, pxPerM: number): string {
    const RA = ra * a.k * pxPerM;
    const RB = rb * b.k * pxPerM;
    let dx = b.x - a.x;
    let dy = b.y - a.y;
    const len = Math.hypot(dx, dy);
    if (len < 0.3) {
      dx = 0;
      dy = 1;
    } else {
      dx /= len;
      dy /= len;
    }
    const nx = -dy;
    const ny = dx;
    const d =
      `M${f1(a.x + nx * RA)} ${f1(a.y + ny * RA)}L${f1(b.x + nx * RB)} ${f1(b.y + ny * RB)}` +
      `A${f1(RB)} ${f1(RB)} 0 0 0 ${f1(b.x - nx * RB)} ${f1(b.y - ny * RB)}` +
      `L${f1(a.x - nx * RA)} ${f1(a.y - ny * RA)}A${f1(RA)} ${f1(RA)} 0 0 0 ${f1(a.x + nx * RA)} ${f1(a.y + ny * RA)}Z`;
    return this.filled(d, paint, (a.x + b.x) / 2, (a.y + b.y) / 2, nx, ny, Math.max(RA, RB));
  }

  add(z: number, svg: string): void {
    this.items.push({ z, svg });
  }
}

/**
 * SVG fragment (a <g> with its own <defs>) of `subject` in `pose`, seen from `view`.
 * Limbs are depth-sorted, so arms reaching toward the camera cover the torso.
 */
export function drawBody(pose: Pose, subject: Subject, view: View, options: DrawOptions = {}): string {
  const sk = skeletonOf(subject);
  const J = solvePose(pose, sk, view.yaw);
  const D = view.cameraDistance ?? 3.5;
  const camH = view.cameraHeight ?? 1.1;
  const S = view.scale;
  const light = options.light ?? { x: -0.6, y: -0.8 };
  const p = new Painter(options.idPrefix ?? `b${subject.id}`, light);

  const proj = (v: Vec3): P2 => {
    const k = D / Math.max(0.5, D - v.z);
    return { x: view.x + S * v.x * k, y: view.y - S * (camH + (v.y - camH) * k), k, z: v.z };
  };
  const skin: Paint = { colour: subject.skin };

  // Clothing paints, with stripes / checks as patterns oriented along the torso.
  const N = proj(J.neck);
  const P = proj(J.pelvis);
  const spineAngle = (Math.atan2(P.y - N.y, P.x - N.x) * 180) / Math.PI - 90;
  const garmentPaint = (g: Subject['top'] | Subject['bottom'], key: string): Paint => {
    if (g.pattern === 'plain') return { colour: g.colour };
    const id = `${p.id}${key}`;
    const period = Math.max(2, 0.07 * sk.height * S * 0.5);
    const inner =
      g.pattern === 'stripes'
        ? `<rect width="${f1(period)}" height="${f1(period)}" fill="${g.colour}"/><rect width="${f1(period)}" ` +
          `height="${f1(period * 0.45)}" fill="${g.patternColour}"/>`
        : `<rect width="${f1(period)}" height="${f1(period)}" fill="${g.colour}"/><rect width="${f1(period / 2)}" ` +
          `height="${f1(period / 2)}" fill="${g.patternColour}"/><rect x="${f1(period / 2)}" ` +
          `y="${f1(period / 2)}" width="${f1(period / 2)}" height="${f1(period / 2)}" fill="${g.patternColour}"/>`;
    p.defs.push(
      `<pattern id="${id}" patternUnits="userSpaceOnUse" width="${f1(period)}" height="${f1(period)}" ` +
        `patternTransform="translate(${f1(N.x)} ${f1(N.y)}) rotate(${f1(spineAngle)})">${inner}</pattern>`,
    );
    return { colour: g.colour, pattern: id };
  };
  const top = garmentPaint(subject.top, 'top');
  const bottom = garmentPaint(subject.bottom, 'bot');
  const shoe: Paint = {
    colour: subject.shoes.kind === 'socks' ? lighten(subject.shoes.colour, 0.3) : subject.shoes.colour,
  };
  const R = sk.radius;

  // Shadow on the floor.
  if (options.shadow !== false) {
    const c = proj({ x: (J.ankleL.x + J.ankleR.x) / 2, y: 0, z: (J.ankleL.z + J.ankleR.z) / 2 });
    const w = Math.max(Math.abs(J.toeL.x - J.toeR.x), Math.abs(J.heelL.x - J.heelR.x), 0.25) * 0.7 + 0.12;
    p.add(
      -1e9,
      `<ellipse cx="${f1(c.x)}" cy="${f1(c.y)}" rx="${f1(w * S * c.k)}" ry="${f1(0.05 * S * c.k)}" fill="#000" ` +
        `opacity="0.28"/>`,
    );
  }

  const torsoZ = (J.neck.z + J.pelvis.z) / 2;

  // Legs.
  for (const side of ['L', 'R'] as const) {
    const hip = J[`hip${side}`];
    const knee = J[`knee${side}`];
    const ankle = J[`ankle${side}`];
    const Hp = proj(hip);
    const K = proj(knee);
    const A = proj(ankle);
    const bias = -0.03;
    const shorts = subject.bottom.kind === 'shorts';
    let thigh = p.capsule(Hp, K, R.thigh[0], R.thigh[1] * 1.05, shorts ? skin : bottom, S);
    if (shorts) {
      const hem = proj(add(hip, scale(sub(knee, hip), 0.62)));
      thigh += p.capsule(Hp, hem, R.thigh[0] * 1.06, R.thigh[1] * 1.25, bottom, S);
    }
    let shin = p.capsule(K, A, R.shin[0], R.shin[1], shorts ? skin : bottom, S);
    if (subject.shoes.kind === 'boots')
      shin += p.capsule(
        proj(add(ankle, scale(sub(knee, ankle), 0.28))),
        A,
        R.shin[1] * 1.25,
        R.shin[1] * 1.25,
        shoe,
        S,
      );
    const foot = p.capsule(
      proj(J[`heel${side}`]),
      proj(J[`toe${side}`]),
      R.foot * 1.05,
      R.foot * (subject.shoes.kind === 'socks' ? 0.8 : 0.95),
      shoe,
      S,
    );
    const zThigh = (hip.z + knee.z) / 2 + bias;
    const zShin = (knee.z + ankle.z) / 2 + bias;
    if (zShin > zThigh) {
      p.add(zThigh, thigh);
      p.add(zShin, shin);
    } else {
      p.add(zShin, shin);
      p.add(zThigh, thigh);
    }
    p.add((J[`heel${side}`].z + J[`toe${side}`].z) / 2 + bias + 0.001, foot);
  }
  // Pelvis block.
  p.add(J.pelvis.z - 0.02, p.capsule(proj(J.hipL), proj(J.hipR), R.thigh[0] * 1.08, R.thigh[0] * 1.08, bottom, S));

  // Torso: a tapered shape from the shoulders to the hips, its width depending on how it faces us.
  {
    const r = J.torso.r;
    const hr = J.hips.r;
    const k = (N.k + P.k) / 2;
    const ws = Math.hypot((sk.shoulderHalf + R.upperArm[0] * 0.6) * r.x, sk.chestDepth * r.z) * S * k;
    const ww = Math.hypot(sk.waistHalf * 1.02 * r.x, sk.chestDepth * 0.95 * r.z) * S * k;
    const wh = Math.hypot((sk.hipHalf + R.thigh[0] * 0.95) * hr.x, sk.chestDepth * 1.05 * hr.z) * S * k;
    const T = proj(add(J.neck, scale(J.torso.u, -0.035 * sk.height)));
    const B = proj(add(J.pelvis, scale(J.torso.u, -0.02 * sk.height)));
    let dx = B.x - T.x;
    let dy = B.y - T.y;
    const len = Math.hypot(dx, dy) || 1;
    dx /= len;
    dy /= len;
    const nx = -dy;
    const ny = dx;
    const W = { x: T.x + (B.x - T.x) * 0.62, y: T.y + (B.y - T.y) * 0.62 };
    const pt = (c: { x: number; y: number }, w: number, s: number) => `${f1(c.x + nx * w * s)} ${f1(c.y + ny * w * s)}`;
    const cap = { x: T.x - dx * ws * 0.5, y: T.y - dy * ws * 0.5 };
    const d =
      `M${pt(T, ws, 1)}Q${pt(W, ww * 0.98, 1)} ${pt(B, wh, 1)}L${pt(B, wh, -1)}Q${pt(W, ww * 0.98, -1)} ` +
      `${pt(T, ws, -1)}Q${f1(cap.x)} ${f1(cap.y)} ${pt(T, ws, 1)}Z`;
    let svg = '';
    // Neck first (under the collar).
    svg += p.capsule(proj(J.neck), proj(add(J.neck, scale(J.torso.u, sk.neck))), R.neck, R.neck * 0.95, skin, S);
    if (subject.top.kind === 'hoodie') {
      const hood = proj(add(J.neck, scale(J.torso.f, -0.05 * sk.height)));
      svg += p.capsule(
        hood,
        proj(add(J.neck, scale(J.torso.u, -0.04 * sk.height))),
        sk.head.width * 0.45,
        sk.head.width * 0.4,
        { colour: darken(subject.top.colour, 0.15) },
        S,
      );
    }
    svg += p.filled(d, top, (T.x + B.x) / 2, (T.y + B.y) / 2, nx, ny, Math.max(ws, wh));
    p.add(torsoZ, svg);
  }

  // Arms.
  for (const side of ['L', 'R'] as const) {
    const sh = J[`shoulder${side}`];
    const el = J[`elbow${side}`];
    const wr = J[`wrist${side}`];
    const hd = J[`hand${side}`];
    const kind = subject.top.kind;
    const upperPaint = kind === 'tank' ? skin : top;
    const forePaint = kind === 'longsleeve' || kind === 'hoodie' ? top : skin;
    const Sh = proj(sh);
    const E = proj(el);
    const W = proj(wr);
    let upper = p.capsule(Sh, E, R.upperArm[0], R.upperArm[1], kind === 'tshirt' ? skin : upperPaint, S);
    if (kind === 'tshirt')
      upper += p.capsule(
        Sh,
        proj(add(sh, scale(sub(el, sh), 0.55))),
        R.upperArm[0] * 1.12,
        R.upperArm[1] * 1.2,
        top,
        S,
      );
    const fore = p.capsule(E, W, R.forearm[0], R.forearm[1], forePaint, S);
    const shape = pose[`hand${side}`];
    let hand: string;
    const H = proj(hd);
    if (shape === 'fist') {
      const c = proj(add(wr, scale(sub(hd, wr), 0.55)));
      hand = p.capsule(W, c, R.hand * 0.9, R.hand * 1.25, skin, S);
    } else if (shape === 'point') {
      const knuckle = proj(add(wr, scale(sub(hd, wr), 0.45)));
      hand =
        p.capsule(W, knuckle, R.hand * 0.9, R.hand * 1.15, skin, S) +
        p.capsule(knuckle, H, R.hand * 0.45, R.hand * 0.35, skin, S);
    } else {
      hand = p.capsule(W, H, R.hand * 0.85, R.hand * 0.75, skin, S);
    }
    const zUpper = (sh.z + el.z) / 2;
    const zFore = (el.z + wr.z) / 2;
    const zHand = (wr.z + hd.z) / 2;
    p.add(zUpper, upper);
    p.add(zFore + (zFore >= zUpper ? 0.001 : -0.001), fore);
    p.add(zHand + (zHand >= zFore ? 0.002 : -0.002), hand);
  }

  // Head (with hair and face) as one item.
  p.add(J.head.z + 0.04, drawHead(p, J, sk, subject, proj, S));

  p.items.sort((a, b) => a.z - b.z);
  return `<g><defs>${p.defs.join('')}</defs>${p.items.map((i) => i.svg).join('')}</g>`;
}

function drawHead(p: Painter, J: Joints, sk: Skeleton, subject: Subject, proj: (v: Vec3) => P2, S: number): string {
  const { r, u, f } = J.headFrame;
  const c = proj(J.head);
  const w = sk.head.width / 2;
  const depth = sk.head.width * 0.58;
  const h = sk.head.height / 2;
  // Visible half-width: the head is deeper than wide, so profiles look longer.
  const rx = Math.hypot(w * r.x, depth * r.z) * S * c.k;
  const ry = h * S * c.k;
  const angle = (Math.atan2(u.x, u.y) * 180) / Math.PI;
  const hair = subject.hair;
  const away = Math.max(0, -f.z);
  const facing = f.z;
  const dir = (v: Vec3, m: number) => ({ x: v.x * m * S * c.k, y: -v.y * m * S * c.k });
  let svg = '';

  const behind: string[] = [];
  const front: string[] = [];
  const put = (z: number, s: string) => (z < 0 ? behind : front).push(s);
  if (hair.style === 'long') {
    const a = proj(add(J.head, scale(f, -w * 0.35)));
    const b = proj(add(add(J.neck, scale(J.torso.u, -0.07 * sk.height)), scale(f, -w * 0.5)));
    // Behind the shoulders from the front, over the back from behind.
    p.add(J.head.z - 0.15 * f.z, p.capsule(a, b, w * 1.05, w * 1.0, { colour: hair.colour }, S));
  } else if (hair.style === 'ponytail') {
    const a = proj(add(add(J.head, scale(f, -w * 0.95)), scale(u, h * 0.25)));
    const b = proj(add(add(J.head, scale(f, -w * 1.35)), scale(u, -h * 1.1)));
    put(-facing, p.capsule(a, b, w * 0.32, w * 0.18, { colour: hair.colour }, S));
  } else if (hair.style === 'bun') {
    const a = proj(add(add(J.head, scale(f, -w * 0.75)), scale(u, h * 0.65)));
    put(-facing, p.capsule(a, a, w * 0.42, w * 0.42, { colour: hair.colour }, S));
  }
  svg += behind.join('');

  // Skull.
  const g = p.shade(c.x, c.y, 1, 0, rx, subject.skin, false);
  svg +=
    `<ellipse cx="${f1(c.x)}" cy="${f1(c.y)}" rx="${f1(rx)}" ry="${f1(ry)}" transform="rotate(${f1(angle)} ` +
    `${f1(c.x)} ${f1(c.y)})" fill="url(#${g})"/>`;
  // Ear on the side we see.
  if (Math.abs(r.z) > 0.35) {
    const ear = proj(add(J.head, scale(r, r.z > 0 ? w * 0.95 : -w * 0.95)));
    svg +=
      `<ellipse cx="${f1(ear.x)}" cy="${f1(ear.y)}" rx="${f1(w * 0.22 * S * c.k)}" ` +
      `ry="${f1(h * 0.22 * S * c.k)}" fill="${darken(subject.skin, 0.15)}"/>`;
  }
  // Face.
  if (facing > 0.2) {
    const eye = (s: number) =>
      proj(add(add(add(J.head, scale(f, w * 0.85)), scale(r, s * w * 0.42)), scale(u, h * 0.02)));
    const er = Math.max(0.5, 0.1 * w * S * c.k);
    for (const s of [-1, 1]) {
      const e = eye(s);
      // Eyes on the far side of a turned head are hidden.
      if (s * r.z < -0.55) continue;
      svg += `<circle cx="${f1(e.x)}" cy="${f1(e.y)}" r="${f1(er)}" fill="#2a1d18" opacity="0.85"/>`;
    }
    const m = proj(add(add(J.head, scale(f, w * 0.9)), scale(u, -h * 0.48)));
    svg +=
      `<ellipse cx="${f1(m.x)}" cy="${f1(m.y)}" ` +
      `rx="${f1(Math.max(0.5, w * 0.28 * S * c.k * Math.max(0.3, facing)))}" ` +
      `ry="${f1(Math.max(0.3, h * 0.05 * S * c.k))}" fill="${darken(subject.skin, 0.45)}"/>`;
  }
  if (Math.abs(r.z) > 0.6 && facing > -0.3) {
    // Nose in profile.
    const n0 = proj(add(J.head, scale(f, w * 1.05)));
    const n1 = proj(add(add(J.head, scale(f, w * 1.28)), scale(u, -h * 0.15)));
    svg += p.capsule(n0, n1, w * 0.12, w * 0.08, { colour: subject.skin }, S);
  }
  // Hair cap clipped to a slightly enlarged skull.
  if (hair.style !== 'bald') {
    const volume = hair.style === 'curly' ? 1.22 : hair.style === 'buzz' ? 1.0 : hair.style === 'long' ? 1.12 : 1.08;
    const colour = hair.style === 'buzz' ? mix(hair.colour, subject.skin, 0.35) : hair.colour;
    const clip = p.nextId('c');
    // Shift the cap up (front view) or back (profile) so the face stays bare; from behind it covers all.
    const prof = Math.sqrt(Math.max(0, 1 - f.z * f.z));
    const line = hair.style === 'long' ? 0.92 : hair.style === 'buzz' ? 1.08 : 1;
    const back = dir(f, -depth * 0.75 * prof * line);
    const up = dir(u, h * (1.25 - 0.75 * prof) * (1 - away) * line);
    const cx = c.x + back.x + up.x;
    const cy = c.y + back.y + up.y;
    svg +=
      `<clipPath id="${clip}"><ellipse cx="${f1(c.x)}" cy="${f1(c.y - ry * (volume - 1) * 0.6)}" ` +
      `rx="${f1(rx * volume)}" ry="${f1(ry * volume)}" transform="rotate(${f1(angle)} ${f1(c.x)} ` +
      `${f1(c.y)})"/></clipPath>`;
    const hg = p.shade(c.x, c.y, 0.5, -0.87, ry * 1.2, colour, false);
    svg +=
      `<ellipse clip-path="url(#${clip})" cx="${f1(cx)}" cy="${f1(cy)}" rx="${f1(rx * 1.15)}" ` +
      `ry="${f1(ry * 1.05)}" transform="rotate(${f1(angle)} ${f1(cx)} ${f1(cy)})" fill="url(#${hg})"/>`;
    if (hair.style === 'curly') {
      for (let i = -2; i <= 2; i++) {
        const q = proj(
          add(add(J.head, scale(u, h * 0.95 * Math.cos(i * 0.5))), scale(r, w * 1.05 * Math.sin(i * 0.5))),
        );
        svg += `<circle cx="${f1(q.x)}" cy="${f1(q.y)}" r="${f1(w * 0.32 * S * c.k)}" fill="${colour}"/>`;
      }
    }
  }
  svg += front.join('');
  return svg;
}
