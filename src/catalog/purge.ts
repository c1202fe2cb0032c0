import type { FileIO } from '../io/file-io.js';

/** Delete every object under `prefix`, plus `extra` locations, in batches of 1,000 (S3's DeleteObjects limit). */
export async function deleteUnder(io: FileIO, prefix: string, extra: readonly string[] = []): Promise<void> {
  const batch: string[] = [...extra];
  for await (const f of io.list(prefix)) {
    batch.push(f.location);
    if (batch.length >= 1000) await io.deleteMany(batch.splice(0));
  }
  await io.deleteMany(batch);
}
