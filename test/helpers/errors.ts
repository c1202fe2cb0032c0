import { isLakeError, type ErrorCode } from '../../src/errors.js';

/** The LakeError code a promise rejects with, or 'OK'; any other error is re-thrown. */
export async function codeOf(p: Promise<unknown>): Promise<ErrorCode | 'OK'> {
  try {
    await p;
    return 'OK';
  } catch (e) {
    if (isLakeError(e)) return e.code;
    throw e;
  }
}
