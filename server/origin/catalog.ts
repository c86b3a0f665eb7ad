/** The catalogue: every `<mediaDir>/<id>/title.json`, validated lightly, sorted by title. */
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { TitleJson } from '../../encoder/catalog/title-json.ts';
import { isValidTitleId } from '../http/safe-path.ts';
import type { Logger } from '../log.ts';

export class Catalog {
  private cache = new Map<string, { mtimeMs: number; title: TitleJson | null }>();
  constructor(private readonly mediaDir: string, private readonly log: Logger) {}

  async list(): Promise<TitleJson[]> {
    let names: string[];
    try {
      names = await readdir(this.mediaDir);
    } catch {
      return [];
    }
    const titles: TitleJson[] = [];
    for (const name of names) {
      if (!isValidTitleId(name)) continue;
      const t = await this.get(name);
      if (t) titles.push(t);
    }
    return titles.sort((a, b) => a.title.localeCompare(b.title) || a.id.localeCompare(b.id));
  }

  async get(id: string): Promise<TitleJson | null> {
    if (!isValidTitleId(id)) return null;
    const file = join(this.mediaDir, id, 'title.json');
    let st;
    try {
      st = await stat(file);
    } catch {
      return null;
    }
    if (!st.isFile()) return null;
    const c = this.cache.get(id);
    if (c && c.mtimeMs === st.mtimeMs) return c.title;
    let title: TitleJson | null = null;
    try {
      const j = JSON.parse(await readFile(file, 'utf8')) as Partial<TitleJson>;
      if (j && typeof j === 'object' && typeof j.id === 'string' && typeof j.title === 'string' && Array.isArray(j.renditions)) {
        title = { ...(j as TitleJson), id };
      } else {
        this.log.warn({ file }, 'title.json lacks id/title/renditions: skipped');
      }
    } catch (err) {
      this.log.warn({ file, err: (err as Error).message }, 'title.json is not valid JSON: skipped');
    }
    this.cache.set(id, { mtimeMs: st.mtimeMs, title });
    return title;
  }
}
