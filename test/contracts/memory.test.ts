import { MemoryFileIO } from '../../src/io/memory.js';
import { fileIOContract } from './file-io-contract.js';

let n = 0;
fileIOContract('MemoryFileIO', async () => {
  const root = `memory://bucket/run-${++n}/`;
  return { io: new MemoryFileIO({ root }), root };
}, { modelRuns: 200 });
