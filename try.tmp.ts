import { readLabels } from './src/data/labels';
import { openGame, measurePlay } from './src/serve/headless';
(async () => {
  const labels = await readLabels('/tmp/clips/recordings/s05_c01.labels.csv');
  const t0 = Date.now();
  const s = await openGame({ video: '/tmp/clips/recordings/s05_c01.y4m', path: process.argv[2] ?? '' });
  console.log('open', Date.now() - t0);
  const m = await measurePlay(s, Number(process.argv[3] ?? 32));
  const log = await s.page.evaluate(() => window.kombatPage.log);
  const dur = 325 / 12;
  const rows = log.map((e) => ({ t: e.videoTime % dur, f: e.fired ?? '', m: e.move, p: Object.values(e.probabilities).map((v) => v.toFixed(2)).join(' ') }));
  for (const r of rows) {
    const l = labels.find((x) => x.start <= r.t && r.t < x.end)?.label;
    console.log(r.t.toFixed(2), (l ?? '').padEnd(9), r.f.padEnd(8), r.m.padEnd(6), r.p);
  }
  console.log(m.backend, m.ticksInTime, m.ticks, JSON.stringify(m.tensors), s.errors);
  const sorted = [...m.msPerFrame].sort((a, b) => a - b);
  console.log('ms', sorted[0], sorted[sorted.length >> 1], sorted.at(-1));
  await s.page.screenshot({ path: '/tmp/play.png' });
  await s.close();
})();
