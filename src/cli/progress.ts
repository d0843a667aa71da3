/** A one-line progress bar on a terminal (stderr); nothing when not a TTY. */
import type { IngestProgress } from '../engine/ingest.js';

export class Progress {
  private last = 0;
  private stageName = '';
  constructor(private readonly out: NodeJS.WriteStream) {}
  update(p: IngestProgress): void {
    const now = Date.now();
    if (now - this.last < 100 && p.filesDone < p.filesTotal) return;
    this.last = now;
    const frac = p.bytesTotal ? p.bytesDone / p.bytesTotal : 1;
    const width = 30;
    const fill = Math.round(frac * width);
    this.out.write(
      `\r[${'#'.repeat(fill)}${'.'.repeat(width - fill)}] ${(frac * 100).toFixed(0).padStart(3)}% ${p.filesDone}/${p.filesTotal} files ${p.records} records\x1b[K`,
    );
  }
  stage(s: string): void {
    if (s === this.stageName) return;
    this.stageName = s;
    this.out.write(`\r${s}...\x1b[K`);
  }
  done(): void {
    this.out.write('\r\x1b[K');
  }
}
