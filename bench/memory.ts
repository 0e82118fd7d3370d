// Memory over a long feature extraction: the process's resident memory (the main thread and every
// worker thread) sampled after each batch, for `--images` entries (distinct JPEGs repeated: the
// extraction does not care) on `--workers` threads. Flat means the last tenth's peak is close to
// the first tenth's; the features themselves (4 bytes x featureSize per image) are the only growth
// expected, and are reported separately.
// Run: node --import tsx bench/memory.ts [--images 10000] [--workers 2] [--input 224]   (prints JSON)
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import sharp from 'sharp';
import { extractFiles } from '../src/features/extract';
import { loadMobileNet } from '../src/mobilenet/model';
import { mulberry32 } from '../src/util/random';

const { values } = parseArgs({
  options: {
    images: { type: 'string', default: '10000' },
    workers: { type: 'string', default: '2' },
    input: { type: 'string', default: '224' },
    distinct: { type: 'string', default: '256' },
  },
});
const images = Number(values.images);
const workers = Number(values.workers);
const input = Number(values.input);

(async () => {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'kombat-memory-'));
  try {
    const rng = mulberry32(3);
    const distinct: string[] = [];
    for (let i = 0; i < Number(values.distinct); i++) {
      const raw = Buffer.alloc(640 * 360 * 3);
      for (let j = 0; j < raw.length; j++) raw[j] = (rng() * 256) | 0;
      const file = path.join(dir, `${i}.jpg`);
      await sharp(raw, { raw: { width: 640, height: 360, channels: 3 } })
        .jpeg()
        .toFile(file);
      distinct.push(file);
    }
    const files = Array.from({ length: images }, (_, i) => distinct[i % distinct.length]);
    const mobilenet = await loadMobileNet({ inputSize: [input, input] });
    const extractor = mobilenet.truncate();
    const mib = () => process.memoryUsage().rss / 2 ** 20;
    const samples: { done: number; rssMiB: number }[] = [];
    const t0 = performance.now();
    const result = await extractFiles(extractor, files, {
      workers,
      batchSize: 16,
      onBatch: (done) => samples.push({ done, rssMiB: mib() }),
    });
    const seconds = (performance.now() - t0) / 1000;
    const tenth = Math.max(1, Math.floor(samples.length / 10));
    const peak = (s: typeof samples) => Math.max(...s.map((x) => x.rssMiB));
    console.log(
      JSON.stringify({
        images,
        workers,
        inputSize: input,
        seconds,
        msPerImage: (1000 * seconds) / images,
        rssMiB: { firstTenthPeak: peak(samples.slice(0, tenth)), lastTenthPeak: peak(samples.slice(-tenth)) },
        featuresMiB: result.features.byteLength / 2 ** 20,
        failed: result.failed.length,
        loadAverage: os.loadavg(),
      }),
    );
    mobilenet.dispose();
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
})();
