/** The English texts in one chunk (loaded on demand by i18n/index.ts), merged like the Vietnamese ones. */
import casesEn from './cases.en.json';
import checkinsEn from './checkins.en.json';
import declarationsEn from './declarations.en.json';
import en from './en.json';
import exposureEn from './exposure.en.json';
import greenpassEn from './greenpass.en.json';
import homeAdminEn from './home-admin.en.json';
import testingEn from './testing.en.json';
import vaccinationEn from './vaccination.en.json';

const translation = {
  ...en,
  ...casesEn,
  ...checkinsEn,
  ...testingEn,
  ...exposureEn,
  ...homeAdminEn,
  ...declarationsEn,
  ...vaccinationEn,
  ...greenpassEn,
};

export default translation;
