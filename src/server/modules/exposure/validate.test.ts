import { describe, expect, it } from 'vitest';
import { toBase64 } from '../../../exposure/crypto.ts';
import { AppError } from '../../platform/errors.ts';
import { validateUpload } from './validate.ts';

const NOW = 1_733_270_400 + 5 * 3600; // 2024-12-04 05:00 UTC
const TODAY = Math.floor(NOW / 600 / 144) * 144;
const CURRENT = Math.floor(NOW / 600);
let serial = 0;
const key = (extra: Record<string, unknown> = {}) => ({
  key: toBase64(new Uint8Array(16).fill(++serial)),
  rollingStartIntervalNumber: TODAY - 144,
  rollingPeriod: 144,
  ...extra,
});

function refusal(keys: unknown[]): { code: string; details: unknown } {
  try {
    validateUpload(keys as never, NOW);
  } catch (err) {
    if (err instanceof AppError) return { code: err.code, details: err.details };
    throw err;
  }
  throw new Error('accepted');
}

describe('GAEN upload rules', () => {
  it('accepts keys of the last 14 days, today’s key still in use, and the defaults', () => {
    const valid = validateUpload(
      [
        key({ rollingStartIntervalNumber: TODAY, rollingPeriod: 144 }),
        key({ rollingStartIntervalNumber: CURRENT }),
        key({ rollingStartIntervalNumber: TODAY - 14 * 144 + 1, rollingPeriod: 144 }),
        key({ transmissionRisk: 0, reportType: 3, daysSinceOnsetOfSymptoms: -14 }),
        key({ transmissionRisk: 8, rollingPeriod: 1, daysSinceOnsetOfSymptoms: 14 }),
      ],
      NOW,
    );
    expect(valid).toHaveLength(5);
    expect(valid[0]).toMatchObject({ transmissionRiskLevel: 4, reportType: 1, daysSinceOnsetOfSymptoms: undefined });
    expect(valid[0]!.keyData).toHaveLength(16);
  });

  it('refuses each broken rule with the key’s index', () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ key: 'AAAA' }, 'key is not 16 bytes'],
      [{ key: toBase64(new Uint8Array(17)) }, 'key is not 16 bytes'],
      [{ key: 'A'.repeat(23) }, 'key is not base64'],
      [{ rollingPeriod: 0 }, 'rollingPeriod must be 1-144'],
      [{ rollingPeriod: 145 }, 'rollingPeriod must be 1-144'],
      [{ rollingStartIntervalNumber: CURRENT + 1 }, 'rollingStartIntervalNumber is in the future'],
      [{ rollingStartIntervalNumber: TODAY - 15 * 144, rollingPeriod: 144 }, 'the key is older than 14 days'],
      [{ transmissionRisk: -1 }, 'transmissionRisk must be 0-8'],
      [{ transmissionRisk: 9 }, 'transmissionRisk must be 0-8'],
      [{ reportType: 0 }, 'reportType must be 1, 2 or 3'],
      [{ reportType: 5 }, 'reportType must be 1, 2 or 3'],
      [{ daysSinceOnsetOfSymptoms: -15 }, 'daysSinceOnsetOfSymptoms must be -14 to 14'],
    ];
    for (const [extra, reason] of cases) {
      expect(refusal([key(), key(extra)]), reason).toEqual({ code: 'EN_KEY_INVALID', details: { index: 1, reason } });
    }
  });

  it('refuses duplicates, an empty upload and more than 30 keys', () => {
    const k = key();
    expect(refusal([k, key(), k]).code).toBe('EN_KEY_DUPLICATE');
    expect(refusal([]).code).toBe('EN_NO_KEYS');
    expect(refusal(Array.from({ length: 31 }, () => key())).code).toBe('EN_TOO_MANY_KEYS');
    expect(validateUpload(Array.from({ length: 30 }, () => key()) as never, NOW)).toHaveLength(30);
  });
});
