/**
 * Secrets inside base64 as `base64` prints it by default, cut into lines of 76 characters, wherever the secret starts
 * on a line: in a plain text, in JSON (the transcript, a saved session) and in the live log (lines joined by spaces).
 */
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { Secrets } from '../src/text/untrusted-text.js';

const API_KEY = `sk-ant-api03-${'Qm7Zt2Xw9Kp4Lr8Vb3Nc6Hj1Df5Gs0Ya'.repeat(3)}-AbCdEf`;
const TOKEN = 'ghs_Ye5Rk9Tn2Wc7Mx4Qb1Lz8Hv3Jp6Df0Sa';

/** Every piece of 8 or more characters of the base64 of `secret`, at each byte offset, that `text` still shows. */
function shownPieces(text: string, secret: string): string[] {
  const shown: string[] = [];
  for (const offset of [0, 1, 2]) {
    const encoded = Buffer.concat([Buffer.alloc(offset), Buffer.from(secret)]).toString('base64');
    const form = encoded.slice(Math.ceil((offset * 8) / 6), Math.floor(((offset + secret.length) * 8) / 6));
    for (let at = 0; at + 8 <= form.length; at++) {
      if (text.includes(form.slice(at, at + 8))) shown.push(form.slice(at, at + 8));
    }
  }
  return shown;
}

/** What GNU base64 prints for `text` (lines of 76). */
function gnuBase64(text: string): string {
  return execFileSync('base64', { input: text, encoding: 'utf8' });
}

function streamed(secrets: Secrets, text: string, chunkSize: number): string {
  const redactor = secrets.streamRedactor();
  const bytes = Buffer.from(text);
  const out: Buffer[] = [];
  for (let at = 0; at < bytes.length; at += chunkSize) out.push(redactor.push(bytes.subarray(at, at + chunkSize)));
  out.push(redactor.end());
  return Buffer.concat(out).toString();
}

describe('wrapped base64', () => {
  const secrets = new Secrets([API_KEY, TOKEN]);

  it('is redacted wherever the secret starts on a line, joined as the transcript, the session and the log join it', () => {
    for (const secret of [API_KEY, TOKEN]) {
      for (let before = 0; before < 60; before++) {
        const printed = gnuBase64(
          `${'config line '.slice(0, before % 12).repeat(1 + Math.floor(before / 12))}${secret}\nrest of the file\n`,
        );
        for (const shown of [
          printed,
          printed.replace(/\n/g, '\r\n'),
          JSON.stringify({ content: printed }),
          JSON.stringify({ content: printed.replace(/\n/g, '\r\n') }),
          printed.split('\n').join(' '),
        ]) {
          expect(shownPieces(secrets.redact(shown), secret)).toEqual([]);
          expect(shownPieces(streamed(secrets, shown, 7), secret)).toEqual([]);
          expect(shownPieces(streamed(secrets, shown, 4096), secret)).toEqual([]);
        }
      }
    }
  });

  it('leaves base64 of other text, and lines that only look alike, as they are', () => {
    const other = gnuBase64('x'.repeat(300));
    expect(secrets.redact(other)).toBe(other);
    expect(streamed(secrets, other, 64)).toBe(other);
  });
});
