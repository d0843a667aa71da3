/**
 * The only module that touches the file system for evidence: listing evidence trees, streaming
 * (and gunzipping) files with bounds, hashing, and writing outputs.
 */
import { createHash } from 'node:crypto';
import { closeSync, createReadStream, promises as fsp, openSync, readFileSync, writeSync } from 'node:fs';
import path from 'node:path';
import { createGunzip, gunzipSync } from 'node:zlib';
import type { Limits } from './limits.js';

export interface ListedFile {
  path: string;
  bytes: number;
}

export interface ListResult {
  files: ListedFile[];
  /** paths that could not be listed or read, with the reason */
  problems: Array<{ path: string; reason: string }>;
}

/** Recursively lists files below the given paths, sorted by path (deterministic). */
export async function listEvidence(inputs: string[]): Promise<ListResult> {
  const files: ListedFile[] = [];
  const problems: ListResult['problems'] = [];
  const seen = new Set<string>();
  const visit = async (p: string, depth: number): Promise<void> => {
    if (depth > 64) {
      problems.push({ path: p, reason: 'directory nesting deeper than 64 levels: not followed' });
      return;
    }
    let st: import('node:fs').Stats;
    try {
      st = await fsp.stat(p);
    } catch (e) {
      problems.push({
        path: p,
        reason: `cannot read: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`,
      });
      return;
    }
    if (st.isDirectory()) {
      let entries: string[];
      try {
        entries = await fsp.readdir(p);
      } catch (e) {
        problems.push({
          path: p,
          reason: `cannot list directory: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`,
        });
        return;
      }
      entries.sort();
      for (const name of entries) {
        if (name.startsWith('.')) continue;
        await visit(path.join(p, name), depth + 1);
      }
    } else if (st.isFile()) {
      const abs = path.resolve(p);
      if (seen.has(abs)) return;
      seen.add(abs);
      files.push({ path: p, bytes: st.size });
    } else {
      // a FIFO, socket or device: reading it could block or never end; reported, not read
      problems.push({ path: p, reason: 'not a regular file (FIFO, socket or device): not read' });
    }
  };
  for (const input of inputs) await visit(input, 0);
  files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return { files, problems };
}

/** A line (or the last unterminated line) of a file, with its 0-based number. */
export interface RawLine {
  line: number;
  /** the line's bytes, or null when the line was over the size cap */
  bytes: Buffer | null;
  /** full length of the line in bytes, even when it was dropped */
  length: number;
}

export interface FileReadResult {
  sha256: string;
  bytes: number;
  inflatedBytes: number;
  gzip: boolean;
  /** set when the stream ended early: truncated gzip, decompression bomb, read error */
  error: string | null;
}

/** sha256 of a whole file, streamed. */
export async function sha256File(file: string): Promise<string> {
  const h = createHash('sha256');
  for await (const chunk of createReadStream(file)) h.update(chunk as Buffer);
  return h.digest('hex');
}

class StopRead extends Error {}

/**
 * Streams a file (gunzipping when it starts with the gzip magic), hashing the raw bytes and
 * splitting the content into lines without ever holding a line longer than the cap.
 * Calls `onLine` for each line; resolves with the hash and the reason the stream ended early, if any.
 */
