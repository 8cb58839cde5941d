/**
 * The GAEN key server's upload rules, as one pure function: every key is checked before anything is stored, and the
 * first problem found is the answer (400 with its code and the key's index), so an upload is stored whole or not
 * at all.
 */
import { enIntervalNumber, fromBase64, KEY_BYTES } from '../../../exposure/crypto.ts';
import type { DiagnosisKey } from '../../../exposure/export-file.ts';
import { AppError } from '../../platform/errors.ts';
import {
  EN_DEFAULT_TRANSMISSION_RISK,
  EN_MAX_DAYS_SINCE_ONSET,
  EN_MAX_KEYS_PER_UPLOAD,
  EN_MAX_ROLLING_PERIOD,
  EN_MAX_TRANSMISSION_RISK,
  EN_RETENTION_DAYS,
  EN_UPLOAD_REPORT_TYPES,
} from './constants.ts';
import type { UploadKey } from './schemas.ts';

/** A validated key, ready to store. */
export interface ValidKey extends DiagnosisKey {
  transmissionRiskLevel: number;
  reportType: number;
  daysSinceOnsetOfSymptoms: number | undefined;
}

function invalid(index: number, reason: string): AppError {
  return new AppError('EN_KEY_INVALID', 400, { index, reason }, { index: index + 1 });
}

/** Checks an upload against the rules; throws the first problem as a 400. `nowSeconds` is the server's clock. */
export function validateUpload(keys: readonly UploadKey[], nowSeconds: number): ValidKey[] {
  if (keys.length === 0) throw new AppError('EN_NO_KEYS', 400);
  if (keys.length > EN_MAX_KEYS_PER_UPLOAD) {
    throw new AppError('EN_TOO_MANY_KEYS', 400, { max: EN_MAX_KEYS_PER_UPLOAD }, { max: EN_MAX_KEYS_PER_UPLOAD });
  }
  const current = enIntervalNumber(nowSeconds);
  const oldest = current - EN_RETENTION_DAYS * 144;
  const seen = new Set<string>();
  return keys.map((k, i) => {
    let keyData: Uint8Array;
    try {
      keyData = fromBase64(k.key);
    } catch {
      throw invalid(i, 'key is not base64');
    }
    if (keyData.length !== KEY_BYTES) throw invalid(i, 'key is not 16 bytes');
    if (seen.has(k.key)) throw new AppError('EN_KEY_DUPLICATE', 400, { index: i }, { index: i + 1 });
    seen.add(k.key);
    if (!Number.isInteger(k.rollingPeriod) || k.rollingPeriod < 1 || k.rollingPeriod > EN_MAX_ROLLING_PERIOD) {
      throw invalid(i, 'rollingPeriod must be 1-144');
    }
    const start = k.rollingStartIntervalNumber;
    if (!Number.isInteger(start) || start > current) throw invalid(i, 'rollingStartIntervalNumber is in the future');
    if (start + k.rollingPeriod <= oldest) throw invalid(i, 'the key is older than 14 days');
    const risk = k.transmissionRisk ?? EN_DEFAULT_TRANSMISSION_RISK;
    if (!Number.isInteger(risk) || risk < 0 || risk > EN_MAX_TRANSMISSION_RISK) {
      throw invalid(i, 'transmissionRisk must be 0-8');
    }
    const reportType = k.reportType ?? 1;
    if (!(EN_UPLOAD_REPORT_TYPES as readonly number[]).includes(reportType)) {
      throw invalid(i, 'reportType must be 1, 2 or 3');
    }
    const onset = k.daysSinceOnsetOfSymptoms;
    if (onset !== undefined && (!Number.isInteger(onset) || Math.abs(onset) > EN_MAX_DAYS_SINCE_ONSET)) {
      throw invalid(i, 'daysSinceOnsetOfSymptoms must be -14 to 14');
    }
    return {
      keyData,
      rollingStartIntervalNumber: start,
      rollingPeriod: k.rollingPeriod,
      transmissionRiskLevel: risk,
      reportType,
      daysSinceOnsetOfSymptoms: onset,
    };
  });
}
