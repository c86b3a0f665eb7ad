/**
 * The origin's view of the media dir: safe lookup (whitelisted path + realpath containment, regular files only)
 * and an in-memory copy of recently read files, revalidated by mtime/size on every request.
 */
import { realpath, stat, readFile } from 'node:fs/promises';
import { join, sep } from 'node:path';
import { LRUCache } from 'lru-cache';
import { parseMediaPath } from '../http/safe-path.ts';
import { cacheControlFor, contentTypeFor } from '../http/mime.ts';
import { makeStoredObject, type StoredObject } from '../http/stored-object.ts';

export type Lookup = { ok: true; obj: StoredObject; relPath: string } | { ok: false; status: number; reason: string };

export class MediaFiles {
  private rootReal: string | null = null;
  private readonly mem: LRUCache<string, { obj: StoredObject; mtimeMs: number; size: number }>;

  constructor(readonly mediaDir: string, memoryBytes = 256 * 1024 * 1024, private readonly maxFileBytes = 512 * 1024 * 1024) {
    this.mem = new LRUCache({ maxSize: memoryBytes, sizeCalculation: (v) => Math.max(1, v.size) });
  }

  private async root(): Promise<string> {
    if (this.rootReal === null) this.rootReal = await realpath(this.mediaDir);
    return this.rootReal;
  }

  async lookup(rawPath: string): Promise<Lookup> {
    const sp = parseMediaPath(rawPath);
    if (!sp.ok) return { ok: false, status: sp.status, reason: sp.reason };
    let root: string;
    try {
      root = await this.root();
    } catch {
      return { ok: false, status: 404, reason: `media dir ${this.mediaDir} does not exist` };
    }
    const full = join(root, ...sp.segments);
    let real: string;
    try {
      real = await realpath(full);
    } catch {
      return { ok: false, status: 404, reason: `no such file: ${sp.relPath}` };
    }
    if (!real.startsWith(root + sep)) return { ok: false, status: 403, reason: 'path leads outside the media dir' };
    let st;
    try {
      st = await stat(real);
    } catch {
      return { ok: false, status: 404, reason: `no such file: ${sp.relPath}` };
    }
    if (!st.isFile()) return { ok: false, status: 404, reason: `not a file: ${sp.relPath}` };
    if (st.size > this.maxFileBytes) return { ok: false, status: 403, reason: 'file too large to serve' };
    const hit = this.mem.get(real);
    if (hit && hit.mtimeMs === st.mtimeMs && hit.size === st.size) return { ok: true, obj: hit.obj, relPath: sp.relPath };
    let body: Buffer;
    try {
      body = await readFile(real);
    } catch {
      return { ok: false, status: 404, reason: `unreadable file: ${sp.relPath}` };
    }
    const cc = cacheControlFor(sp.relPath);
    const obj = makeStoredObject({
      body,
      contentType: contentTypeFor(sp.relPath),
      cacheControl: cc.header,
      maxAgeSec: cc.maxAgeSec,
      lastModified: st.mtime.toUTCString(),
    });
    this.mem.set(real, { obj, mtimeMs: st.mtimeMs, size: st.size });
    return { ok: true, obj, relPath: sp.relPath };
  }
}
