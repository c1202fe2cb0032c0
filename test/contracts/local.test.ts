import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LocalFileIO } from '../../src/io/local.js';
import { fileIOContract } from './file-io-contract.js';

fileIOContract('LocalFileIO', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'lakekit-local-'));
  // fsync off keeps the 200-run model test quick; durability is covered in test/unit/io/local.test.ts.
  return { io: new LocalFileIO({ root: dir, fsync: false }), root: `file://${dir}/`, cleanup: () => rm(dir, { recursive: true, force: true }) };
}, { modelRuns: 60 });
