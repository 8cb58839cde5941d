/**
 * The rules and value sets a Truyvet verifier applies until a province publishes its own (PUT
 * /api/v1/green-pass/rules): CertLogic in the EU rule format. Full primary series at least 14 days ago with a vaccine
 * on the accepted list; a negative RT-PCR under 72 hours or a rapid antigen test under 48 hours; recovery from day 11
 * to day 180 after the positive test.
 */
import type { BusinessRule } from './certlogic.ts';

const clock = { plusTime: [{ var: 'external.validationClock' }, 0, 'day'] };
const rule = (
  Identifier: string,
  CertificateType: string,
  vi: string,
  en: string,
  AffectedFields: string[],
  Logic: unknown,
): BusinessRule => ({
  Identifier,
  Type: 'Acceptance',
  Country: 'VN',
  Version: '1.0.0',
  CertificateType,
  Description: [
    { lang: 'vi', desc: vi },
    { lang: 'en', desc: en },
  ],
  ValidFrom: '2021-07-01T00:00:00Z',
  ValidTo: '2030-06-01T00:00:00Z',
  AffectedFields,
  Logic,
});

export const DEFAULT_VALUE_SETS: Record<string, string[]> = {
  'covid-19-vaccines': [
    'EU/1/20/1528',
    'EU/1/20/1507',
    'EU/1/21/1529',
    'EU/1/20/1525',
    'EU/1/21/1618',
    'Covishield',
    'BBIBP-CorV',
    'CoronaVac',
    'Covaxin',
    'Sputnik-V',
    'Hayat-Vax',
    'Abdala',
    'NVX-CoV2373',
  ],
  'covid-19-test-types': ['LP6464-4', 'LP217198-3'],
  'disease-agent-targeted': ['840539006'],
};

export const DEFAULT_RULES: BusinessRule[] = [
  rule(
    'GR-VN-0001',
    'General',
    'Chứng nhận về COVID-19',
    'The certificate is about COVID-19',
    ['v.0.tg', 't.0.tg', 'r.0.tg'],
    {
      in: [
        {
          if: [
            { var: 'payload.v.0' },
            { var: 'payload.v.0.tg' },
            { if: [{ var: 'payload.t.0' }, { var: 'payload.t.0.tg' }, { var: 'payload.r.0.tg' }] },
          ],
        },
        { var: 'external.valueSets.disease-agent-targeted' },
      ],
    },
  ),
  rule('VR-VN-0001', 'Vaccination', 'Đã tiêm đủ liều cơ bản', 'The primary series is complete', ['v.0.dn', 'v.0.sd'], {
    '>=': [{ var: 'payload.v.0.dn' }, { var: 'payload.v.0.sd' }],
  }),
  rule('VR-VN-0002', 'Vaccination', 'Vắc xin được chấp nhận', 'The vaccine is accepted', ['v.0.mp'], {
    in: [{ var: 'payload.v.0.mp' }, { var: 'external.valueSets.covid-19-vaccines' }],
  }),
  rule(
    'VR-VN-0003',
    'Vaccination',
    'Mũi cuối đã tiêm ít nhất 14 ngày',
    'The last dose was at least 14 days ago',
    ['v.0.dt'],
    {
      'not-before': [clock, { plusTime: [{ var: 'payload.v.0.dt' }, 14, 'day'] }],
    },
  ),
  rule('TR-VN-0001', 'Test', 'Kết quả âm tính', 'The test result is negative', ['t.0.tr'], {
    '===': [{ var: 'payload.t.0.tr' }, '260415000'],
  }),
  rule('TR-VN-0002', 'Test', 'Loại xét nghiệm được chấp nhận', 'The type of test is accepted', ['t.0.tt'], {
    in: [{ var: 'payload.t.0.tt' }, { var: 'external.valueSets.covid-19-test-types' }],
  }),
  rule(
    'TR-VN-0003',
    'Test',
    'RT-PCR lấy mẫu trong vòng 72 giờ',
    'RT-PCR sample taken within 72 hours',
    ['t.0.sc', 't.0.tt'],
    {
      if: [
        { '===': [{ var: 'payload.t.0.tt' }, 'LP6464-4'] },
        { before: [clock, { plusTime: [{ var: 'payload.t.0.sc' }, 72, 'hour'] }] },
        true,
      ],
    },
  ),
  rule(
    'TR-VN-0004',
    'Test',
    'Test nhanh lấy mẫu trong vòng 48 giờ',
    'Rapid test sample taken within 48 hours',
    ['t.0.sc', 't.0.tt'],
    {
      if: [
        { '===': [{ var: 'payload.t.0.tt' }, 'LP217198-3'] },
        { before: [clock, { plusTime: [{ var: 'payload.t.0.sc' }, 48, 'hour'] }] },
        true,
      ],
    },
  ),
  rule(
    'RR-VN-0001',
    'Recovery',
    'Khỏi bệnh từ ngày 11 đến ngày 180',
    'Recovered between day 11 and day 180',
    ['r.0.fr'],
    {
      and: [
        { 'not-before': [clock, { plusTime: [{ var: 'payload.r.0.fr' }, 11, 'day'] }] },
        { 'not-after': [clock, { plusTime: [{ var: 'payload.r.0.fr' }, 180, 'day'] }] },
      ],
    },
  ),
];
