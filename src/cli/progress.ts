// A progress bar on stderr when it is a terminal; nothing otherwise (logs and pipes stay clean).
import { Presets, SingleBar } from 'cli-progress';

export interface Progress {
  /** done of total; starts the bar on the first call. */
  update(done: number, total: number): void;
  stop(): void;
}

export function progressBar(label: string, unit: string, enabled = process.stderr.isTTY === true): Progress {
  if (!enabled) return { update() {}, stop() {} };
  const bar = new SingleBar(
    {
      format: `${label} [{bar}] {value}/{total} ${unit} | {eta_formatted} left`,
      hideCursor: true,
      clearOnComplete: true,
      stream: process.stderr,
    },
    Presets.shades_classic,
  );
  let started = false;
  return {
    update(done, total) {
      if (!started) {
        bar.start(total, done);
        started = true;
      } else {
        bar.setTotal(total);
        bar.update(done);
      }
    },
    stop() {
      if (started) bar.stop();
      started = false;
    },
  };
}
