// An ACA instance's answer on disk: written atomically (temp, fsync, rename), read back at
// start, so a restarted instance never goes back to an older generation.

import { existsSync, readFileSync } from 'node:fs';
import { parseAcaAnswer, type AcaAnswer } from '../../engine/region/aca-answer';
import { writeSecretFile } from '../auth/secure-file';

/** The largest ACA file read (state or watched GitOps file): an answer is a few dozen bytes. */
export const ACA_FILE_BYTES_MAX = 4_096;

export class AcaFileError extends Error {
  override readonly name = 'AcaFileError';
}

export function readAcaFile(path: string): AcaAnswer | null {
  if (!existsSync(path)) return null;
  const text = readFileSync(path, 'utf8');
  if (Buffer.byteLength(text) > ACA_FILE_BYTES_MAX) throw new AcaFileError(`${path}: ${Buffer.byteLength(text)} bytes, the limit is ${ACA_FILE_BYTES_MAX}`);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new AcaFileError(`${path}: not JSON (${(error as Error).message})`);
  }
  const parsed = parseAcaAnswer(json);
  if (!parsed.ok) throw new AcaFileError(`${path}: ${parsed.error}`);
  return parsed.answer;
}

export function writeAcaFile(path: string, answer: AcaAnswer): void {
  writeSecretFile(path, `${JSON.stringify({ active: answer.active, secondary: answer.secondary, generation: answer.generation }, null, 2)}\n`);
}