export async function readLines(
  file: string,
  limits: Limits,
  onLine: (l: RawLine) => void,
): Promise<FileReadResult> {
  const hash = createHash('sha256');
  let bytes = 0;
  let inflated = 0;
  let gzip = false;
  let error: string | null = null;

  let lineNo = 0;
  let parts: Buffer[] = [];
  let partLen = 0;
  let overflow = false;
  let lineLen = 0;

  const pushBytes = (buf: Buffer): void => {
    let start = 0;
    while (start < buf.length) {
      const nl = buf.indexOf(10, start);
      const end = nl === -1 ? buf.length : nl;
      const seg = end - start;
      lineLen += seg;
      if (!overflow) {
        if (partLen + seg > limits.maxRecordBytes) {
          overflow = true;
          parts = [];
          partLen = 0;
        } else if (seg > 0) {
          parts.push(buf.subarray(start, end));
          partLen += seg;
        }
      }
      if (nl === -1) break;
      emit();
      start = nl + 1;
    }
  };
  const emit = (): void => {
    const b = overflow ? null : parts.length === 1 ? Buffer.from(parts[0]) : Buffer.concat(parts, partLen);
    onLine({ line: lineNo, bytes: b, length: lineLen });
    lineNo++;
    parts = [];
    partLen = 0;
    overflow = false;
    lineLen = 0;
  };

  await new Promise<void>((resolve) => {
    const src = createReadStream(file, { highWaterMark: 1 << 20 });
    let gunzip: ReturnType<typeof createGunzip> | null = null;
    let decided = false;
    let finished = false;
    const finish = (err: string | null): void => {
      if (finished) return;
      finished = true;
      if (err && !error) error = err;
      resolve();
    };
    const onInflated = (chunk: Buffer): void => {
      inflated += chunk.length;
      if (inflated > limits.maxInflatedBytes) {
        throw new StopRead(`decompressed size over ${limits.maxInflatedBytes} bytes: stopped reading`);
      }
      if (
        gzip &&
        inflated > limits.inflateRatioFloor &&
        inflated > bytes * limits.maxInflateRatio &&
        bytes > 0
      ) {
        throw new StopRead(
          `decompression ratio over ${limits.maxInflateRatio}:1 (${inflated} bytes from ${bytes}): treated as a decompression bomb, stopped reading`,
        );
      }
      pushBytes(chunk);
    };
    /** set when content stopped being read (bomb, gzip error): the rest of the file is still hashed */
    let stopped = false;
    let srcEnded = false;
    const stopInflating = (msg: string): void => {
      if (!error) error = msg;
      if (stopped) return;
      stopped = true;
      gunzip?.destroy();
      if (srcEnded) finish(null);
      else src.resume();
    };
    const fail = (e: unknown): void => {
      if (e instanceof StopRead) {
        stopInflating(e.message);
        return;
      }
      const msg = `read error: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`;
      src.destroy();
      gunzip?.destroy();
      finish(msg);
    };
    src.on('data', (chunk: Buffer | string) => {
      const buf = chunk as Buffer;
      hash.update(buf);
      bytes += buf.length;
      if (stopped) return;
      if (!decided) {
        decided = true;
        gzip = buf.length >= 2 && buf[0] === 0x1f && buf[1] === 0x8b;
        if (gzip) {
          gunzip = createGunzip({ chunkSize: 1 << 20 });
          gunzip.on('data', (c: Buffer) => {
            try {
              onInflated(c);
            } catch (e) {
              fail(e);
            }
          });
          gunzip.on('error', (e) => {
            stopInflating(
              /unexpected end/i.test(e.message)
                ? 'truncated gzip: the compressed stream ends early'
                : `gzip error: ${e.message}`,
            );
          });
          gunzip.on('end', () => finish(null));
        }
      }
      try {
        if (gunzip) {
          const g = gunzip;
          if (!g.write(buf)) {
            src.pause();
            g.once('drain', () => src.resume());
          }
        } else onInflated(buf);
      } catch (e) {
        fail(e);
      }
    });
    src.on('error', (e) => fail(e));
    src.on('end', () => {
      srcEnded = true;
      if (gunzip && !stopped) gunzip.end();
      else finish(null);
    });
  });
  if (lineLen > 0 || parts.length > 0 || overflow) emit();
  return { sha256: hash.digest('hex'), bytes, inflatedBytes: inflated, gzip, error };
}

export async function writeOutput(file: string, data: string | Buffer): Promise<void> {
  try {
    await fsp.writeFile(file, data);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    // the folder is missing: create it level by level (a recursive mkdir can stall on special file systems)
    const missing: string[] = [];
    let dir = path.dirname(path.resolve(file));
    while (!(await fileExists(dir))) {
      missing.unshift(dir);
      const up = path.dirname(dir);
      if (up === dir) break;
      dir = up;
    }
    for (const d of missing) await fsp.mkdir(d);
    await fsp.writeFile(file, data);
  }
}

export async function readTextFile(file: string): Promise<string> {
  return fsp.readFile(file, 'utf8');
}

export async function makeTempDir(prefix: string): Promise<string> {
  const os = await import('node:os');
  return fsp.mkdtemp(path.join(os.tmpdir(), prefix));
}

export async function removeDir(dir: string): Promise<void> {
  await fsp.rm(dir, { recursive: true, force: true });
}

export async function fileExists(file: string): Promise<boolean> {
  try {
    await fsp.access(file);
    return true;
  } catch {
    return false;
  }
}

/**
 * Appends lines to a file through a bounded buffer with synchronous writes, so a producer inside
 * a stream callback never accumulates unbounded memory.
 */
export class LineSink {
  private fd: number;
  private buf: string[] = [];
  private size = 0;
  lines = 0;
  constructor(
    readonly file: string,
    private readonly flushAt = 8 * 1024 * 1024,
  ) {
    this.fd = openSync(file, 'w');
  }
  write(line: string): void {
    this.buf.push(line);
    this.size += line.length + 1;
    this.lines++;
    if (this.size >= this.flushAt) this.flush();
  }
  flush(): void {
    if (!this.buf.length) return;
    writeSync(this.fd, `${this.buf.join('\n')}\n`);
    this.buf = [];
    this.size = 0;
  }
  close(): void {
    this.flush();
    closeSync(this.fd);
  }
}

/** Reads a small referenced file (e.g. a Bedrock body moved to S3), gunzipping with a cap. */
export function readSmallFileSync(file: string, maxBytes: number): { text: string } | { error: string } {
  try {
    const raw = readFileSync(file);
    if (raw.length > maxBytes) return { error: `file of ${raw.length} bytes over the ${maxBytes}-byte cap` };
    const isGz = raw.length >= 2 && raw[0] === 0x1f && raw[1] === 0x8b;
    const data = isGz ? gunzipSync(raw, { maxOutputLength: maxBytes }) : raw;
    return { text: data.toString('utf8') };
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    if (err.code === 'ERR_BUFFER_TOO_LARGE')
      return { error: `decompressed size over the ${maxBytes}-byte cap` };
    return { error: err.code ?? err.message };
  }
}

/** A readable stream of a file (for line-oriented commands). */
export function openInput(file: string): import('node:stream').Readable {
  return createReadStream(file);
}
