/**
 * i18next set-up: Vietnamese by default, English on request; the choice is kept in localStorage and mirrored
 * to <html lang> so screen readers and hyphenation follow it.
 */
import i18n from 'i18next';
import resourcesToBackend from 'i18next-resources-to-backend';
import { initReactI18next } from 'react-i18next';
import casesVi from './cases.vi.json';
import checkinsVi from './checkins.vi.json';
import declarationsVi from './declarations.vi.json';
import exposureVi from './exposure.vi.json';
import greenpassVi from './greenpass.vi.json';
import testingVi from './testing.vi.json';
import vaccinationVi from './vaccination.vi.json';
import vi from './vi.json';

export const LANGUAGES = ['vi', 'en'] as const;
export type Language = (typeof LANGUAGES)[number];
const STORAGE_KEY = 'truyvet.lang';

function storedLanguage(): Language {
  try {
    const stored = window.localStorage.getItem(STORAGE_KEY);
    return stored === 'en' ? 'en' : 'vi';
  } catch {
    return 'vi';
  }
}

function applyLanguage(lng: string): void {
  document.documentElement.lang = lng;
  document.title = i18n.t('app.title');
  try {
    window.localStorage.setItem(STORAGE_KEY, lng);
  } catch {
    // storage may be unavailable (private mode); the choice then lasts for this page only
  }
}

/**
 * Vietnamese ships in the entry chunk; English is its own chunk, fetched (and cached offline by the service worker)
 * the first time it is chosen, so a phone on a slow line downloads one language. Resolves once the language to
 * show is loaded: main.tsx renders after it.
 */
export const i18nReady = i18n
  .use(initReactI18next)
  .use(resourcesToBackend((language: string) => (language === 'en' ? import('./en.bundle.ts') : Promise.resolve({}))))
  .init({
    resources: {
      vi: {
        translation: {
          ...vi,
          ...casesVi,
          ...checkinsVi,
          ...testingVi,
          ...exposureVi,
          ...declarationsVi,
          ...vaccinationVi,
          ...greenpassVi,
        },
      },
    },
    partialBundledLanguages: true,
    lng: storedLanguage(),
    fallbackLng: 'vi',
    supportedLngs: [...LANGUAGES],
    interpolation: { escapeValue: false },
    returnNull: false,
  })
  .then(() => {
    i18n.on('languageChanged', applyLanguage);
    applyLanguage(i18n.language);
  });

export function currentLanguage(): Language {
  return i18n.language === 'en' ? 'en' : 'vi';
}

export default i18n;
