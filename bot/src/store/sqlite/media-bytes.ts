/**
 * Where the SQLite store keeps media bytes: one file per media id in a directory
 * (DATA_DIR/media/<id>), or a map for an in-memory database.
 */
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export interface MediaBytes {
  write(id: string, bytes: Uint8Array): Promise<void>;
  read(id: string): Promise<Uint8Array | undefined>;
  remove(id: string): Promise<void>;
}

export class MediaDirectory implements MediaBytes {
  constructor(readonly dir: string) {}

  /**
   * Written to a temporary name and renamed: a crash never leaves half a picture, and a write
   * that fails (disk full, the rename refused) removes its temporary file before it throws.
   */
  async write(id: string, bytes: Uint8Array): Promise<void> {
    await mkdir(this.dir, { recursive: true });
    const temporary = join(this.dir, `.${id}.tmp`);
    try {
      await writeFile(temporary, bytes);
      await rename(temporary, join(this.dir, id));
    } catch (error) {
      await rm(temporary, { force: true });
      throw error;
    }
  }

  async read(id: string): Promise<Uint8Array | undefined> {
    try {
      return new Uint8Array(await readFile(join(this.dir, id)));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
  }

  async remove(id: string): Promise<void> {
    await rm(join(this.dir, id), { force: true });
  }
}

export class MediaInMemory implements MediaBytes {
  private readonly files = new Map<string, Uint8Array>();

  write(id: string, bytes: Uint8Array): Promise<void> {
    this.files.set(id, Uint8Array.from(bytes));
    return Promise.resolve();
  }

  read(id: string): Promise<Uint8Array | undefined> {
    const bytes = this.files.get(id);
    return Promise.resolve(bytes && Uint8Array.from(bytes));
  }

  remove(id: string): Promise<void> {
    this.files.delete(id);
    return Promise.resolve();
  }
}
