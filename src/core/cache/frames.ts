// The index snapshot and the update records are saved as a run of small frames, each a kind and
// a v8-serialised piece (a thousand assets, a chunk of references, five hundred job records),
// made and written one at a time. Packed and serialised whole, the first save of a 10,000-model
// index held both at once beside the index: about 140 MB more for a moment, the language
// server's peak.
//
// Layout: per frame, its length (u32, little-endian) and the v8 bytes of [kind, value]; the
// last frame is ['end', number of frames before it], so a file cut short anywhere, even between
// two frames, is told from a whole one.
import { deserialize, serialize } from 'node:v8';
import * as fs from 'node:fs';

export type Frame = readonly [kind: string, value: unknown];

/** Bytes gathered into one reused buffer and handed to `sink` a megabyte at a time. */
export class ByteOutput {
  private readonly chunk = Buffer.allocUnsafe(1 << 20);
  private size = 0;
  /** `sink` must use the bytes before it returns: the buffer is filled again after. */
  constructor(private readonly sink: (bytes: Uint8Array) => void) {}

  /** Whether the buffer was handed on (a writer may yield to the event loop then). */
  put(part: Uint8Array): boolean {
    let flushed = false;
    if (this.size + part.length > this.chunk.length) flushed = this.flush();
    if (part.length > this.chunk.length) this.sink(part);
    else {
      this.chunk.set(part, this.size);
      this.size += part.length;
    }
    return flushed;
  }

  /**
   * Copies `length` bytes from `position` in the open file `fd`, read straight into the buffer:
   * a save that copies the parse cache's 90 MB of saved entries (10,000 models) held a buffer of
   * each until the next collection, 40 MB more for a moment.
   */
  putFromFile(fd: number, position: number, length: number): boolean {
    let flushed = false;
    while (length > 0) {
      if (this.size === this.chunk.length) flushed = this.flush() || flushed;
      const n = Math.min(length, this.chunk.length - this.size);
      if (fs.readSync(fd, this.chunk, this.size, n, position) !== n) throw new Error('the file is shorter than expected');
      this.size += n;
      position += n;
      length -= n;
    }
    return flushed;
  }

  flush(): boolean {
    if (!this.size) return false;
    this.sink(this.chunk.subarray(0, this.size));
    this.size = 0;
    return true;
  }
}

/** Writes `frames` and the end frame. A frame's value may be reused once the next is asked for. */
export function writeFrames(frames: Iterable<Frame>, out: ByteOutput): void {
  let count = 0;
  const put = (frame: Frame) => {
    const bytes = serialize(frame);
    const head = Buffer.allocUnsafe(4);
    head.writeUInt32LE(bytes.length, 0);
    out.put(head);
    out.put(bytes);
  };
  for (const frame of frames) {
    put(frame);
    count++;
  }
  put(['end', count]);
  out.flush();
}

/**
 * Writes the frames to `file` synchronously: the producer reads a live index, which must not
 * change between two frames (an update applied while the file is written). A failure removes
 * the half-written file and is thrown.
 */
export function writeFramesToFile(file: string, frames: Iterable<Frame>): void {
  const fd = fs.openSync(file, 'w');
  try {
    writeFrames(frames, new ByteOutput((bytes) => writeAll(fd, bytes)));
  } catch (e) {
    fs.closeSync(fd);
    fs.rmSync(file, { force: true });
    throw e;
  }
  fs.closeSync(fd);
}

/** The frames written by writeFrames, as one buffer (for a cache kept in memory). */
export function framesToBytes(frames: Iterable<Frame>): Buffer {
  const parts: Buffer[] = [];
  writeFrames(frames, new ByteOutput((bytes) => parts.push(Buffer.from(bytes))));
  return Buffer.concat(parts);
}

/** The frames in `bytes`, without the end frame; throws when they are cut short or foreign. */
export function* readFrames(bytes: Uint8Array): Generator<Frame> {
  const view = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let at = 0;
  let count = 0;
  while (at + 4 <= view.length) {
    const length = view.readUInt32LE(at);
    if (at + 4 + length > view.length) break;
    const frame = deserialize(view.subarray(at + 4, at + 4 + length)) as Frame;
    at += 4 + length;
    if (!Array.isArray(frame) || typeof frame[0] !== 'string') throw new Error('not a frame');
    if (frame[0] === 'end') {
      if (frame[1] !== count || at !== view.length) throw new Error('frames do not match their end');
      return;
    }
    count++;
    yield frame;
  }
  throw new Error('frames cut short');
}

export function* chunks<T>(items: readonly T[], size: number): Generator<T[]> {
  for (let i = 0; i < items.length; i += size) yield items.slice(i, i + size);
}

/** Writes all of `bytes` at the file's position (a write may take only part). */
export function writeAll(fd: number, bytes: Uint8Array): void {
  for (let done = 0; done < bytes.length; ) done += fs.writeSync(fd, bytes, done, bytes.length - done);
}
