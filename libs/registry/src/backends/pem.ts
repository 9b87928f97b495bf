import { readFileSync } from 'node:fs';
import { invalidOption } from '../options/option-rules.js';

/** A PEM file's path, or its contents (a `Buffer`, or a string that contains `-----BEGIN`). @publicApi */
export type PemSource = Buffer | string;

const PEM_RULE = 'PEM data: a Buffer, a string containing "-----BEGIN", or the path of a readable PEM file';

/**
 * The contents of one PEM source of the backend option `option`, read at bootstrap. Throws naming
 * the option and a path, never the contents (they may be a private key).
 * @internal
 */
export function readPem(option: string, source: unknown): Buffer {
  let data: Buffer;
  if (Buffer.isBuffer(source)) data = source;
  else if (typeof source === 'string' && source.includes('-----BEGIN')) data = Buffer.from(source);
  else if (typeof source === 'string' && source.trim() !== '') {
    try {
      data = readFileSync(source);
    } catch (error) {
      const why = (error as NodeJS.ErrnoException).code ?? 'unreadable';
      return invalidOption(option, source, `${PEM_RULE} (reading it failed: ${why})`);
    }
    if (!data.includes('-----BEGIN')) invalidOption(option, source, `${PEM_RULE} (the file holds no PEM block)`);
    return data;
  } else return invalidOption(option, typeof source === 'string' ? source : typeof source, PEM_RULE);
  if (!data.includes('-----BEGIN')) invalidOption(option, '(PEM data, hidden)', PEM_RULE);
  return data;
}
